"""Serves the built frontend with single-page-app fallback."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse, Response

NOT_BUILT = """<!doctype html><html lang="es"><meta charset="utf-8"><title>Mejora en Red</title>
<body style="font-family:sans-serif;max-width:40rem;margin:4rem auto">
<h1>Mejora en Red</h1><p>La interfaz web aún no está construida. Ejecuta <code>make run</code>,
que la construye automáticamente.</p><p>La API está disponible en <a href="/api/docs">/api/docs</a>.</p>
</body></html>"""


def serve_frontend(dist: Path, path: str) -> Response:
    index = dist / "index.html"
    if not index.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503)
    asset = _asset(dist, path) if path.strip("/") else None
    if asset is not None:
        cache = "public, max-age=31536000, immutable" if "/assets/" in f"/{path}" else "no-cache"
        return FileResponse(asset, headers={"Cache-Control": cache})
    return FileResponse(index, headers={"Cache-Control": "no-cache"})


def _asset(dist: Path, path: str) -> Path | None:
    """The build's file at ``path``, if any (a name the file system refuses, e.g. too long, is none)."""
    try:
        candidate = (dist / path.lstrip("/")).resolve()
        if candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return candidate
    except (OSError, ValueError):
        return None
    return None
