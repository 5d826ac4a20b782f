"""Checks against the cycles service, which owns the directory (networks, schools, people).

The caller's token is forwarded, so the cycles service applies its own rules. A
reference that does not exist (or is not in the observation's network) is a 422
naming the field; the cycles service down is a 503 naming it (raised by the
``ServiceClient``), and the caller stores nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from mejora_common.errors import ProblemError
from mejora_common.service_client import ServiceClient


@dataclass(frozen=True)
class References:
    network_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    observer_id: uuid.UUID | None = None  # checked only when it is not the caller


def _same(value: Any, expected: uuid.UUID) -> bool:
    return str(value) == str(expected)


async def check_references(client: ServiceClient, token: str | None, refs: References, prefix: str = "") -> None:
    """422 listing every unknown reference; 503 when the cycles service is down."""
    calls = [
        client.get_json(f"/api/v1/networks/{refs.network_id}", token=token),
        client.get_json(f"/api/v1/schools/{refs.school_id}", token=token),
        client.get_json(f"/api/v1/people/{refs.teacher_id}", token=token),
    ]
    if refs.observer_id is not None:
        calls.append(client.get_json(f"/api/v1/people/{refs.observer_id}", token=token))
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    network, school, teacher = results[0], results[1], results[2]
    errors: list[dict[str, str]] = []
    if network is None:
        errors.append({"field": f"{prefix}network_id", "message": "La red no existe o no tienes acceso a ella."})
    if not isinstance(school, dict) or not _same(school.get("network_id"), refs.network_id):
        errors.append({"field": f"{prefix}school_id", "message": "El establecimiento no existe en esta red."})
    if not isinstance(teacher, dict) or not _same(teacher.get("network_id"), refs.network_id):
        errors.append({"field": f"{prefix}teacher_id", "message": "La persona observada no existe en esta red."})
    elif teacher.get("school_id") and not _same(teacher["school_id"], refs.school_id):
        errors.append(
            {"field": f"{prefix}teacher_id", "message": "La persona observada no pertenece a ese establecimiento."}
        )
    if refs.observer_id is not None:
        observer = results[3]
        if not isinstance(observer, dict) or not _same(observer.get("network_id"), refs.network_id):
            errors.append({"field": f"{prefix}observer_id", "message": "La persona observadora no existe en esta red."})
    if errors:
        raise ProblemError(
            422, "unknown_reference", "Hay referencias que no existen en el servicio de ciclos.", errors=errors
        )


async def lookup_many(
    client: ServiceClient, token: str | None, kind: str, ids: set[uuid.UUID], parallel: int = 8
) -> dict[uuid.UUID, dict[str, Any] | None]:
    """``GET /api/v1/{kind}/{id}`` for each id (a few at a time); ``None`` for the unknown ones."""
    semaphore = asyncio.Semaphore(parallel)

    async def one(item: uuid.UUID) -> tuple[uuid.UUID, dict[str, Any] | None]:
        async with semaphore:
            found = await client.get_json(f"/api/v1/{kind}/{item}", token=token)
        return item, found if isinstance(found, dict) else None

    results = await asyncio.gather(*(one(i) for i in sorted(ids, key=str)))
    return dict(results)


def in_network(entry: dict[str, Any] | None, network_id: uuid.UUID) -> bool:
    return entry is not None and _same(entry.get("network_id"), network_id)
