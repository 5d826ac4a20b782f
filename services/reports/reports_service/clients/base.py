"""The transport shared by the typed clients: one declared call per sibling endpoint, read into a model.

Each endpoint reports reads is declared once as a :class:`Call` (method, path template, response model); the
client functions read through it, and ``tests/test_client_contracts.py`` checks every declared call against the
producer's OpenAPI snapshot. :class:`mejora_common.service_client.ServiceClient` stays the transport (retries,
timeouts, 503 naming the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from mejora_common import deadlines
from mejora_common.errors import ProblemError
from mejora_common.service_client import SERVICE_NAMES_ES, ServiceClient

from ..cancellation import Cancellation, check, deadline_exceeded

#: Page size used to read every page of a sibling list.
PAGE_SIZE = 200
#: Safety bound on the pages read from one list (200 x 500 = 100,000 rows).
MAX_PAGES = 500

T = TypeVar("T", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class Read(BaseModel):
    """A sibling's answer as reports reads it: only the fields it uses; the others are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Page(Read, Generic[T]):
    """A ``mejora_common.pagination.Page`` answer."""

    items: list[T]
    total: int


@dataclass(frozen=True)
class Call(Generic[M]):
    """One sibling endpoint: which client function reads it, how, and into which model."""

    function: str
    path: str
    model: type[M]
    method: str = "GET"


def _unexpected(client: ServiceClient, exc: ValidationError) -> ProblemError:
    label = SERVICE_NAMES_ES.get(client.service, client.service)
    return ProblemError(
        502,
        "bad_gateway",
        f"El servicio de {label} respondió con datos inesperados.",
        extra={"service": client.service},
    )


async def get_one(
    client: ServiceClient,
    call: Call[M],
    token: str,
    *,
    params: dict[str, Any] | None = None,
    cancel: Cancellation | None = None,
    **path: object,
) -> M | None:
    """The call's answer as its model; ``None`` when the sibling answers 404.

    Checked before the call (deadline, client gone); a sibling that failed because the deadline passed while it
    worked (a timeout, its own 503) is answered 503 ``deadline_exceeded``, not as the sibling's failure.
    """
    await check(cancel, f"GET {call.path}")
    try:
        data = await client.get_json(call.path.format(**path), token=token, params=params)
    except ProblemError as exc:
        if deadlines.expired():
            raise deadline_exceeded() from exc
        raise
    if data is None:
        return None
    try:
        return call.model.model_validate(data)
    except ValidationError as exc:
        raise _unexpected(client, exc) from exc


async def get_every_page(
    client: ServiceClient,
    call: Call[Page[T]],
    token: str,
    *,
    params: dict[str, Any] | None = None,
    page_size: int = PAGE_SIZE,
    cancel: Cancellation | None = None,
    **path: object,
) -> list[T] | None:
    """Every item of a paginated list (``None`` when the list answers 404); each page checks ``cancel`` first."""
    items: list[T] = []
    for _ in range(MAX_PAGES):
        query = {**(params or {}), "limit": page_size, "offset": len(items)}
        page = await get_one(client, call, token, params=query, cancel=cancel, **path)
        if page is None:
            return None
        items.extend(page.items)
        if not page.items or len(items) >= page.total:
            return items
    raise ProblemError(
        502,
        "too_much_data",
        "El servicio consultado devolvió más datos de los que un reporte puede procesar.",
        extra={"service": client.service},
    )
