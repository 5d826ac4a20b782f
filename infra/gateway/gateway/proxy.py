"""Streaming reverse proxy to the services.

Bodies are streamed both ways (a large PDF download or CSV upload is never
held whole in memory). A service that refuses the connection answers 503, one
that is too slow 504, one that breaks the exchange 502, all naming it.
"""

from __future__ import annotations

import httpx
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from mejora_common.errors import problem_response
from mejora_common.observability import REQUEST_ID_HEADER, current_request_id
from mejora_common.service_client import SERVICE_NAMES_ES

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
}


def _request_headers(request: Request) -> list[tuple[str, str]]:
    headers = [
        (k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "x-request-id"
    ]
    client = request.client.host if request.client else ""
    forwarded_for = request.headers.get("x-forwarded-for")
    headers.append(("x-forwarded-for", f"{forwarded_for}, {client}" if forwarded_for else client))
    headers.append(("x-forwarded-proto", request.url.scheme))
    headers.append(("x-forwarded-host", request.headers.get("host", "")))
    request_id = current_request_id()
    if request_id:
        headers.append((REQUEST_ID_HEADER, request_id))
    return headers


def _service_problem(status: int, code: str, service: str, detail: str, path: str) -> Response:
    return problem_response(status, code, detail, instance=path, extra={"service": service})


async def forward(request: Request, client: httpx.AsyncClient, service: str, base_url: str) -> Response:
    label = SERVICE_NAMES_ES.get(service, service)
    has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
    # Forward the path exactly as the client sent it (still percent-encoded), so that odd
    # characters reach the service, which answers them with its own validation error.
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    query: bytes = request.scope.get("query_string", b"")
    try:
        url = httpx.URL(base_url).copy_with(raw_path=raw_path + (b"?" + query if query else b""))
        upstream = client.build_request(
            request.method,
            url,
            headers=_request_headers(request),
            content=request.stream() if has_body else None,
        )
    except (httpx.InvalidURL, UnicodeError):
        detail = "La ruta contiene caracteres no válidos."
        return problem_response(400, "invalid_path", detail, instance=request.url.path)
    try:
        response = await client.send(upstream, stream=True)
    except (httpx.ConnectError, httpx.ConnectTimeout):
        return _service_problem(
            503,
            "service_unavailable",
            service,
            f"El servicio de {label} no está disponible. Intenta nuevamente en unos minutos.",
            request.url.path,
        )
    except httpx.TimeoutException:
        return _service_problem(
            504, "service_timeout", service, f"El servicio de {label} no respondió a tiempo.", request.url.path
        )
    except httpx.RequestError:
        return _service_problem(
            502, "bad_gateway", service, f"El servicio de {label} respondió de forma inválida.", request.url.path
        )
    headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "x-request-id"}
    return StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers=headers,
        background=BackgroundTask(response.aclose),
    )
