"""The demo's releases: one publication of each demo wave, so the demo's readers see results (issue 10).

``python -m reports_service seed --demo infra/demo/directory.json`` runs before the services start, when the
observations it would freeze cannot be read yet (reports reads them only over HTTP). So the seed stores what to
publish — each wave of ``observations.json`` beside the directory, in the name of the demo's coordinator — and the
service publishes it at start, as soon as cycles and observations answer (:func:`publish_pending`); it is not ready
(``/ready``) until then. Seeding twice adds nothing: a wave already released or already pending is skipped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mejora_common.db import make_engine
from mejora_common.errors import ProblemError

from .clients import Siblings
from .models.releases import PendingPublication, Release
from .service.releases import build_release, store_release

OBSERVATIONS_FILE = "observations.json"
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0

log = logging.getLogger("reports.seed")


def seed(database_url: str, demo_file: Path) -> str:
    """Ask for one release of each demo wave (published when the service starts)."""
    directory: dict[str, Any] = json.loads(demo_file.read_text(encoding="utf-8"))
    observations: dict[str, Any] = json.loads((demo_file.parent / OBSERVATIONS_FILE).read_text(encoding="utf-8"))
    network_id = uuid.UUID(directory["network"]["id"])
    coordinator = next(p for p in directory["people"] if p["role"] == "coordinator")
    added = 0
    with Session(make_engine(database_url)) as session:
        for wave in (w["wave"] for w in observations["waves"]):
            released = session.exec(
                select(Release.id).where(Release.network_id == network_id, Release.wave == wave)
            ).first()
            if released is not None or session.get(PendingPublication, (network_id, wave)) is not None:
                continue
            session.add(PendingPublication(network_id=network_id, wave=wave, name=coordinator["name"]))
            added += 1
        session.commit()
    return f"reports: {added} publicaciones de demostración pendientes (se publican al arrancar)"


def pending(engine: Engine) -> list[PendingPublication]:
    with Session(engine) as session:
        return list(session.exec(select(PendingPublication)).all())


async def publish_pending(engine: Engine, siblings: Siblings, k: int) -> None:
    """Publish every pending demo release, retrying while the siblings do not answer yet; oldest wave first."""
    delay = RETRY_FIRST_SECONDS
    while True:
        waiting = sorted(pending(engine), key=lambda p: p.wave)
        if not waiting:
            return
        try:
            for item in waiting:
                await _publish_one(engine, siblings, item, k)
            delay = RETRY_FIRST_SECONDS
        except ProblemError as exc:
            log.info("demo releases wait for the sibling services: %s", exc.detail)
            await asyncio.sleep(delay)
            delay = min(RETRY_MAX_SECONDS, delay * 2)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("demo releases could not be published; the service stays not ready")
            return


async def _publish_one(engine: Engine, siblings: Siblings, item: PendingPublication, k: int) -> None:
    with Session(engine) as session:
        exists = session.exec(
            select(Release.id).where(Release.network_id == item.network_id, Release.wave == item.wave)
        ).first()
        if exists is None:
            try:
                release, frozen = await build_release(session, siblings, item.network_id, item.wave, k=k)
                release.published_by_name = item.name
                store_release(session, release, frozen)
                log.info("demo release of wave %s published", item.wave)
            except ProblemError as exc:
                if exc.status >= 500:
                    raise
                # Refused (too few classrooms, another instance published it meanwhile): nothing more to do.
                log.warning("demo release of wave %s not published: %s", item.wave, exc.detail)
        done = session.get(PendingPublication, (item.network_id, item.wave))
        if done is not None:
            session.delete(done)
            session.commit()
