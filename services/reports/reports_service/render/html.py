"""HTML reports from Jinja2 templates (autoescaping on: every user string is escaped).

Charts are inserted as inline SVG built by :func:`reports_service.render.svg.render_svg`,
which escapes its own text; that is the only markup marked safe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..schemas.charts import BarChartSpec, LineChartSpec
from ..service.labels import band_label
from . import fmt
from .svg import render_svg


def _svg(spec: LineChartSpec | BarChartSpec) -> Markup:
    return Markup(render_svg(spec))  # noqa: S704 - built by render_svg, which escapes every text


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports_service", "render/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=fmt.number,
        signed=fmt.signed,
        percent=fmt.percent,
        long_date=fmt.long_date,
        short_date=fmt.short_date,
        band_label=band_label,
        svg=_svg,
    )
    return env


def render_html(template: str, **context: Any) -> str:
    """Render a report template; ``generated_label`` is now, in Santiago."""
    context.setdefault("generated_label", fmt.timestamp(datetime.now(UTC)))
    return environment().get_template(template).render(**context)
