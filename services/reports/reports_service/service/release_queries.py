"""The stored releases (queries only; publishing is in ``releases.py``)."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlmodel import Session, col, func, select

from ..models.releases import Release, ReleaseObservation


def releases_of(session: Session, network_id: uuid.UUID, wave: str | None = None) -> list[Release]:
    """The network's releases (of one wave, or of all), oldest first within each wave."""
    query = select(Release).where(Release.network_id == network_id)
    if wave is not None:
        query = query.where(Release.wave == wave)
    return list(session.exec(query.order_by(col(Release.wave), col(Release.number))).all())


def find_release(session: Session, network_id: uuid.UUID, wave: str, number: int | None) -> Release | None:
    """Release ``number`` of the wave, or its latest when ``number`` is ``None``."""
    query = select(Release).where(Release.network_id == network_id, Release.wave == wave)
    if number is not None:
        return session.exec(query.where(Release.number == number)).first()
    return session.exec(query.order_by(col(Release.number).desc())).first()


def frozen_observations(session: Session, release: Release) -> list[ReleaseObservation]:
    query = select(ReleaseObservation).where(ReleaseObservation.release_id == release.id)
    return list(session.exec(query.order_by(col(ReleaseObservation.observation_id))).all())


def observation_count(session: Session, release: Release) -> int:
    query = select(func.count()).select_from(ReleaseObservation).where(ReleaseObservation.release_id == release.id)
    return int(session.exec(query).one())


def release_waves(session: Session, network_id: uuid.UUID) -> list[str]:
    """One entry per release of the network (its wave)."""
    return list(session.exec(select(Release.wave).where(Release.network_id == network_id)).all())


def released_waves(session: Session, network_id: uuid.UUID) -> dict[str, tuple[int, int]]:
    """Per wave with releases: how many releases, and how many observations its latest one holds."""
    latest: dict[str, Release] = {}
    for release in releases_of(session, network_id):
        latest[release.wave] = release  # oldest first within each wave: the last one seen is the latest
    counts = Counter(release.wave for release in releases_of(session, network_id))
    return {wave: (counts[wave], observation_count(session, release)) for wave, release in latest.items()}
