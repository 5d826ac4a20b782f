"""Server-side SVG from a chart spec (:mod:`reports_service.schemas.charts`).

Pure string building, no I/O. Every text that reaches the SVG goes through
:func:`xml.sax.saxutils.escape` (and attribute values through ``quoteattr``), so a
measure called ``<script>`` is drawn as text, never as markup: the SVG is safe to
inline in HTML and in the frontend.

The output is a self-contained vector image (fonts named, no external
references) that WeasyPrint draws into the PDF as vectors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from xml.sax.saxutils import escape as _sax_escape
from xml.sax.saxutils import quoteattr as _sax_quoteattr

from ..schemas.charts import BarChartSpec, ChartLine, ChartSpec, LineChartSpec
from .fmt import number

# Characters XML 1.0 forbids (control characters, lone surrogates): dropped from user text, since
# an SVG holding one is not well-formed and no viewer or converter can read it.
_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    return _sax_escape(_XML_INVALID.sub("", text))


def quoteattr(text: str) -> str:
    return _sax_quoteattr(_XML_INVALID.sub("", text))


FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
COLORS = {
    "data": "#1f5f8b",
    "signal": "#d1495b",
    "centre": "#2a9d8f",
    "limit": "#8d99ae",
    "target": "#e9a03b",
    "event": "#6a4c93",
    "grid": "#e3e7ec",
    "text": "#27313b",
    "muted": "#5c6773",
}
SERIES_COLORS = ("#9fb7cc", "#1f5f8b", "#2a9d8f", "#e9a03b")
BAND_COLORS = {"low": "#fbeaea", "mid": "#fdf6e3", "high": "#e8f5ee"}


def render_svg(spec: ChartSpec) -> str:
    """The SVG document of a chart spec."""
    if isinstance(spec, BarChartSpec):
        return _bar_chart(spec)
    return _line_chart(spec)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering ``[low, high]`` (1, 2, 2.5, 5 x 10^k steps)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return []
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Split a label into at most ``max_lines`` lines of about ``width`` characters (ellipsis if longer)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [line if len(line) <= width + 4 else line[: width + 3].rstrip() + "…" for line in lines]


def _text(
    x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", extra: str = "", fill: str = ""
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill or COLORS["text"]}"{extra}>{escape(text)}</text>'
    )


def _header(width: int, height: int, title: str, desc: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class={quoteattr(css_class)} width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} font-family={quoteattr(FONT)}>',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _format_value(value: float, percent: bool, digits: int = 2) -> str:
    return f"{number(value * 100, 0)} %" if percent else number(value, digits)


# ---------------------------------------------------------------------------------------
# Line charts (run and control charts)
# ---------------------------------------------------------------------------------------


def _y_range(spec: LineChartSpec) -> tuple[float, float, list[float]]:
    """The y axis: from the data (or the spec's bounds), widened to nice ticks."""
    values = [p.value for p in spec.points if p.value is not None]
    for line in spec.lines:
        values.extend(v for v in line.values if v is not None)
    low = spec.y_min if spec.y_min is not None else (min(values) if values else 0.0)
    high = spec.y_max if spec.y_max is not None else (max(values) if values else 1.0)
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    ticks = nice_ticks(low, high)
    if ticks:
        low, high = min(low, ticks[0]), max(high, ticks[-1])
    return low, high, ticks


def _data(spec: LineChartSpec, x_of: Callable[[float], float], y_of: Callable[[float], float]) -> list[str]:
    """The data line (broken at missing values) and its points, signals highlighted."""
    out: list[str] = []
    segments: list[list[str]] = [[]]
    for i, point in enumerate(spec.points):
        if point.value is None:
            segments.append([])
            continue
        segments[-1].append(f"{x_of(i):.1f},{y_of(point.value):.1f}")
    for segment in segments:
        if len(segment) > 1:
            out.append(
                f'<polyline class="data" points="{" ".join(segment)}" fill="none" stroke="{COLORS["data"]}" '
                'stroke-width="2"/>'
            )
    for i, point in enumerate(spec.points):
        if point.value is None:
            continue
        kinds = " ".join(point.signal_kinds)
        label = f"{point.label}: {_format_value(point.value, spec.percent)}"
        if point.note:
            label += f" — {point.note}"
        css = "point signal" if point.signal else "point"
        color = COLORS["signal"] if point.signal else COLORS["data"]
        radius = 5 if point.signal else 3.5
        out.append(
            f'<circle class="{css}" data-index="{i}" data-signals={quoteattr(kinds)} cx="{x_of(i):.1f}" '
            f'cy="{y_of(point.value):.1f}" r="{radius}" fill="{color}" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(label)}</title></circle>"
        )
    return out


def _line_chart(spec: LineChartSpec) -> str:
    width, height = 760, 340
    left, right, top, bottom = 64, 20, 52, 78
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(spec.points)

    low, high, ticks = _y_range(spec)

    def x_of(position: float) -> float:
        if n <= 1:
            return left + plot_w / 2
        return left + plot_w * position / (n - 1)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    signals = sum(1 for p in spec.points if p.signal)
    desc = f"{n} puntos; {signals} con señal; {len(spec.markers)} eventos marcados."
    out = _header(width, height, spec.title, desc, "chart chart-line")
    out.append(_text(left, 20, spec.title, size=14, extra=' font-weight="bold"'))
    if spec.subtitle:
        out.append(_text(left, 37, spec.subtitle, size=11, fill=COLORS["muted"]))

    # Grid and y axis.
    for tick in ticks:
        y = y_of(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{COLORS["grid"]}" '
            'stroke-width="1"/>'
        )
        out.append(_text(left - 6, y + 4, _format_value(tick, spec.percent), size=10, anchor="end"))
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{COLORS["muted"]}" stroke-width="1"/>'
    )
    if spec.y_label:
        cy = top + plot_h / 2
        out.append(_text(14, cy, spec.y_label, size=10, anchor="middle", extra=f' transform="rotate(-90 14 {cy:.1f})"'))

    # Events (learning sessions) behind the data.
    for marker in spec.markers:
        x = x_of(marker.position)
        out.append(
            f'<g class="event" data-kind={quoteattr(marker.kind)}><title>{escape(marker.label)}</title>'
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{COLORS["event"]}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<path d="M{x - 5:.1f},{top - 8} L{x + 5:.1f},{top - 8} L{x:.1f},{top - 1} Z" '
            f'fill="{COLORS["event"]}"/></g>'
        )

    # Centre lines, limits, targets.
    for line in spec.lines:
        out.extend(_line_paths(line, x_of, y_of, n))

    # Data line and points.
    out.extend(_data(spec, x_of, y_of))

    # X labels: at most ~12, rotated.
    every = max(1, math.ceil(n / 12))
    for i, point in enumerate(spec.points):
        if i % every and i != n - 1:
            continue
        x, y = x_of(i), top + plot_h + 14
        out.append(_text(x, y, point.label, size=9, anchor="end", extra=f' transform="rotate(-35 {x:.1f} {y:.1f})"'))

    out.extend(_line_legend(spec, left, height - 10))
    out.append("</svg>")
    return "".join(out)


