"""Measure and data point schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .bounds import VERSION_DESCRIPTION, Amount, NonNegativeAmount

MeasureKind = Literal["outcome", "process", "balancing"]
ValueType = Literal["count", "proportion", "continuous"]
Direction = Literal["up", "down"]
Frequency = Literal["weekly", "monthly", "term", "yearly"]
RunRules = Literal["anhoj", "ihi"]
ControlRule = Literal["western_electric", "nelson_15"]
LaneyChoice = Literal["auto", "always", "never"]

RUN_RULES_DESCRIPTION = (
    "Reglas del gráfico de corrida: anhoj (corrida más larga y cruces, Anhøj & Olesen 2014) o ihi "
    "(desplazamiento de 6, tendencia de 5, pocas o demasiadas corridas; Perla, Provost & Murray 2011)"
)
CONTROL_RULES_DESCRIPTION = (
    "Reglas adicionales del gráfico de control, además del punto fuera de los límites: western_electric "
    "(2 de 3 más allá de 2σ, 4 de 5 más allá de 1σ, 8 seguidos de un lado) y nelson_15 (15 seguidos dentro de 1σ)"
)
LANEY_DESCRIPTION = "p′/u′ de Laney: auto (cuando σz supera el umbral documentado), always (siempre) o never (nunca)"

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MeasureCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    name: str = Field(min_length=1, max_length=200)
    kind: MeasureKind = Field(description="outcome (resultado), process (proceso) o balancing (balance)")
    operational_definition: str = Field(default="", max_length=4000)
    unit: str = Field(default="", max_length=50)
    value_type: ValueType
    direction: Direction = Field(description="up: más es mejor; down: menos es mejor")
    frequency: Frequency
    run_rules: RunRules = Field(default="anhoj", description=RUN_RULES_DESCRIPTION)
    control_rules: list[ControlRule] = Field(default_factory=list, description=CONTROL_RULES_DESCRIPTION)
    laney: LaneyChoice = Field(default="auto", description=LANEY_DESCRIPTION)


class MeasureUpdate(BaseModel):
    model_config = _STRICT
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: MeasureKind | None = None
    operational_definition: str | None = Field(default=None, max_length=4000)
    unit: str | None = Field(default=None, max_length=50)
    value_type: ValueType | None = None
    direction: Direction | None = None
    frequency: Frequency | None = None
    run_rules: RunRules | None = Field(default=None, description=RUN_RULES_DESCRIPTION)
    control_rules: list[ControlRule] | None = Field(default=None, description=CONTROL_RULES_DESCRIPTION)
    laney: LaneyChoice | None = Field(default=None, description=LANEY_DESCRIPTION)


class MeasureRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    name: str
    kind: MeasureKind
    operational_definition: str
    unit: str
    value_type: ValueType
    direction: Direction
    frequency: Frequency
    run_rules: RunRules = Field(description=RUN_RULES_DESCRIPTION)
    control_rules: list[ControlRule] = Field(description=CONTROL_RULES_DESCRIPTION)
    laney: LaneyChoice = Field(description=LANEY_DESCRIPTION)
    point_count: int
    created_at: datetime
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)


class PointIn(BaseModel):
    model_config = _STRICT
    period: date = Field(description="Fecha del período; se normaliza al inicio de la semana, mes o año")
    value: Amount | None = Field(default=None, description="Valor (conteo o continuo); en proporciones se calcula")
    numerator: NonNegativeAmount | None = None
    denominator: NonNegativeAmount | None = None
    school_id: uuid.UUID | None = Field(default=None, description="Establecimiento; vacío = toda la red")
    note: str = Field(default="", max_length=2000)


class PointRead(BaseModel):
    id: uuid.UUID
    measure_id: uuid.UUID
    period: date
    value: float
    numerator: float | None
    denominator: float | None
    school_id: uuid.UUID | None
    note: str
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)


class PointImportResult(BaseModel):
    created: int
    replaced: int
    total: int = Field(description="Puntos de la medida después de importar")


class PointEdit(BaseModel):
    """A change to one stored point (If-Match required); the period and the school stay."""

    model_config = _STRICT
    value: Amount | None = None
    numerator: NonNegativeAmount | None = None
    denominator: NonNegativeAmount | None = None
    note: str | None = Field(default=None, max_length=2000)


class PointChangeRead(BaseModel):
    """One entry of the points' history: who created, replaced, edited or deleted which value."""

    id: uuid.UUID
    point_id: uuid.UUID
    period: date
    school_id: uuid.UUID | None
    action: Literal["created", "replaced", "edited", "deleted"]
    old_value: float | None
    new_value: float | None
    old_numerator: float | None
    new_numerator: float | None
    old_denominator: float | None
    new_denominator: float | None
    actor_id: uuid.UUID | None
    actor_name: str
    changed_at: datetime


class PhaseCreate(BaseModel):
    """A phase confirmed by a person (from a proposal or on their own judgement)."""

    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    start_period: date = Field(description="Primer período de la fase; se normaliza como los datos")
    reason: str = Field(min_length=1, max_length=2000, description="Por qué empieza una fase nueva (obligatorio)")
    baseline_points: int | None = Field(
        default=None, ge=1, le=1000, description="Opcional: la línea central se congela en los primeros n puntos"
    )
    proposed: bool = Field(default=False, description="true si se confirma una propuesta del sistema")


class PhaseUpdate(BaseModel):
    model_config = _STRICT
    reason: str | None = Field(default=None, min_length=1, max_length=2000)
    baseline_points: int | None = Field(default=None, ge=1, le=1000)


class PhaseRead(BaseModel):
    id: uuid.UUID
    measure_id: uuid.UUID
    start_period: date
    reason: str
    baseline_points: int | None
    proposed: bool
    confirmed_by_id: uuid.UUID | None
    confirmed_by_name: str
    confirmed_at: datetime
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)


class PhaseDismissalCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    start_period: date = Field(description="Período en que empezaba la fase propuesta")
    reason: str = Field(min_length=1, max_length=2000, description="Por qué no es una fase nueva (obligatorio)")


class PhaseDismissalRead(BaseModel):
    id: uuid.UUID
    measure_id: uuid.UUID
    start_period: date
    reason: str
    dismissed_by_id: uuid.UUID | None
    dismissed_by_name: str
    dismissed_at: datetime
