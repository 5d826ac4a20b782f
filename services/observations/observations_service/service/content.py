"""An observation's content as stored (normalised cycles), and its checks against the instrument."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mejora_common.errors import ProblemError

from ..domain.completeness import CycleScores, Gap, check_completeness
from ..domain.instrument import InstrumentSpec
from ..models import Observation
from ..schemas import CycleIn

#: Gaps a draft may have (it is being filled in); every other gap is refused even in a draft.
DRAFT_TOLERATED = frozenset({"missing_score", "too_few_cycles"})
CONTENT_FIELDS = (
    "instrument_id",
    "network_id",
    "school_id",
    "teacher_id",
    "observer_id",
    "level",
    "observed_on",
    "wave",
    "mode",
    "cycles",
    "evidence",
    "double_codes_id",
)
AMENDABLE_FIELDS = ("level", "observed_on", "mode", "cycles", "evidence")


def iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def cycles_json(cycles: Sequence[CycleIn]) -> list[dict[str, Any]]:
    """Cycles as stored: sorted by number, timestamps in UTC ISO 8601, scores as sent."""
    return [
        {
            "number": c.number,
            "started_at": iso_utc(c.started_at),
            "duration_minutes": c.duration_minutes,
            "scores": dict(sorted(c.scores.items())),
            "notes": c.notes,
        }
        for c in sorted(cycles, key=lambda c: c.number)
    ]


def cycle_scores(cycles: Sequence[Mapping[str, Any]]) -> list[CycleScores]:
    return [CycleScores(number=int(c["number"]), scores=dict(c.get("scores") or {})) for c in cycles]


def content_of(row: Observation) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CONTENT_FIELDS}


def gap_errors(gaps: Sequence[Gap]) -> list[dict[str, str]]:
    return [{"field": g.path, "message": g.message, "code": g.code} for g in gaps]


def check_scores(spec: InstrumentSpec, cycles: Sequence[CycleIn], *, draft: bool, prefix: str = "") -> None:
    """Refuse what is never acceptable (bad score, unknown dimension, repeated cycle); a draft may be partial."""
    gaps = check_completeness(spec, [CycleScores(number=c.number, scores=c.scores) for c in cycles])
    blocking = [g for g in gaps if not (draft and g.code in DRAFT_TOLERATED)]
    if blocking:
        errors = gap_errors(blocking)
        for error in errors:
            error["field"] = prefix + error["field"]
        raise ProblemError(422, "invalid_scores", "Hay puntajes que no son válidos para el instrumento.", errors=errors)


def check_evidence(spec: InstrumentSpec, evidence: Mapping[str, str], prefix: str = "") -> None:
    known = {d.code for d in spec.dimensions}
    unknown = sorted(set(evidence) - known)
    if unknown:
        raise ProblemError(
            422,
            "invalid_evidence",
            "La evidencia nombra dimensiones que el instrumento no tiene.",
            errors=[
                {"field": f"{prefix}evidence.{code}", "message": f"{code} no es una dimensión de {spec.code}."}
                for code in unknown
            ],
        )
