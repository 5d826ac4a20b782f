"""HTTP responses of rendered reports (SVG, PNG, HTML, PDF, CSV, XLSX)."""

from __future__ import annotations

import re
import unicodedata

from fastapi.responses import HTMLResponse, Response

SVG_TYPE = "image/svg+xml"
PNG_TYPE = "image/png"
PDF_TYPE = "application/pdf"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_filename(name: str) -> str:
    """ASCII file name: accents dropped, anything else unusual replaced by ``-``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain)
    plain = re.sub(r"-{2,}", "-", plain).strip("-._")
    return plain[:120] or "reporte"


def _download(body: bytes, media_type: str, filename: str, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content=body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{safe_filename(filename)}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def svg_response(svg: str) -> Response:
    return Response(
        content=svg.encode("utf-8"),
        media_type=SVG_TYPE,
        headers={
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


def png_response(png: bytes) -> Response:
    return Response(content=png, media_type=PNG_TYPE, headers={"Cache-Control": "private, no-store"})


def html_response(html: str) -> HTMLResponse:
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        },
    )


def pdf_response(pdf: bytes, filename: str) -> Response:
    return _download(pdf, PDF_TYPE, filename if filename.endswith(".pdf") else f"{filename}.pdf", inline=True)


def csv_response(body: bytes, filename: str) -> Response:
    return _download(body, CSV_TYPE, filename if filename.endswith(".csv") else f"{filename}.csv")


def xlsx_response(body: bytes, filename: str) -> Response:
    return _download(body, XLSX_TYPE, filename if filename.endswith(".xlsx") else f"{filename}.xlsx")
