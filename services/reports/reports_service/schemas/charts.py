"""The one chart definition: a JSON chart spec that the server renders to SVG.

The same spec is drawn by :func:`reports_service.render.svg.render_svg` for the
HTML and PDF reports and for ``?format=svg`` (the frontend inlines that SVG), so
a chart looks the same on screen, on paper and in a download.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

SignalKind = Literal["shift", "trend", "sigma"]

# Chart numbers are finite and bounded (above what the SPC inputs, at most 1e12, can produce),
# so scales and coordinates stay finite.
ChartNumber = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


class ChartPoint(BaseModel):
    label: str = Field(description="Etiqueta del eje horizontal (fecha o número)")
    value: ChartNumber | None
    signal: bool = False
    signal_kinds: list[SignalKind] = Field(default_factory=list)
    note: str = ""


class ChartLine(BaseModel):
    role: Literal["centre", "limit", "target"]
    label: str
    values: list[ChartNumber | None] = Field(description="Valor de la línea en cada punto (null: sin línea)")


class ChartMarker(BaseModel):
    position: ChartNumber = Field(description="Posición horizontal en unidades de punto (0 = primer punto)")
    label: str
    kind: str = "learning_session"


class LineChartSpec(BaseModel):
    """Run chart or control chart: points over time, centre line, limits and events."""

    type: Literal["line"] = "line"
    title: str
    subtitle: str = ""
    y_label: str = ""
    points: list[ChartPoint]
    lines: list[ChartLine] = Field(default_factory=list)
    markers: list[ChartMarker] = Field(default_factory=list)
    y_min: ChartNumber | None = None
    y_max: ChartNumber | None = None
    percent: bool = Field(default=False, description="Valores entre 0 y 1 mostrados como porcentaje")


class BarSeries(BaseModel):
    label: str
    values: list[ChartNumber | None] = Field(description="Un valor por categoría (null: suprimido o sin datos)")


class BandRange(BaseModel):
    start: ChartNumber
    end: ChartNumber
    label: str
    band: Literal["low", "mid", "high"]


class BarChartSpec(BaseModel):
    """Horizontal bars: one category per dimension, one series per wave."""

    type: Literal["bars"] = "bars"
    title: str
    subtitle: str = ""
    categories: list[str]
    series: list[BarSeries]
    x_min: ChartNumber
    x_max: ChartNumber
    bands: list[BandRange] = Field(default_factory=list)
    missing_label: str = "suprimido"


ChartSpec = Annotated[LineChartSpec | BarChartSpec, Field(discriminator="type")]
