"""PNG of a chart: the same SVG rasterised with CairoSVG (libcairo)."""

from __future__ import annotations

from mejora_common.errors import ProblemError


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Rasterise an SVG document; 406 problem if CairoSVG/libcairo is not available."""
    try:
        import cairosvg  # type: ignore[import-untyped]  # noqa: PLC0415 - optional native library, loaded on use
    except (ImportError, OSError) as exc:
        raise ProblemError(
            406,
            "format_unavailable",
            "El formato PNG no está disponible en este servidor; usa format=svg.",
        ) from exc
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    if not isinstance(png, bytes):  # pragma: no cover - cairosvg returns bytes without write_to
        raise ProblemError(500, "render_failed", "No se pudo generar la imagen PNG.")
    return png