def _line_paths(line: ChartLine, x_of: Callable[[float], float], y_of: Callable[[float], float], n: int) -> list[str]:
    """A centre line is broken where its value changes (a new part); limits are drawn as steps."""
    color = COLORS[line.role]
    dash = ' stroke-dasharray="6 4"' if line.role != "centre" else ""
    half = 0.5 if n > 1 else 0.0
    paths: list[str] = []
    current: list[str] = []
    previous: float | None = None
    for i, value in enumerate(line.values):
        if value is None or (line.role == "centre" and previous is not None and value != previous):
            if current:
                paths.append(" ".join(current))
            current = []
        if value is None:
            previous = None
            continue
        y = y_of(value)
        x0 = x_of(max(0.0, i - half))
        x1 = x_of(min(float(n - 1), i + half)) if n > 1 else x_of(0) + 1
        if not current:
            current.append(f"M{x0:.1f},{y:.1f}")
        else:
            current.append(f"L{x0:.1f},{y:.1f}")
        current.append(f"L{x1:.1f},{y:.1f}")
        previous = value
    if current:
        paths.append(" ".join(current))
    css = f"line line-{line.role}"
    return [
        f'<path class="{css}" d="{d}" fill="none" stroke="{color}" stroke-width="1.5"{dash}>'
        f"<title>{escape(line.label)}</title></path>"
        for d in paths
    ]


