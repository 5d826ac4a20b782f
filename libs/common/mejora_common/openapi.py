"""The answers every operation can really give, declared in each service's OpenAPI document.

FastAPI declares only the success answer and its own 422 shape. The platform answers more, always as
``application/problem+json`` (RFC 9457): 401 without a valid token, 403/404 by the access rules, 413 past a body
limit, 422 for invalid data, 503 when overloaded or a dependency is down (with ``Retry-After``), and, where the
operation takes them, 412/428 for ``If-Match``, and 409 on every write (a conflict with stored data — the database
refusing a duplicate is answered 409 by ``mejora_common.errors`` whatever the route — or an ``Idempotency-Key``
still in progress). The public authentication paths answer 401 too (bad credentials, an expired refresh token).
A list that also offers keyset cursors (a ``cursor`` query parameter) answers a :class:`~mejora_common.pagination.
CursorPage` in cursor mode: its 200 is declared as either page. A client generated from the document, and the
fuzzing run (which checks every answer against it), should know them all. Answers a route declares itself are kept.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "service": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

_PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_RETRY_AFTER = {"Retry-After": {"description": "Segundos a esperar antes de reintentar", "schema": {"type": "integer"}}}

_EVERY_OPERATION = {
    "400": "Solicitud mal formada",
    "403": "No tienes permiso para esta acción",
    "404": "No existe o no tienes acceso",
    "422": "Datos inválidos (los campos con error en `errors`)",
    "503": "Servicio sobrecargado o una dependencia no disponible; reintenta tras `Retry-After`",
}
_WITH_BODY = {"413": "El contenido supera el máximo de esta ruta"}
_WRITE = {"409": "Conflicto con los datos guardados (por ejemplo, un registro repetido)"}
_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
_COMPUTATION = re.compile(r"^/api/v1/spc/|/charts:render$")
"""POSTs that store nothing (a chart computed from the body): no conflict with stored data is possible."""
_WITH_IF_MATCH = {
    "412": "Otra persona lo modificó (el ETag de If-Match no es el actual); no se guardó nada",
    "428": "Falta el encabezado If-Match con el ETag leído",
}
_IDEMPOTENT_POST = {"409": "Conflicto, o la misma Idempotency-Key todavía se está procesando"}
CURSOR_MODE_MARK = "x-cursor-mode"
"""On a ``CursorPage_X_`` schema: answered only to a request that sends ``cursor`` (``mejora_common.contracts``
leaves it out for consumers, which read offset pages)."""
_BODY_METHODS = frozenset({"post", "put", "patch"})
_METHODS = frozenset({"get", "post", "put", "patch", "delete"})

IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Clave elegida por el cliente: un reintento con la misma clave y el mismo cuerpo no crea de nuevo",
    "schema": {"type": "string", "maxLength": 200},
}


def _problem(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": copy.deepcopy(_PROBLEM_CONTENT)}
    if retry_after:
        answer["headers"] = copy.deepcopy(_RETRY_AFTER)
    return answer


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in operation.get("parameters", [])
    )


def _declare(operation: dict[str, Any], answers: dict[str, str]) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in answers.items():
        if status == "422" and "HTTPValidationError" in str(responses.get("422", "")):
            responses["422"] = _problem(description)  # our 422 is a problem, not FastAPI's default shape
        responses.setdefault(status, _problem(description, retry_after=status == "503"))


def declare_common_responses(
    document: dict[str, Any],
    *,
    public_paths: Iterable[str] = (),
    idempotent_post: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """Add the platform's problem answers (and the Idempotency-Key header) to every ``/api/v1`` operation."""
    public = set(public_paths)
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            answers = dict(_EVERY_OPERATION)
            answers["401"] = "Credenciales no válidas" if path in public else "Falta el token o no es válido"
            if method in _BODY_METHODS:
                answers.update(_WITH_BODY)
            if method in _WRITE_METHODS and not _COMPUTATION.search(path):
                answers.update(_WRITE)
            if _takes_if_match(operation):
                answers.update(_WITH_IF_MATCH)
            if method == "post" and idempotent_post is not None and idempotent_post(path):
                answers.update(_IDEMPOTENT_POST)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(copy.deepcopy(IDEMPOTENCY_PARAMETER))
            _declare(operation, answers)
            _declare_cursor_pages(document, operation)
    return document


def _takes_cursor(operation: dict[str, Any]) -> bool:
    return any(p.get("in") == "query" and p.get("name") == "cursor" for p in operation.get("parameters", []))


def _declare_cursor_pages(document: dict[str, Any], operation: dict[str, Any]) -> None:
    """A list with a ``cursor`` parameter answers ``Page_X_`` or, in cursor mode, ``CursorPage_X_``."""
    if not _takes_cursor(operation):
        return
    for media in operation.get("responses", {}).get("200", {}).get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        schemas = document["components"]["schemas"]
        if not name.startswith("Page_") or name not in schemas:
            continue
        cursor_name = "Cursor" + name
        schemas.setdefault(cursor_name, _cursor_page_schema(schemas[name]))
        media["schema"] = {"anyOf": [{"$ref": ref}, {"$ref": f"#/components/schemas/{cursor_name}"}]}


def _cursor_page_schema(page: dict[str, Any]) -> dict[str, Any]:
    """``CursorPage[X]`` (``mejora_common.pagination``) beside ``Page[X]``: the same items, a cursor, no total."""
    return {
        "type": "object",
        "title": str(page.get("title", "Page")).replace("Page", "CursorPage", 1),
        "properties": {
            "items": copy.deepcopy(page["properties"]["items"]),
            "next_cursor": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "title": "Next Cursor",
                "description": "Pásalo como `cursor` para leer la página siguiente; `null` en la última.",
            },
            "limit": {"type": "integer", "title": "Limit"},
        },
        "required": ["items", "next_cursor", "limit"],
        CURSOR_MODE_MARK: True,
    }
