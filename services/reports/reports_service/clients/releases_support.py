"""What publishing a release reads from the observations service beyond the scores: each observation's version.

``observations:scores`` does not say an observation's version (its ETag), and a release freezes (observation,
version); the observation list does (``revision``). Kept apart from ``observations.py`` (another change owns it);
the call is checked against the producer's snapshot like the others (``tests/test_release_client.py``).
"""

from __future__ import annotations

import uuid
from typing import Any

from mejora_common.service_client import ServiceClient

from ..cancellation import Cancellation
from .base import Call, Page, Read, get_every_page


class ObservationVersion(Read):
    id: uuid.UUID
    revision: int


OBSERVATION_VERSIONS = Call("observation_versions", "/api/v1/observations", Page[ObservationVersion])

CALLS: list[Call[Any]] = [OBSERVATION_VERSIONS]


async def observation_versions(
    client: ServiceClient, network_id: uuid.UUID, wave: str, token: str, cancel: Cancellation | None = None
) -> dict[uuid.UUID, int]:
    """The version of every submitted observation of a wave (second codings left out), read as reports."""
    listed = await get_every_page(
        client,
        OBSERVATION_VERSIONS,
        token,
        cancel=cancel,
        params={"network_id": str(network_id), "wave": wave, "status": "submitted", "double_coding": "false"},
    )
    return {o.id: o.revision for o in listed or []}
