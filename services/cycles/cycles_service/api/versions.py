"""The ETag / If-Match contract of this service's routes (``mejora_common.versioning``), declared in the OpenAPI.

Every single-resource read and every write that answers a resource sends ``ETag``; a ``PATCH``, a ``DELETE`` and a
state-changing ``POST`` take ``If-Match`` (428 without it, 412 when someone else saved meanwhile).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response

from mejora_common.versioning import etag

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="ETag leído del recurso (obligatorio: 428 sin él, 412 si otra persona lo modificó)",
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="Opcional: ETag del dato que se reemplaza (412 si cambió)"),
]

_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}
ETAG_HEADERS = {"ETag": {"description": "Versión del recurso, para If-Match", "schema": {"type": "string"}}}

PRECONDITIONS: dict[int | str, dict[str, Any]] = {
    412: {"description": "Otra persona lo modificó: vuelve a cargarlo (no se guardó nada)", "content": _PROBLEM},
    428: {"description": "Falta If-Match con el ETag leído", "content": _PROBLEM},
}


def tagged(status: int = 200) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route whose answer carries ``ETag``."""
    return {status: {"headers": ETAG_HEADERS}}


def guarded(status: int = 200) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that requires ``If-Match`` (and answers ``ETag`` unless it is a 204)."""
    return {**({} if status == 204 else tagged(status)), **PRECONDITIONS}


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)
