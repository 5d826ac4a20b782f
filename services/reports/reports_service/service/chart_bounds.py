"""How large a chart ``charts:render`` draws: past these bounds a 422 names the field, never a 500.

Why bounds: a bar chart grows one row per category, and past about 480 rows the PNG is taller than libcairo can
draw (a 500 before these bounds); thousands of points or labels of thousands of characters take seconds of CPU
each. The bounds stay well above what reports' own charts hold (a few dimensions per domain, two waves, names of
at most 200 characters in the sibling services), so a chart reports sent never comes back refused.

The chart models themselves stay unbounded: reports builds them from stored data, which must never make a read
fail; only a chart to draw (sent by a client) is checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from mejora_common.errors import ProblemError

from ..schemas.charts import BarChartSpec, ChartSpec, LineChartSpec

MAX_POINTS = 10_000
MAX_LINES = 10
MAX_MARKERS = 500
MAX_CATEGORIES = 100
MAX_SERIES = 6
MAX_BANDS = 10
MAX_LABEL = 300
"""Characters of a title, label or name."""
MAX_TEXT = 1_000
"""Characters of a subtitle or a point's note."""
MAX_ERRORS = 20


def _count(field: str, items: int, limit: int, what: str) -> Iterator[dict[str, str]]:
    if items > limit:
        yield {"field": field, "message": f"Tiene {items} {what}; el máximo es {limit}."}


def _text(field: str, text: str, limit: int = MAX_LABEL) -> Iterator[dict[str, str]]:
    if len(text) > limit:
        yield {"field": field, "message": f"Es demasiado largo (máximo {limit} caracteres)."}


def _line_errors(spec: LineChartSpec) -> Iterator[dict[str, str]]:
    yield from _text("y_label", spec.y_label)
    yield from _count("points", len(spec.points), MAX_POINTS, "puntos")
    yield from _count("lines", len(spec.lines), MAX_LINES, "líneas")
    yield from _count("markers", len(spec.markers), MAX_MARKERS, "eventos marcados")
    for i, point in enumerate(spec.points[:MAX_POINTS]):
        yield from _text(f"points[{i}].label", point.label)
        yield from _text(f"points[{i}].note", point.note, MAX_TEXT)
    for i, line in enumerate(spec.lines[:MAX_LINES]):
        yield from _text(f"lines[{i}].label", line.label)
        yield from _count(f"lines[{i}].values", len(line.values), MAX_POINTS, "valores")
    for i, marker in enumerate(spec.markers[:MAX_MARKERS]):
        yield from _text(f"markers[{i}].label", marker.label)


def _bar_errors(spec: BarChartSpec) -> Iterator[dict[str, str]]:
    yield from _text("missing_label", spec.missing_label)
    yield from _count("categories", len(spec.categories), MAX_CATEGORIES, "categorías")
    yield from _count("series", len(spec.series), MAX_SERIES, "series")
    yield from _count("bands", len(spec.bands), MAX_BANDS, "franjas")
    for i, category in enumerate(spec.categories[:MAX_CATEGORIES]):
        yield from _text(f"categories[{i}]", category)
    for i, series in enumerate(spec.series[:MAX_SERIES]):
        yield from _text(f"series[{i}].label", series.label)
        yield from _count(f"series[{i}].values", len(series.values), MAX_CATEGORIES, "valores")
    for i, band in enumerate(spec.bands[:MAX_BANDS]):
        yield from _text(f"bands[{i}].label", band.label)


def chart_size_errors(spec: ChartSpec) -> list[dict[str, str]]:
    """Every bound the chart passes (at most :data:`MAX_ERRORS`), as ``{"field", "message"}``."""
    errors = [*_text("title", spec.title), *_text("subtitle", spec.subtitle, MAX_TEXT)]
    errors.extend(_bar_errors(spec) if isinstance(spec, BarChartSpec) else _line_errors(spec))
    return errors[:MAX_ERRORS]


def check_chart_size(spec: ChartSpec) -> None:
    """422 ``chart_too_large`` naming each field past its bound."""
    errors = chart_size_errors(spec)
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise ProblemError(
            422, "chart_too_large", f"El gráfico es demasiado grande para dibujarlo. Revisa: {fields}.", errors=errors
        )
