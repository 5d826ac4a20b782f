"""Scores of observations: the domain's exact values, rounded only in the answers built here, at the edge."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session

from mejora_common.auth import Principal
from mejora_common.errors import ProblemError

from ..domain.completeness import check_completeness
from ..domain.scoring import ObservationScore, ScoringError, score_observation
from ..models import Instrument, Observation
from ..schemas import DimensionScoreRead, DomainScoreRead, Scale, ScoresRead
from . import view_log
from .content import cycle_scores, gap_errors
from .instruments import spec_of
from .observations import ObservationFilters, get_row, list_rows, rows_after

SCORES_RULE = (
    "Regla de puntaje: la `mean` de una dimensión es el promedio de sus puntajes en los ciclos; su `adjusted` es "
    "igual a la media, salvo en una dimensión inversa (Clima negativo), que entra como `min + max − media` "
    "(NC 2 en la escala 1–7 cuenta como 6). La `mean` de un dominio es el promedio de los `adjusted` de sus "
    "dimensiones. `band`: `low` si el valor es < 2,5; `mid` si 2,5 ≤ valor < 5,5; `high` si ≥ 5,5 en la escala "
    "1–7 (los rangos 1–2, 3–5 y 6–7 de CLASS aplicados a un promedio); en otra escala `min..max` los umbrales son "
    "`min + (t − 1)·(max − min)/6` con t = 2,5 y 5,5. La banda de una dimensión es la de su media SIN ajustar "
    "(un Clima negativo bajo es bueno y su banda es `low`); la de un dominio, la de su media. Las bandas se "
    "calculan con los valores exactos; los valores se redondean a 2 decimales (mitad hacia arriba) solo en la "
    "respuesta, y `rounded=false` los entrega sin redondear."
)


def round2(value: float) -> float:
    """Half-up rounding to 2 decimals of the value as printed (4.125 → 4.13), for the API edge only."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _dimensions(score: ObservationScore, rounded: bool) -> list[DimensionScoreRead]:
    r = round2 if rounded else float
    return [
        DimensionScoreRead(
            code=d.code,
            name=d.name,
            domain=d.domain_code,
            mean=r(d.mean),
            adjusted=r(d.adjusted),
            band=d.band,
            reverse=d.reverse,
            n_cycles=d.n_cycles,
        )
        for d in score.dimensions
    ]


def _domains(score: ObservationScore, rounded: bool) -> list[DomainScoreRead]:
    r = round2 if rounded else float
    return [DomainScoreRead(code=d.code, name=d.name, mean=r(d.mean), band=d.band) for d in score.domains]


def scores_read(
    row: Observation, instrument: Instrument, score: ObservationScore, *, complete: bool, rounded: bool
) -> ScoresRead:
    return ScoresRead(
        observation_id=row.id,
        instrument_id=instrument.id,
        instrument_code=instrument.code,
        scale=Scale(min=score.scale_min, max=score.scale_max),
        n_cycles=score.n_cycles,
        complete=complete,
        rounded=rounded,
        dimensions=_dimensions(score, rounded),
        domains=_domains(score, rounded),
    )


def scores_row(row: Observation, instrument: Instrument, score: ObservationScore) -> dict[str, Any]:
    """One ``ObservationScoresRow`` as JSON-ready data, exact values (built directly: many rows, trusted values)."""
    return {
        "observation_id": str(row.id),
        "network_id": str(row.network_id),
        "school_id": str(row.school_id),
        "teacher_id": str(row.teacher_id),
        "observer_id": str(row.observer_id),
        "level": row.level,
        "wave": row.wave,
        "observed_on": row.observed_on.isoformat(),
        "instrument_id": str(instrument.id),
        "instrument_code": instrument.code,
        "instrument_version": instrument.version,
        "scale": {"min": score.scale_min, "max": score.scale_max},
        "n_cycles": score.n_cycles,
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "domain": d.domain_code,
                "mean": d.mean,
                "adjusted": d.adjusted,
                "band": d.band,
                "reverse": d.reverse,
                "n_cycles": d.n_cycles,
            }
            for d in score.dimensions
        ],
        "domains": [{"code": d.code, "name": d.name, "mean": d.mean, "band": d.band} for d in score.domains],
    }


def score_row(
    session: Session, row: Observation, *, check_complete: bool = True
) -> tuple[Instrument, ObservationScore, bool]:
    """(instrument, scores, complete). A draft is scored over the cycles that scored each dimension.

    With ``check_complete=False`` (a submitted observation, complete by construction) the
    completeness check is skipped and ``complete`` is reported as ``True``.
    """
    instrument = session.get(Instrument, row.instrument_id)
    assert instrument is not None
    spec = spec_of(instrument)
    cycles = cycle_scores(row.cycles)
    complete = not check_completeness(spec, cycles) if check_complete else True
    return instrument, score_observation(spec, cycles), complete


def get_scores(session: Session, principal: Principal, observation_id: uuid.UUID, *, rounded: bool) -> ScoresRead:
    """One observation's scores (422 listing the gaps while it cannot be scored yet)."""
    row = get_row(session, principal, observation_id)
    try:
        instrument, score, complete = score_row(session, row)
    except ScoringError as exc:
        raise ProblemError(
            422,
            "not_scorable",
            "Aún no se puede calcular el puntaje de esta observación.",
            errors=gap_errors(exc.gaps),
        ) from exc
    result = scores_read(row, instrument, score, complete=complete, rounded=rounded)
    view_log.record_rows(session, principal, "scores", [row])
    return result


def _score_filters(
    network_id: uuid.UUID, wave: str | None, instrument_id: uuid.UUID | None, include_double_coding: bool
) -> ObservationFilters:
    return ObservationFilters(
        network_id=network_id,
        wave=wave,
        instrument_id=instrument_id,
        status="submitted",
        double_coding=None if include_double_coding else False,
    )


def _score_rows(session: Session, rows: list[Observation]) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        instrument, score, _ = score_row(session, row, check_complete=False)
        items.append(scores_row(row, instrument, score))
    return items


def network_scores(
    session: Session,
    principal: Principal,
    network_id: uuid.UUID,
    *,
    wave: str | None,
    instrument_id: uuid.UUID | None,
    include_double_coding: bool,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """A ``Page[ObservationScoresRow]`` of the network's submitted observations, as JSON-ready data."""
    filters = _score_filters(network_id, wave, instrument_id, include_double_coding)
    rows, total = list_rows(session, principal, filters, limit, offset)
    items = _score_rows(session, rows)
    view_log.record_rows(session, principal, "scores_export", rows, asdict(filters))
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def network_scores_after(
    session: Session,
    principal: Principal,
    network_id: uuid.UUID,
    *,
    wave: str | None,
    instrument_id: uuid.UUID | None,
    include_double_coding: bool,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A ``CursorPage[ObservationScoresRow]`` after ``cursor`` (``None``: the first page), as JSON-ready data."""
    filters = _score_filters(network_id, wave, instrument_id, include_double_coding)
    rows, next_cursor = rows_after(session, principal, filters, cursor, limit)
    items = _score_rows(session, rows)
    view_log.record_rows(session, principal, "scores_export", rows, asdict(filters))
    return {"items": items, "next_cursor": next_cursor, "limit": limit}
