"""Checks of an observation's references (network, school, people) against the cycles service.

A reference that does not exist (or is not in the observation's network) is a 422 naming the field;
the cycles service down is a 503 naming it (raised by the ``ServiceClient``), and the caller stores
nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from mejora_common.errors import ProblemError
from mejora_common.service_client import ServiceClient

from ..clients import cycles

T = TypeVar("T")
Lookup = Callable[[ServiceClient, str | None, uuid.UUID], Awaitable[T | None]]

SCHOOL_NOT_IN_NETWORK = "El establecimiento no existe en esta red."
TEACHER_NOT_IN_NETWORK = "La persona observada no existe en esta red."
TEACHER_NOT_IN_SCHOOL = "La persona observada no pertenece a ese establecimiento."
OBSERVER_NOT_IN_NETWORK = "La persona observadora no existe en esta red."


@dataclass(frozen=True)
class References:
    network_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    observer_id: uuid.UUID | None = None  # checked only when it is not the caller


def in_network(entry: cycles.School | cycles.Person | None, network_id: uuid.UUID) -> bool:
    return entry is not None and entry.network_id == network_id


def teacher_problem(teacher: cycles.Person | None, network_id: uuid.UUID, school_id: uuid.UUID) -> str | None:
    """Why ``teacher`` cannot be the observed person at ``school_id`` (``None``: they can)."""
    if teacher is None or not in_network(teacher, network_id):
        return TEACHER_NOT_IN_NETWORK
    if teacher.school_id is not None and teacher.school_id != school_id:
        return TEACHER_NOT_IN_SCHOOL
    return None


async def check_references(client: ServiceClient, token: str | None, refs: References, prefix: str = "") -> None:
    """422 listing every unknown reference; 503 when the cycles service is down."""
    results = await asyncio.gather(
        cycles.get_network(client, token, refs.network_id),
        cycles.get_school(client, token, refs.school_id),
        cycles.get_person(client, token, refs.teacher_id),
        _maybe_person(client, token, refs.observer_id),
        return_exceptions=True,
    )
    # Every call has ended; the first failure in call order is the answer (as a 503 naming the service).
    network, school = _unwrap(results[0]), _unwrap(results[1])
    teacher, observer = _unwrap(results[2]), _unwrap(results[3])
    errors: list[dict[str, str]] = []
    if network is None:
        errors.append({"field": f"{prefix}network_id", "message": "La red no existe o no tienes acceso a ella."})
    if not in_network(school, refs.network_id):
        errors.append({"field": f"{prefix}school_id", "message": SCHOOL_NOT_IN_NETWORK})
    problem = teacher_problem(teacher, refs.network_id, refs.school_id)
    if problem is not None:
        errors.append({"field": f"{prefix}teacher_id", "message": problem})
    if refs.observer_id is not None and not in_network(observer, refs.network_id):
        errors.append({"field": f"{prefix}observer_id", "message": OBSERVER_NOT_IN_NETWORK})
    if errors:
        raise ProblemError(
            422, "unknown_reference", "Hay referencias que no existen en el servicio de ciclos.", errors=errors
        )


def _unwrap(result: T | BaseException) -> T:
    if isinstance(result, BaseException):
        raise result
    return result


async def _maybe_person(client: ServiceClient, token: str | None, person_id: uuid.UUID | None) -> cycles.Person | None:
    return None if person_id is None else await cycles.get_person(client, token, person_id)


async def lookup_many(
    client: ServiceClient, token: str | None, lookup: Lookup[T], ids: set[uuid.UUID], parallel: int = 8
) -> dict[uuid.UUID, T | None]:
    """``lookup`` of each id (a few at a time); ``None`` for the unknown ones."""
    semaphore = asyncio.Semaphore(parallel)

    async def one(item: uuid.UUID) -> tuple[uuid.UUID, T | None]:
        async with semaphore:
            return item, await lookup(client, token, item)

    results = await asyncio.gather(*(one(i) for i in sorted(ids, key=str)))
    return dict(results)
