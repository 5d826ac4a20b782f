"""The rows an observation's scores are stored as (pure; used by the service and by migration 0005's backfill).

Rule: the stored values are exactly those of :func:`observations_service.domain.scoring.score_observation` over the
observation's cycles (a dimension's ``mean`` over the cycles that scored it, its ``adjusted``, its band of the raw
mean; a domain's mean of its dimensions' adjusted values and its band), never rounded; one row per dimension and
one per domain, in instrument order (``position``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .completeness import CycleScores
from .instrument import InstrumentSpec
from .scoring import ObservationScore, score_observation


def score_rows(observation_id: Any, score: ObservationScore) -> list[dict[str, Any]]:
    """The ``observation_score`` rows of one scored observation (dimensions first, then domains)."""
    rows: list[dict[str, Any]] = [
        {
            "observation_id": observation_id,
            "kind": "dimension",
            "code": d.code,
            "domain_code": d.domain_code,
            "position": index,
            "mean": d.mean,
            "adjusted": d.adjusted,
            "band": d.band,
            "n_cycles": d.n_cycles,
        }
        for index, d in enumerate(score.dimensions)
    ]
    rows.extend(
        {
            "observation_id": observation_id,
            "kind": "domain",
            "code": d.code,
            "domain_code": None,
            "position": index,
            "mean": d.mean,
            "adjusted": d.mean,
            "band": d.band,
            "n_cycles": None,
        }
        for index, d in enumerate(score.domains)
    )
    return rows


def rows_from_cycles(
    observation_id: Any, spec: InstrumentSpec, cycles: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Score the stored cycles' JSON (``[{"number": 1, "scores": {...}}, ...]``) and return the rows to store."""
    parsed = [CycleScores(number=int(c["number"]), scores=dict(c.get("scores") or {})) for c in cycles]
    return score_rows(observation_id, score_observation(spec, parsed))
