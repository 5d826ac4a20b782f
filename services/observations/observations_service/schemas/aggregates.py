"""``observations:aggregate``: compact arrays (the column names are in the answer) and SQL group sums."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from .instruments import Scale

#: observation_id, version, school_id, teacher_id, level, observed_on, instrument (index into ``instruments``),
#: dimension means, dimension adjusted values, domain means (instrument order).
CompactObservation = tuple[str, int, str, str, str, str, int, list[float], list[float], list[float]]
#: school_id, level, instrument, kind, code, n, Σmean, Σmean², Σadjusted, Σadjusted², n_low, n_mid, n_high.
GroupSums = tuple[str, str, int, str, str, int, float, float, float, float, int, int, int]


class AggregateDimension(BaseModel):
    code: str
    name: str
    domain: str
    reverse: bool


class AggregateDomain(BaseModel):
    code: str
    name: str


class AggregateInstrument(BaseModel):
    id: uuid.UUID
    code: str
    version: int
    scale: Scale
    dimensions: list[AggregateDimension]
    domains: list[AggregateDomain]


class NetworkAggregate(BaseModel):
    network_id: uuid.UUID
    wave: str | None
    instruments: list[AggregateInstrument]
    observation_columns: list[str]
    observations: list[CompactObservation] = Field(
        description="Cada observación enviada: id, versión, establecimiento, docente, nivel, fecha, índice del "
        "instrumento, medias de dimensiones, valores ajustados y medias de dominios (orden del instrumento)."
    )
    group_columns: list[str]
    groups: list[GroupSums] = Field(
        description="Sumas por establecimiento, nivel, instrumento e ítem sobre la última observación de cada aula."
    )
