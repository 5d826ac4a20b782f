"""The one error type: RFC 9457 problem details with a stable ``code``.

Every error a service or the gateway answers is ``application/problem+json``
with ``type``, ``title``, ``status``, ``detail`` (Spanish), ``code`` and, for
validation errors, ``errors``: a list of ``{"field", "message"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
STALE_DETAIL = "Otra persona modificó este recurso mientras lo editabas. Vuelve a cargarlo; no se guardó nada."
logger = logging.getLogger("mejora.errors")

_TITLES = {
    400: "Solicitud inválida",
    401: "No autenticado",
    403: "Prohibido",
    404: "No encontrado",
    405: "Método no permitido",
    409: "Conflicto",
    412: "Precondición fallida",
    413: "Contenido demasiado grande",
    415: "Tipo de contenido no soportado",
    422: "Datos inválidos",
    428: "Precondición requerida",
    500: "Error interno",
    502: "Respuesta inválida de un servicio",
    503: "Servicio no disponible",
    504: "Servicio sin respuesta",
}

_DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


class ProblemError(Exception):
    """An error answered as problem+json. Raise it anywhere in a request."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def problem_body(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://mejora-en-red.cl/problemas/{code}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = list(errors)
    if extra:
        body.update(extra)
    return body


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, code, detail, instance=instance, errors=errors, extra=extra),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def not_found(what: str = "El recurso") -> ProblemError:
    """404 that does not tell a resource that exists elsewhere from one that does not exist."""
    return ProblemError(404, "not_found", f"{what} no existe o no tienes acceso.")


def forbidden(detail: str, code: str = "forbidden") -> ProblemError:
    return ProblemError(403, code, detail)


def conflict(code: str, detail: str, *, extra: Mapping[str, Any] | None = None) -> ProblemError:
    return ProblemError(409, code, detail, extra=extra)


def id_unavailable() -> ProblemError:
    """409 for a client-chosen id that cannot be used, whatever the reason.

    The same answer whether the id is used in the caller's network or in another one, so it never confirms that
    a resource exists in a network the caller cannot see (issue 11, point 4).
    """
    return conflict("id_unavailable", "Este identificador no está disponible.")


def invalid(field: str, message: str, code: str = "validation_error") -> ProblemError:
    """422 naming one field, shaped like the translated validation errors."""
    return ProblemError(422, code, message, errors=[{"field": field, "message": message}])


# Spanish messages for the pydantic error types clients meet most.
_VALIDATION_MESSAGES = {
    "missing": "Este campo es obligatorio.",
    "string_type": "Debe ser texto.",
    "string_too_short": "Es demasiado corto (mínimo {min_length} caracteres).",
    "string_too_long": "Es demasiado largo (máximo {max_length} caracteres).",
    "int_type": "Debe ser un número entero.",
    "int_parsing": "Debe ser un número entero.",
    "int_from_float": "Debe ser un número entero.",
    "float_type": "Debe ser un número.",
    "float_parsing": "Debe ser un número.",
    "bool_type": "Debe ser verdadero o falso.",
    "bool_parsing": "Debe ser verdadero o falso.",
    "uuid_type": "Debe ser un identificador UUID.",
    "uuid_parsing": "Debe ser un identificador UUID válido.",
    "date_type": "Debe ser una fecha (AAAA-MM-DD).",
    "date_parsing": "Debe ser una fecha válida (AAAA-MM-DD).",
    "date_from_datetime_parsing": "Debe ser una fecha válida (AAAA-MM-DD).",
    "datetime_type": "Debe ser una fecha y hora ISO 8601.",
    "datetime_parsing": "Debe ser una fecha y hora ISO 8601 válida.",
    "datetime_from_date_parsing": "Debe ser una fecha y hora ISO 8601 válida.",
    "greater_than": "Debe ser mayor que {gt}.",
    "greater_than_equal": "Debe ser mayor o igual que {ge}.",
    "less_than": "Debe ser menor que {lt}.",
    "less_than_equal": "Debe ser menor o igual que {le}.",
    "list_type": "Debe ser una lista.",
    "dict_type": "Debe ser un objeto.",
    "model_type": "Debe ser un objeto.",
    "model_attributes_type": "Debe ser un objeto.",
    "json_invalid": "El cuerpo no es JSON válido.",
    "enum": "Debe ser uno de: {expected}.",
    "literal_error": "Debe ser uno de: {expected}.",
    "extra_forbidden": "Este campo no está permitido.",
    "too_short": "Debe tener al menos {min_length} elementos.",
    "too_long": "Debe tener como máximo {max_length} elementos.",
    "value_error": "{error}",
    "assertion_error": "{error}",
    "email": "Debe ser un correo electrónico válido.",
    "value_error.email": "Debe ser un correo electrónico válido.",
    "string_pattern_mismatch": "No tiene el formato esperado.",
    "string_unicode": "Debe ser texto válido (UTF-8).",
    "decimal_parsing": "Debe ser un número.",
    "decimal_type": "Debe ser un número.",
    "finite_number": "Debe ser un número finito.",
    "multiple_of": "Debe ser múltiplo de {multiple_of}.",
    "url_parsing": "Debe ser una dirección web válida.",
    "url_type": "Debe ser una dirección web.",
    "time_parsing": "Debe ser una hora válida (HH:MM).",
    "time_type": "Debe ser una hora (HH:MM).",
    "timezone_aware": "Debe incluir la zona horaria.",
    "timezone_naive": "No debe incluir zona horaria.",
    "date_past": "Debe ser una fecha pasada.",
    "date_future": "Debe ser una fecha futura.",
    "set_type": "Debe ser una lista sin repetidos.",
    "tuple_type": "Debe ser una lista.",
    "frozen_set_type": "Debe ser una lista sin repetidos.",
    "is_instance_of": "Tiene un tipo de dato inválido.",
    "union_tag_invalid": "Tiene un tipo no reconocido.",
    "union_tag_not_found": "Falta el campo que indica el tipo.",
    "none_required": "Debe estar vacío.",
    "int_parsing_size": "El número es demasiado grande.",
    "string_sub_type": "Debe ser texto.",
    "bytes_type": "Debe ser texto.",
}


