"""Calls to the cycles service, which owns the directory (networks, schools, people).

Each function is one ``GET`` forwarding the caller's token, so the cycles service applies its own rules;
``None`` when it answers 404 (the resource does not exist or the caller may not see it). The cycles
service down is a 503 naming it (raised by the :class:`~mejora_common.service_client.ServiceClient`).

The models describe exactly the fields read here; ``tests/test_client_contracts.py`` checks each one
against the cycles service's OpenAPI snapshot (``services/cycles/openapi.json``), for every entry of
:data:`CALLS`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from mejora_common.errors import ProblemError
from mejora_common.service_client import SERVICE_NAMES_ES, ServiceClient
from mejora_common.settings import CommonSettings

SERVICE = "cycles"
M = TypeVar("M", bound=BaseModel)


def connect(settings: CommonSettings) -> ServiceClient:
    """The client of the cycles service for one app (close it on shutdown)."""
    # Literal service names: tests/test_architecture.py reads them to check the call graph.
    return ServiceClient("cycles", settings.service_url("cycles"), timeout=settings.service_timeout_seconds)


class Network(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: uuid.UUID


class School(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: uuid.UUID
    network_id: uuid.UUID


class Person(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: uuid.UUID
    network_id: uuid.UUID
    school_id: uuid.UUID | None


@dataclass(frozen=True)
class Call(Generic[M]):
    """One call: its method, the producer's path template and the model its 200 answer is read into."""

    method: str
    path: str
    response: type[M]

    async def get(self, client: ServiceClient, token: str | None, **params: Any) -> M | None:
        found = await client.get_json(self.path.format(**params), token=token)
        if found is None:
            return None
        try:
            return self.response.model_validate(found)
        except ValidationError as exc:
            # The contract test keeps this from happening; if a producer still drifts, name it.
            raise ProblemError(
                502,
                "bad_gateway",
                f"El servicio de {SERVICE_NAMES_ES[SERVICE]} respondió con datos inesperados.",
                extra={"service": SERVICE},
            ) from exc


GET_NETWORK = Call("GET", "/api/v1/networks/{network_id}", Network)
GET_SCHOOL = Call("GET", "/api/v1/schools/{school_id}", School)
GET_PERSON = Call("GET", "/api/v1/people/{person_id}", Person)


async def get_network(client: ServiceClient, token: str | None, network_id: uuid.UUID) -> Network | None:
    return await GET_NETWORK.get(client, token, network_id=network_id)


async def get_school(client: ServiceClient, token: str | None, school_id: uuid.UUID) -> School | None:
    return await GET_SCHOOL.get(client, token, school_id=school_id)


async def get_person(client: ServiceClient, token: str | None, person_id: uuid.UUID) -> Person | None:
    return await GET_PERSON.get(client, token, person_id=person_id)


#: Every function of this module and the call it makes (a test checks the table covers them all).
CALLS: dict[Callable[..., Awaitable[BaseModel | None]], Call[Any]] = {
    get_network: GET_NETWORK,
    get_school: GET_SCHOOL,
    get_person: GET_PERSON,
}
