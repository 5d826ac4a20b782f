"""What the view log of teacher-level data records (docs/privacy.md, "The view log of teacher-level data").

Pure rules on plain values; :mod:`observations_service.service.view_log` turns a caller into a :class:`Viewer`
and writes the :class:`Entry` rows.

* **What is logged.** Every answer that shows a teacher's observation data — an observation, its scores, its
  amendments, a list or an export with individual rows — gives one entry per teacher shown: who saw it
  (account, name, role in that network), which observations, the filters of a list or export, when, and through
  which client (``web``, ``integration:<client id>``, or the service that read on the person's behalf, e.g.
  ``reports`` for feedback and trajectories).
* **What is not.** The teacher's own reads (the viewer's person in that network is the teacher), and a sibling
  service reading only to compute aggregates (its token says ``purpose: aggregate``): what it shows is an
  aggregate under the k rule, not one teacher's data.
* **Retention.** Entries older than the retention (``MEJORA_VIEW_LOG_RETENTION_DAYS``, 730 days by default) are
  purged; a retention of 0 or less keeps everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Viewer:
    """Who is reading, as the log names them."""

    account_id: uuid.UUID
    name: str
    role: str
    """The caller's role when not a member of the network (``service``, ``integration``)."""
    client: str
    members: Mapping[uuid.UUID, tuple[uuid.UUID, str]] = field(default_factory=dict)
    """network id → (the caller's person in that network, its role there)."""
    aggregate: bool = False
    """A service computing aggregates: nothing it reads is logged."""


@dataclass(frozen=True)
class Shown:
    """One teacher-level item an answer contains."""

    network_id: uuid.UUID
    teacher_id: uuid.UUID
    observation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Entry:
    """One log row: one viewer saw these observations of one teacher."""

    network_id: uuid.UUID
    teacher_id: uuid.UUID
    viewer_person_id: uuid.UUID | None
    viewer_role: str
    observation_ids: tuple[uuid.UUID, ...]


def entries(viewer: Viewer, shown: Iterable[Shown]) -> list[Entry]:
    """The entries an answer showing ``shown`` to ``viewer`` gives: one per teacher, the teacher's own left out."""
    if viewer.aggregate:
        return []
    grouped: dict[tuple[uuid.UUID, uuid.UUID], list[uuid.UUID]] = {}
    for item in shown:
        person = viewer.members.get(item.network_id)
        if person is not None and person[0] == item.teacher_id:
            continue  # the teacher reading her own data
        ids = grouped.setdefault((item.network_id, item.teacher_id), [])
        if item.observation_id is not None and item.observation_id not in ids:
            ids.append(item.observation_id)
    result = []
    for (network_id, teacher_id), ids in grouped.items():
        person = viewer.members.get(network_id)
        result.append(
            Entry(
                network_id=network_id,
                teacher_id=teacher_id,
                viewer_person_id=person[0] if person else None,
                viewer_role=person[1] if person else viewer.role,
                observation_ids=tuple(ids),
            )
        )
    return result


#: What a sibling may say it reads a teacher's data for (the ``purpose`` of a call on a person's behalf); the log
#: records it as the kind of view, since that is what the person saw (e.g. the feedback, not "an observation").
VIA_PURPOSES = frozenset({"feedback", "trajectory"})


def kind_of(kind: str, *, via: str | None, purpose: str | None) -> str:
    """The kind of view to record: the calling service's purpose when it names one of :data:`VIA_PURPOSES`."""
    return purpose if via and purpose in VIA_PURPOSES else kind


def retention_cutoff(now: datetime, retention_days: int) -> datetime | None:
    """Entries viewed before this instant are purged; ``None`` (keep everything) for a retention of 0 or less."""
    if retention_days <= 0:
        return None
    return now - timedelta(days=retention_days)