def _line_legend(spec: LineChartSpec, x: float, y: float) -> list[str]:
    items: list[tuple[str, str, str]] = [("circle", COLORS["data"], "Valor")]
    if any(p.signal for p in spec.points):
        items.append(("circle", COLORS["signal"], "Señal (desplazamiento, tendencia o fuera de límites)"))
    seen: set[str] = set()
    for line in spec.lines:
        if line.label not in seen:
            seen.add(line.label)
            items.append(("line", COLORS[line.role], line.label))
    if spec.markers:
        items.append(("line", COLORS["event"], "Sesión de aprendizaje"))
    out: list[str] = ['<g class="legend">']
    cursor = x
    for shape, color, label in items:
        if shape == "circle":
            out.append(f'<circle cx="{cursor + 5:.1f}" cy="{y - 4:.1f}" r="4" fill="{color}"/>')
        else:
            out.append(
                f'<line x1="{cursor:.1f}" y1="{y - 4:.1f}" x2="{cursor + 12:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{color}" stroke-width="2"/>'
            )
        out.append(_text(cursor + 16, y, label, size=10))
        cursor += 26 + 5.6 * len(label)
    out.append("</g>")
    return out


# ---------------------------------------------------------------------------------------
# Bar charts (network results per domain)
# ---------------------------------------------------------------------------------------


def _bar_chart(spec: BarChartSpec) -> str:
    width = 760
    left, right, top = 250, 70, 56
    series_n = max(1, len(spec.series))
    bar_h = 14
    group_h = max(series_n * bar_h + 12, 34)
    plot_h = max(1, len(spec.categories)) * group_h
    bottom = 56
    height = top + plot_h + bottom
    plot_w = width - left - right
    span = spec.x_max - spec.x_min if spec.x_max > spec.x_min else 1.0

    def x_of(value: float) -> float:
        clipped = min(max(value, spec.x_min), spec.x_max)
        return left + plot_w * (clipped - spec.x_min) / span

    desc = f"{len(spec.categories)} dimensiones; series: " + ", ".join(s.label for s in spec.series) + "."
    out = _header(width, height, spec.title, desc, "chart chart-bars")
    out.append(_text(16, 20, spec.title, size=14, extra=' font-weight="bold"'))
    if spec.subtitle:
        out.append(_text(16, 37, spec.subtitle, size=11, fill=COLORS["muted"]))

    for band in spec.bands:
        x0, x1 = x_of(band.start), x_of(band.end)
        out.append(
            f'<rect class="band band-{band.band}" x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" height="{plot_h}" '
            f'fill="{BAND_COLORS[band.band]}"><title>{escape(band.label)}</title></rect>'
        )
    for tick in nice_ticks(spec.x_min, spec.x_max, 7):
        if tick < spec.x_min - 1e-9 or tick > spec.x_max + 1e-9:
            continue
        x = x_of(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{COLORS["grid"]}" '
            'stroke-width="1"/>'
        )
        out.append(_text(x, top + plot_h + 14, number(tick, 0 if tick == int(tick) else 1), size=10, anchor="middle"))

    for c, category in enumerate(spec.categories):
        y0 = top + c * group_h + 6
        lines = wrap(category, 36, 2)
        first_y = y0 + series_n * bar_h / 2 + 4 - 6 * (len(lines) - 1)
        for k, line in enumerate(lines):
            out.append(_text(left - 8, first_y + 12 * k, line, size=10, anchor="end"))
        for s, series in enumerate(spec.series):
            value = series.values[c] if c < len(series.values) else None
            y = y0 + s * bar_h
            color = SERIES_COLORS[(s + (1 if series_n == 1 else 0)) % len(SERIES_COLORS)]
            label = f"{category} · {series.label}: "
            if value is None:
                out.append(_text(left + 4, y + bar_h - 3, spec.missing_label, size=9, fill=COLORS["muted"]))
                continue
            x1 = x_of(value)
            out.append(
                f'<rect class="bar" x="{left}" y="{y:.1f}" width="{max(0.0, x1 - left):.1f}" height="{bar_h - 2}" '
                f'fill="{color}"><title>{escape(label + number(value))}</title></rect>'
            )
            out.append(_text(x1 + 4, y + bar_h - 4, number(value), size=9))

    legend_y = height - 14
    cursor = float(left)
    for s, series in enumerate(spec.series):
        color = SERIES_COLORS[(s + (1 if series_n == 1 else 0)) % len(SERIES_COLORS)]
        out.append(f'<rect x="{cursor:.1f}" y="{legend_y - 9}" width="12" height="10" fill="{color}"/>')
        out.append(_text(cursor + 16, legend_y, series.label, size=10))
        cursor += 30 + 6 * len(series.label)
    out.append("</svg>")
    return "".join(out)
