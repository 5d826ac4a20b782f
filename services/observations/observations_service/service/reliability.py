"""Observer reliability over double-coded pairs (statistics in ``domain/reliability.py``).

A pair is an observation that names, in ``double_codes_id``, the observation of
the same session it codes a second time; both must be submitted. Their cycles are
matched by number and every dimension both scored gives one score pair (first
observer, second observer). Statistics are per instrument (scales differ) and per
dimension; each observer's within-one agreement pools every pair they took part
in, and under 80 % they are flagged (CLASS's certification bar).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from mejora_common.auth import Principal
from mejora_common.errors import forbidden

from ..domain.reliability import (
    DEFAULT_WITHIN_ONE_THRESHOLD,
    AgreementStats,
    flag_observer,
    percent_exact,
    percent_within_one,
    reliability_by_dimension,
)
from ..models import Instrument, Observation
from ..schemas import (
    AgreementRead,
    DimensionAgreementRead,
    InstrumentReliabilityRead,
    ObserverReliabilityRead,
    ReliabilityRead,
    Scale,
)
from .access import RELIABILITY_ROLES, member
from .instruments import spec_of

Pair = tuple[int, int]


def _round(value: float | None, places: str) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _agreement(stats: AgreementStats) -> dict[str, float | int | None]:
    """Percentages rounded to 2 decimals, kappa and ICC to 3 (half up), only here at the edge."""
    return {
        "n_pairs": stats.n_pairs,
        "exact_pct": _round(stats.exact_pct, "0.01"),
        "within_one_pct": _round(stats.within_one_pct, "0.01"),
        "weighted_kappa": _round(stats.weighted_kappa, "0.001"),
        "icc": _round(stats.icc, "0.001"),
    }


def score_pairs(first: Observation, second: Observation, codes: list[str]) -> dict[str, list[Pair]]:
    """Pairs per dimension code over the cycles both observations have (matched by number)."""
    by_number = {int(c["number"]): c.get("scores") or {} for c in first.cycles}
    pairs: dict[str, list[Pair]] = {code: [] for code in codes}
    for cycle in sorted(second.cycles, key=lambda c: int(c["number"])):
        other = by_number.get(int(cycle["number"]))
        if other is None:
            continue
        mine = cycle.get("scores") or {}
        for code in codes:
            a, b = other.get(code), mine.get(code)
            if isinstance(a, int) and isinstance(b, int):
                pairs[code].append((a, b))
    return pairs


def reliability(
    session: Session, principal: Principal, network_id: uuid.UUID, observer_id: uuid.UUID | None
) -> ReliabilityRead:
    if not principal.is_service:
        membership = member(principal, network_id)
        if membership.role not in RELIABILITY_ROLES:
            raise forbidden("La confiabilidad entre observadores la ven coordinación, facilitación y acompañantes.")
        if membership.role == "coach":
            if observer_id not in (None, membership.person_id):
                raise forbidden("Un acompañante ve solo su propia confiabilidad.")
            observer_id = membership.person_id
    seconds = session.exec(
        select(Observation).where(
            Observation.network_id == network_id,
            col(Observation.double_codes_id).is_not(None),
            Observation.status == "submitted",
        )
    ).all()
    target_ids = {o.double_codes_id for o in seconds}
    firsts = {
        o.id: o
        for o in session.exec(
            select(Observation).where(col(Observation.id).in_(target_ids), Observation.status == "submitted")
        ).all()
    }
    instruments = {
        i.id: i
        for i in session.exec(
            select(Instrument).where(col(Instrument.id).in_({o.instrument_id for o in seconds}))
        ).all()
    }
    per_instrument: dict[uuid.UUID, dict[str, list[Pair]]] = {}
    observation_pairs: dict[uuid.UUID, int] = defaultdict(int)
    observer_pairs: dict[uuid.UUID, list[Pair]] = defaultdict(list)
    observer_sessions: dict[uuid.UUID, int] = defaultdict(int)
    for second in sorted(seconds, key=lambda o: (o.observed_on, str(o.id))):
        first = firsts.get(second.double_codes_id) if second.double_codes_id else None
        if first is None or first.instrument_id != second.instrument_id or first.network_id != network_id:
            continue
        if observer_id is not None and observer_id not in (first.observer_id, second.observer_id):
            continue
        spec = spec_of(instruments[second.instrument_id])
        codes = [d.code for d in spec.dimensions]
        pairs = score_pairs(first, second, codes)
        bucket = per_instrument.setdefault(second.instrument_id, {code: [] for code in codes})
        for code in codes:
            bucket[code].extend(pairs[code])
        observation_pairs[second.instrument_id] += 1
        pooled = [p for code in codes for p in pairs[code]]
        for person in {first.observer_id, second.observer_id}:
            observer_pairs[person].extend(pooled)
            observer_sessions[person] += 1

    results: list[InstrumentReliabilityRead] = []
    for instrument_id, by_dimension in per_instrument.items():
        instrument = instruments[instrument_id]
        spec = spec_of(instrument)
        report = reliability_by_dimension(by_dimension, spec.scale_min, spec.scale_max)
        results.append(
            InstrumentReliabilityRead(
                instrument_id=instrument.id,
                instrument_code=instrument.code,
                instrument_name=instrument.name,
                scale=Scale(min=spec.scale_min, max=spec.scale_max),
                observation_pairs=observation_pairs[instrument_id],
                dimensions=[
                    DimensionAgreementRead(
                        code=d.code,
                        name=d.name,
                        domain=d.domain_code,
                        **_agreement(report.dimensions[d.code]),  # type: ignore[arg-type]
                    )
                    for d in spec.dimensions
                ],
                overall=AgreementRead(**_agreement(report.overall)),  # type: ignore[arg-type]
            )
        )
    results.sort(key=lambda r: (r.instrument_code, str(r.instrument_id)))
    observers: list[ObserverReliabilityRead] = []
    for person, pooled_pairs in observer_pairs.items():
        if observer_id is not None and person != observer_id:
            continue
        within = percent_within_one(pooled_pairs)
        observers.append(
            ObserverReliabilityRead(
                observer_id=person,
                observation_pairs=observer_sessions[person],
                n_pairs=len(pooled_pairs),
                exact_pct=_round(percent_exact(pooled_pairs), "0.01"),
                within_one_pct=_round(within, "0.01"),
                flagged=flag_observer(within),
            )
        )
    observers.sort(key=lambda o: str(o.observer_id))
    return ReliabilityRead(
        network_id=network_id,
        observer_id=observer_id,
        threshold_within_one_pct=DEFAULT_WITHIN_ONE_THRESHOLD,
        observation_pairs=sum(observation_pairs.values()),
        instruments=results,
        observers=observers,
    )
