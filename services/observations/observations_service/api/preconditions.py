"""Conditional request headers of this service's routes and how they are declared in the OpenAPI.

Every read of one observation or instrument answers its ``ETag``; a change of an existing one needs it back in
``If-Match`` (``mejora_common.versioning``: 428 without it, 412 when stale).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response

from mejora_common.versioning import etag

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="ETag leído del recurso; obligatorio para modificar uno existente"),
]
IfNoneMatch = Annotated[
    str | None,
    Header(alias="If-None-Match", description="`*`: solo crear (412 si ya existe con otro contenido)"),
]

ETAG_HEADER: dict[str, Any] = {
    "ETag": {"description": "Versión del recurso; se envía en If-Match para modificarlo", "schema": {"type": "string"}}
}
STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "Otra persona lo modificó (el ETag enviado no es el actual); no se guardó nada"},
}
PRECONDITIONS: dict[int | str, dict[str, Any]] = {
    **STALE,
    428: {"description": "Falta If-Match con el ETag leído"},
}


def with_etag(model: Any, description: str = "OK") -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a route that returns one versioned resource, with its ``ETag`` header."""
    return {200: {"description": description, "model": model, "headers": ETAG_HEADER}}


def set_etag(response: Response, revision: int) -> None:
    response.headers["ETag"] = etag(revision)
