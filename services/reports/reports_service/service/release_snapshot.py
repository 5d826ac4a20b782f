"""A release's frozen data: the observations it includes and the documents it shows (docs/privacy.md).

Everything a release shows is computed here once, at publishing, from the observations it freezes; every later read
returns these stored documents unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ..clients.observations import ScoresRow
from ..domain.comparison import compare_waves
from ..domain.disclosure import PlannedCell
from ..domain.release_cells import (
    COMPARE_PARTS,
    ReleaseUnit,
    compare_key,
    level_key,
    school_key,
    unit_name,
)
from ..domain.results import NETWORK_KEY, ClassroomRecord, DimensionValue, aggregate_results
from ..models.releases import ReleaseObservation
from ..schemas.results import ComparisonOut, DomainMeta, GroupOut, ItemStats
from .labels import level_label
from .results_view import comparison_out, group_out


def latest_per_classroom(rows: Sequence[ScoresRow], instrument_code: str | None) -> list[ScoresRow]:
    """A classroom (teacher at a level) counts once: its latest observation of the instrument."""
    latest: dict[str, ScoresRow] = {}
    for row in rows:
        if instrument_code and row.instrument_code != instrument_code:
            continue
        key = f"{row.teacher_id}:{row.level}"
        current = latest.get(key)
        if current is None or (row.observed_on.isoformat(), str(row.observation_id)) > (
            current.observed_on.isoformat(),
            str(current.observation_id),
        ):
            latest[key] = row
    return [latest[key] for key in sorted(latest)]


def scores_of(row: ScoresRow) -> dict[str, Any]:
    """What a release keeps of an observation's scores."""
    return {
        "dimensions": {d.code: {"mean": d.mean, "adjusted": d.adjusted} for d in row.dimensions},
        "domains": {d.code: d.mean for d in row.domains},
    }


def frozen_observation(row: ScoresRow, version: int) -> ReleaseObservation:
    """The row a release stores for one observation (its ``release_id`` is set by the caller)."""
    scores = scores_of(row)
    content = {"school": str(row.school_id), "level": row.level, "teacher": str(row.teacher_id), "scores": scores}
    return ReleaseObservation(
        release_id=uuid.UUID(int=0),
        observation_id=row.observation_id,
        version=version,
        teacher_id=row.teacher_id,
        school_id=row.school_id,
        level=row.level,
        observed_on=row.observed_on.isoformat(),
        unit=unit_name(str(row.observation_id), version, content),
        scores=scores,
    )


def unit_of(obs: ReleaseObservation, wave: str) -> ReleaseUnit:
    """A stored observation as the audit and the aggregates read it."""
    record = ClassroomRecord(
        classroom_key=f"{obs.teacher_id}:{obs.level}",
        school_id=str(obs.school_id),
        level=obs.level,
        wave=wave,
        dimensions={
            code: DimensionValue(mean=value["mean"], adjusted=value["adjusted"])
            for code, value in obs.scores["dimensions"].items()
        },
        domains=dict(obs.scores["domains"]),
    )
    return ReleaseUnit(obs.unit, str(obs.observation_id), record)


def _full_coverage(group: GroupOut) -> GroupOut:
    """An item scored in only part of a group's classrooms is a cell of its own the audit does not see: hidden."""

    def blank(item: ItemStats) -> ItemStats:
        if item.suppressed or item.n == group.n_classrooms:
            return item
        return item.model_copy(
            update={"suppressed": True, "n": None, "mean": None, "sd": None, "adjusted_mean": None, "bands": None}
        )

    return group.model_copy(
        update={"domains": [blank(i) for i in group.domains], "dimensions": [blank(i) for i in group.dimensions]}
    )


def group_documents(
    units: Sequence[ReleaseUnit],
    *,
    wave: str,
    k: int,
    scale: tuple[int, int],
    structure: Sequence[DomainMeta],
    school_names: Mapping[str, str],
) -> dict[str, GroupOut]:
    """Every group's figures from today's frozen observations, keyed as the cells are."""
    results = aggregate_results([u.record for u in units], wave=wave, k=k, scale_min=scale[0], scale_max=scale[1])
    documents = {NETWORK_KEY: group_out(results.network, "network", "Toda la red", structure)}
    for g in results.by_level:
        documents[level_key(g.key)] = group_out(g, "level", level_label(g.key), structure)
    for g in results.by_school:
        documents[school_key(g.key)] = group_out(g, "school", school_names.get(g.key, "Establecimiento"), structure)
    return {key: _full_coverage(doc) for key, doc in documents.items()}


def comparison_document(
    other_wave: str,
    before: Sequence[ReleaseUnit],
    after: Sequence[ReleaseUnit],
    *,
    wave: str,
    k: int,
    structure: Sequence[DomainMeta],
) -> ComparisonOut:
    """The paired comparison of ``other_wave`` (before) with this wave (after), from frozen observations."""
    result = compare_waves(
        [*(u.record for u in before), *(u.record for u in after)], before=other_wave, after=wave, k=k
    )
    out = comparison_out(result, structure)

    def blank(change: Any) -> Any:
        if change.suppressed or change.n_pairs == out.n_pairs:
            return change
        nulls = dict.fromkeys(("n_pairs", "before_mean", "after_mean", "mean_change", "sd_change", "effect_size_dz"))
        return change.model_copy(update={"suppressed": True, **nulls})

    return out.model_copy(
        update={"domains": [blank(c) for c in out.domains], "dimensions": [blank(c) for c in out.dimensions]}
    )


def shown_documents(
    plan: Mapping[str, PlannedCell],
    fresh: Mapping[str, GroupOut],
    earlier: Mapping[int, Mapping[str, Any]],
) -> dict[str, Any]:
    """What the release shows for each group cell: today's figures, an earlier release's, or suppressed."""
    shown: dict[str, Any] = {}
    for key, cell in plan.items():
        if key.startswith("compare:"):
            continue
        if cell.status == "new" and key in fresh:
            shown[key] = fresh[key].model_dump(mode="json")
        elif cell.status == "kept" and cell.from_release is not None:
            document = dict(earlier[cell.from_release]["groups"][key])
            document["from_release"] = cell.from_release
            shown[key] = document
        elif key in fresh:
            shown[key] = _suppressed(fresh[key]).model_dump(mode="json")
    return shown


def _suppressed(group: GroupOut) -> GroupOut:
    return group.model_copy(update={"suppressed": True, "n_classrooms": None, "domains": [], "dimensions": []})


def shown_comparison(
    other_wave: str,
    plan: Mapping[str, PlannedCell],
    fresh: ComparisonOut | None,
    earlier: Mapping[int, Mapping[str, Any]],
) -> dict[str, Any] | None:
    """Today's comparison if all its cells are new; otherwise the last one shown, labelled; otherwise none."""
    cells = [plan.get(compare_key(other_wave, part)) for part in COMPARE_PARTS]
    if fresh is not None and all(c is not None and c.status == "new" for c in cells):
        return fresh.model_dump(mode="json")
    kept = [c.from_release for c in cells if c is not None and c.status == "kept" and c.from_release is not None]
    for number in sorted(set(kept), reverse=True):
        document = earlier[number]["comparisons"].get(other_wave)
        if document is not None:
            return {**document, "from_release": document.get("from_release") or number}
    return None
