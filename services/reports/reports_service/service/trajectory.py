"""A teacher's trajectory: her dimension and domain scores over time, as the caller may read them."""

from __future__ import annotations

import uuid

from mejora_common.auth import Principal
from mejora_common.errors import not_found

from ..cancellation import Cancellation, all_or_nothing
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..clients import observations as observations_client
from ..clients.observations import Observation, Scores
from ..render.fmt import long_date
from ..schemas.feedback import PersonRef, TeacherTrajectory, TrajectoryObservation, TrajectoryPoint, TrajectorySeries
from .feedback import optional


async def build_trajectory(
    siblings: Siblings,
    principal: Principal,
    teacher_id: uuid.UUID,
    token: str,
    network_id: uuid.UUID | None,
    *,
    cancel: Cancellation | None = None,
) -> TeacherTrajectory:
    """The teacher's dimension scores over time — the observations the caller may read."""
    params = {"teacher_id": str(teacher_id), "status": "submitted"}
    if network_id is not None:
        params["network_id"] = str(network_id)
    listed = await observations_client.observations_list(siblings.observations, token, cancel, **params)
    visible = [o for o in listed if o.teacher_id == teacher_id]
    is_self = any(m.person_id == teacher_id for m in principal.memberships)
    if not visible and not is_self:
        raise not_found("La docente")
    visible.sort(key=lambda o: (o.observed_on.isoformat(), str(o.id)))
    async with all_or_nothing() as group:
        reads = [
            group.create_task(
                optional(observations_client.observation_scores(siblings.observations, o.id, token, cancel))
            )
            for o in visible
        ]
    all_scores = [read.result() for read in reads]
    person = await optional(cycles_client.person(siblings.cycles, teacher_id, token, cancel))

    dimensions: dict[str, TrajectorySeries] = {}
    domains: dict[str, TrajectorySeries] = {}
    observations: list[TrajectoryObservation] = []
    for obs, scores in zip(visible, all_scores, strict=True):
        if not scores:
            continue
        observations.append(
            TrajectoryObservation(
                id=obs.id,
                observed_on=obs.observed_on,
                date_label=long_date(obs.observed_on),
                wave=obs.wave,
                instrument_code=obs.instrument_code or scores.instrument_code,
            )
        )
        _add_points(dimensions, domains, obs, scores)
    return TeacherTrajectory(
        teacher=PersonRef(id=teacher_id, name=(person.name if person else "") or "Docente"),
        observations=observations,
        dimensions=list(dimensions.values()),
        domains=list(domains.values()),
    )


def _add_points(
    dimensions: dict[str, TrajectorySeries], domains: dict[str, TrajectorySeries], obs: Observation, scores: Scores
) -> None:
    """One observation's point on each dimension's and each domain's series."""
    for dim in scores.dimensions:
        series = dimensions.setdefault(
            dim.code, TrajectorySeries(code=dim.code, name=dim.name, domain=dim.domain, points=[])
        )
        series.points.append(
            TrajectoryPoint(
                observation_id=obs.id,
                observed_on=obs.observed_on,
                wave=obs.wave,
                mean=dim.mean,
                adjusted=dim.adjusted,
                band=dim.band,
            )
        )
    for dom in scores.domains:
        series = domains.setdefault(
            dom.code, TrajectorySeries(code=dom.code, name=dom.name or dom.code, domain=None, points=[])
        )
        series.points.append(
            TrajectoryPoint(
                observation_id=obs.id,
                observed_on=obs.observed_on,
                wave=obs.wave,
                mean=dom.mean,
                adjusted=dom.mean,
                band=dom.band,
            )
        )
