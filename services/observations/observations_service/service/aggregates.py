"""``observations:aggregate``: a network wave's stored scores, aggregated in SQL where the data lives.

Two parts, one request:

* ``observations``: every submitted observation of the wave as a compact array (its id and version — the units a
  release freezes and audits —, school, teacher, level, date, instrument, then its dimension means, adjusted values
  and domain means in instrument order). Paired comparisons and releases need each classroom's values, so these are
  listed, not aggregated.
* ``groups``: per school, level, instrument and item (dimension or domain), SQL ``GROUP BY`` sums over the LATEST
  observation of each classroom (teacher at a level, per instrument; ties broken by id): n, Σmean, Σmean²,
  Σadjusted, Σadjusted², and how many means fall in each band. A network's or level's figures are sums of these.

Instruments are loaded once per request. Nothing here is rounded.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlmodel import Session, col

from mejora_common.auth import Principal

from ..domain.instrument import InstrumentSpec
from ..models import Instrument, Observation, ObservationScore
from . import view_log
from .instruments import spec_of
from .observations import ObservationFilters, filter_conditions, visibility_conditions

OBSERVATION_COLUMNS = [
    "observation_id",
    "version",
    "school_id",
    "teacher_id",
    "level",
    "observed_on",
    "instrument",
    "dimension_means",
    "dimension_adjusted",
    "domain_means",
]
GROUP_COLUMNS = [
    "school_id",
    "level",
    "instrument",
    "kind",
    "code",
    "n",
    "sum_mean",
    "sum_mean_sq",
    "sum_adjusted",
    "sum_adjusted_sq",
    "n_low",
    "n_mid",
    "n_high",
]


def _conditions(principal: Principal, filters: ObservationFilters) -> list[Any] | None:
    visible = visibility_conditions(principal, filters.network_id)
    return None if visible is None else visible + filter_conditions(filters)


def _instrument_out(instrument: Instrument, spec: InstrumentSpec) -> dict[str, Any]:
    return {
        "id": str(instrument.id),
        "code": spec.code,
        "version": spec.version,
        "scale": {"min": spec.scale_min, "max": spec.scale_max},
        "dimensions": [
            {"code": d.code, "name": d.name, "domain": d.domain_code, "reverse": d.reverse} for d in spec.dimensions
        ],
        "domains": [{"code": d.code, "name": d.name} for d in spec.domains],
    }


def _observation_query(conditions: list[Any]) -> Select[*tuple[Any, ...]]:
    """The observations with stored scores, in the listing order (one row each: few columns, no join fan-out)."""
    o, s = Observation, ObservationScore
    scored = select(col(s.observation_id)).where(col(s.observation_id) == col(o.id)).exists()
    return (
        select(
            col(o.id),
            col(o.version),
            col(o.school_id),
            col(o.teacher_id),
            col(o.level),
            col(o.observed_on),
            col(o.instrument_id),
            col(o.network_id),
        )
        .where(*conditions, scored)
        .order_by(col(o.observed_on), col(o.id))
    )


def _value_query(conditions: list[Any]) -> Select[*tuple[Any, ...]]:
    """Their stored values in the same order (kind, position, mean, adjusted: no ids to convert per row)."""
    o, s = Observation, ObservationScore
    return (
        select(col(s.kind), col(s.position), col(s.mean), col(s.adjusted))
        .join(o, col(s.observation_id) == col(o.id))
        .where(*conditions)
        .order_by(col(o.observed_on), col(o.id), col(s.kind), col(s.position))
    )


def _latest_query(conditions: list[Any]) -> Any:
    """The latest observation of each classroom (teacher at a level) per instrument, as a subquery."""
    o = Observation
    rank = (
        func.row_number()
        .over(
            partition_by=(col(o.teacher_id), col(o.level), col(o.instrument_id)),
            order_by=(col(o.observed_on).desc(), col(o.id).desc()),
        )
        .label("rank")
    )
    ranked = select(col(o.id).label("id"), rank).where(*conditions).subquery("ranked")
    return select(ranked.c.id).where(ranked.c.rank == 1).subquery("latest")


def _group_query(conditions: list[Any]) -> Select[*tuple[Any, ...]]:
    """Sums per school, level, instrument and item over the latest observations (bands as stored: band_for)."""
    o, s = Observation, ObservationScore
    latest = _latest_query(conditions)
    band = col(s.band)
    return (
        select(
            col(o.school_id),
            col(o.level),
            col(o.instrument_id),
            col(s.kind),
            col(s.code),
            func.count(),
            func.sum(col(s.mean)),
            func.sum(col(s.mean) * col(s.mean)),
            func.sum(col(s.adjusted)),
            func.sum(col(s.adjusted) * col(s.adjusted)),
            func.sum(case((band == "low", 1), else_=0)),
            func.sum(case((band == "mid", 1), else_=0)),
            func.sum(case((band == "high", 1), else_=0)),
        )
        .join(s, col(s.observation_id) == col(o.id))
        .join(latest, latest.c.id == col(o.id))
        .group_by(col(o.school_id), col(o.level), col(o.instrument_id), col(s.kind), col(s.code))
        .order_by(col(o.school_id), col(o.level), col(o.instrument_id), col(s.kind), col(s.code))
    )


def _observations(rows: list[Any], values: list[Any], index: dict[uuid.UUID, int]) -> list[list[Any]]:
    """One compact array per observation: its columns, then its values (each set starts at dimension position 0)."""
    out: list[list[Any]] = [
        [str(r[0]), r[1], str(r[2]), str(r[3]), r[4], r[5].isoformat(), index[r[6]], [], [], []] for r in rows
    ]
    current = -1
    for kind, position, mean, adjusted in values:
        if kind == "dimension" and position == 0:
            current += 1
        item = out[current]
        if kind == "dimension":
            item[7].append(mean)
            item[8].append(adjusted)
        else:
            item[9].append(mean)
    if current != len(out) - 1:
        raise RuntimeError("stored scores and observations out of step")  # the same conditions and order: never
    return out


def network_aggregate(
    session: Session,
    principal: Principal,
    network_id: uuid.UUID,
    *,
    wave: str | None,
    include_double_coding: bool,
    include_groups: bool = True,
) -> dict[str, Any]:
    """The compact observations and the SQL group sums of a network's submitted observations (module docstring)."""
    filters = ObservationFilters(
        network_id=network_id,
        wave=wave,
        status="submitted",
        double_coding=None if include_double_coding else False,
    )
    conditions = _conditions(principal, filters)
    rows: list[Any] = []
    values: list[Any] = []
    groups: list[Any] = []
    if conditions is not None:
        rows = list(session.execute(_observation_query(conditions)).all())
        values = list(session.execute(_value_query(conditions)).all())
        if include_groups:
            groups = list(session.execute(_group_query(conditions)).all())
    instrument_ids = sorted({row[6] for row in rows} | {g[2] for g in groups}, key=str)
    index = {iid: i for i, iid in enumerate(instrument_ids)}
    instruments = []
    for iid in instrument_ids:  # each instrument loaded once per request
        instrument = session.get(Instrument, iid)
        assert instrument is not None
        instruments.append(_instrument_out(instrument, spec_of(instrument)))
    observations = _observations(rows, values, index)
    shown = {row[0]: view_log.Shown(row[7], row[3], row[0]) for row in rows}
    view_log.record(session, principal, "scores_export", shown.values(), asdict(filters))
    return {
        "network_id": str(network_id),
        "wave": wave,
        "instruments": instruments,
        "observation_columns": OBSERVATION_COLUMNS,
        "observations": observations,
        "group_columns": GROUP_COLUMNS,
        "groups": [[str(g[0]), g[1], index[g[2]], g[3], g[4], *g[5:]] for g in groups],
    }