def _field_path(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    path = ""
    for part in parts:
        if part.isdigit():
            path += f"[{part}]"
        else:
            path += ("." if path else "") + part
    return path or (str(loc[0]) if loc else "")


def translate_validation_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Turn pydantic's error list into ``{"field", "message", "type"}`` in Spanish."""
    out: list[dict[str, Any]] = []
    for err in errors:
        kind = str(err.get("type", ""))
        ctx = dict(err.get("ctx") or {})
        template = _VALIDATION_MESSAGES.get(kind)
        message = str(err.get("msg", "Valor inválido."))
        if template is not None:
            if "error" in ctx:
                ctx["error"] = str(ctx["error"])
            try:
                message = template.format(**ctx)
            except (KeyError, IndexError):
                message = str(err.get("msg", "Valor inválido."))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        loc = list(err.get("loc") or [])
        out.append(
            {"field": _field_path(loc), "message": message, "type": kind, "location": str(loc[0]) if loc else "body"}
        )
    return out


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` as problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.code,
            exc.detail,
            instance=request.url.path,
            errors=exc.errors,
            headers=exc.headers,
            extra=exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = translate_validation_errors(exc.errors())
        fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
        detail = "La solicitud tiene datos inválidos" + (f". Revisa los campos: {fields}." if fields else ".")
        return problem_response(422, "validation_error", detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail else _TITLES.get(status, "Error")
        if status == 404 and detail == "Not Found":
            detail = "La ruta solicitada no existe."
        elif status == 405:
            detail = "Este método no está permitido para esta ruta."
        return problem_response(
            status,
            _DEFAULT_CODES.get(status, "error"),
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # e.g. PostgreSQL refuses the NUL character in text, or a number out of a column's range.
        logger.info("data rejected by the database: %s", type(exc.orig).__name__)
        return problem_response(
            422,
            "invalid_data",
            "Algún dato no se puede guardar: revisa que los textos no tengan caracteres de control "
            "(como el carácter nulo) y que los números estén en un rango razonable.",
            instance=request.url.path,
        )

    @app.exception_handler(OperationalError)
    async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        # A statement stopped at the request's deadline, a lost connection, a locked SQLite file: retry later.
        from .deadlines import expired  # noqa: PLC0415 - deadlines imports this module's helpers indirectly

        late = expired()
        logger.warning("database error (%s): %s", "deadline" if late else "unavailable", type(exc.orig).__name__)
        code, detail = (
            ("deadline_exceeded", "La solicitud tardó más de lo permitido y se detuvo. Intenta nuevamente.")
            if late
            else ("database_unavailable", "La base de datos no está disponible en este momento. Intenta nuevamente.")
        )
        return problem_response(
            503,
            code,
            detail,
            instance=request.url.path,
            headers={"Retry-After": "2"},
            extra={"service": getattr(request.app.state, "service", "")},
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # A concurrent writer with the same If-Match won: the versioned UPDATE/DELETE matched no row.
        return problem_response(412, "precondition_failed", STALE_DETAIL, instance=request.url.path)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # Services turn the conflicts they expect into precise problems; this is the safety net.
        logger.warning("integrity error not handled by the service: %s", type(exc.orig).__name__)
        return problem_response(
            409,
            "conflict",
            "La operación choca con datos existentes (por ejemplo, un registro repetido).",
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return problem_response(
            500, "internal_error", "Ocurrió un error inesperado. Intenta nuevamente.", instance=request.url.path
        )
