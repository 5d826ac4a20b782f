"""PDF from the HTML reports with WeasyPrint (A4, page numbers from CSS @page counters, SVG as vectors)."""

from __future__ import annotations

from typing import Any

from mejora_common.errors import ProblemError


def _no_fetch(url: str, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
    """Reports are self-contained: nothing is fetched from the network or the disk while rendering."""
    raise ProblemError(500, "render_failed", "El reporte intentó cargar un recurso externo.")


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy import, loaded on first PDF

    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise ProblemError(500, "render_failed", "No se pudo generar el PDF.")
    return pdf


def warm_up() -> None:
    """Load WeasyPrint and the fonts once (the first PDF otherwise pays for it)."""
    html_to_pdf("<html><body><p>Mejora en Red</p></body></html>")
