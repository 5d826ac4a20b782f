"""Streaming reverse proxy to the services.

Bodies are streamed both ways (a large PDF download or CSV upload is never
held whole in memory). A service that refuses the connection answers 503, one
that does not answer within the request's deadline 504, one that breaks the
exchange 502, all naming it.

Each proxied request carries ``X-Request-Deadline`` (the milliseconds left of
its route class's deadline, see ``gateway.limits``), and the gateway waits for
the service's answer no longer than that. A body past its route class's limit
(``mejora_common.body_limit``, counted while it streams through) stops the
upstream request and is answered 413. A redirect's ``Location`` that points at
a service's own address is made relative (``/api/v1/...``), so no internal
address reaches a client.

A service may have several instances (``gateway.upstreams``): each request goes
to the next in turn, and one that refuses the connection is skipped for the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from mejora_common.deadlines import DEADLINE_HEADER, header_value, time_left
from mejora_common.errors import problem_response
from mejora_common.observability import REQUEST_ID_HEADER, current_request_id
from mejora_common.service_client import SERVICE_NAMES_ES

from .settings import GatewaySettings
from .upstreams import UpstreamPool, pool_for

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
# Headers a public client may not set for the services: the gateway sets them itself.
NOT_FORWARDED = {"x-request-id", DEADLINE_HEADER.lower()}
# Answer headers not copied as one merged value: the gateway sets its own request id; cookies are appended one by one.
UNMERGED = {"x-request-id", "set-cookie"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: SplitResult) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` with the scheme's default port filled in, for comparing addresses."""
    scheme = url.scheme.lower()
    return scheme, (url.hostname or "").lower(), url.port or _DEFAULT_PORTS.get(scheme)


def public_location(location: str, internal: Collection[str]) -> str:
    """``location`` made relative when it points at one of the ``internal`` base URLs (or host:port)."""
    try:
        target = urlsplit(location)
        if not target.netloc:
            return location
        internal_origins = {origin(urlsplit(url)) for url in internal if "//" in url}
        internal_hosts = {url.lower() for url in internal if "//" not in url}
        scheme = target.scheme or "http"
        if origin(target._replace(scheme=scheme)) in internal_origins or target.netloc.lower() in internal_hosts:
            return urlunsplit(("", "", target.path or "/", target.query, target.fragment))
    except ValueError:  # an unparseable port: not an address we know, leave it
        return location
    return location


def _request_headers(request: Request) -> list[tuple[str, str]]:
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | NOT_FORWARDED]
    client = request.client.host if request.client else ""
    forwarded_for = request.headers.get("x-forwarded-for")
    headers.append(("x-forwarded-for", f"{forwarded_for}, {client}" if forwarded_for else client))
    headers.append(("x-forwarded-proto", request.url.scheme))
    headers.append(("x-forwarded-host", request.headers.get("host", "")))
    request_id = current_request_id()
    if request_id:
        headers.append((REQUEST_ID_HEADER, request_id))
    deadline = header_value()
    if deadline is not None:
        headers.append((DEADLINE_HEADER, deadline))
    return headers


def _service_problem(status: int, code: str, service: str, detail: str, path: str) -> Response:
    return problem_response(status, code, detail, instance=path, extra={"service": service})


def _upstream_timeout(cap: float) -> float:
    """Seconds to wait for the service's answer: the request's time left, at most ``cap``."""
    left = time_left()
    return cap if left is None else min(cap, left)


async def _send(client: httpx.AsyncClient, upstream: httpx.Request, timeout: float) -> httpx.Response:
    if timeout <= 0:
        raise httpx.ReadTimeout("deadline passed before sending", request=upstream)
    async with asyncio.timeout(timeout):
        return await client.send(upstream, stream=True)


def _send_failure(error: Exception, service: str, path: str) -> Response:
    label = SERVICE_NAMES_ES.get(service, service)
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        detail = f"El servicio de {label} no está disponible. Intenta nuevamente en unos minutos."
        return _service_problem(503, "service_unavailable", service, detail, path)
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        return _service_problem(504, "service_timeout", service, f"El servicio de {label} no respondió a tiempo.", path)
    return _service_problem(502, "bad_gateway", service, f"El servicio de {label} respondió de forma inválida.", path)


def upstream_pool(request: Request, service: str, base_url: str) -> UpstreamPool:
    """The instances of ``service``: the gateway settings' list, else ``base_url`` alone."""
    settings = getattr(request.app.state, "settings", None)
    if isinstance(settings, GatewaySettings):
        return pool_for(settings.upstreams(service))
    return pool_for((base_url,))


async def _send_to_pool(
    request: Request, client: httpx.AsyncClient, pool: UpstreamPool, timeout: float
) -> tuple[httpx.Request, httpx.Response]:
    """Send to the first instance that takes the connection (a refused one never saw the request)."""
    has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
    # Forward the path exactly as the client sent it (still percent-encoded); odd paths were refused at the edge.
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    query: bytes = request.scope.get("query_string", b"")
    candidates = pool.candidates()
    for index, base_url in enumerate(candidates):
        url = httpx.URL(base_url).copy_with(raw_path=raw_path + (b"?" + query if query else b""))
        upstream = client.build_request(
            request.method,
            url,
            headers=_request_headers(request),
            content=request.stream() if has_body else None,
        )
        try:
            response = await _send(client, upstream, _upstream_timeout(timeout))
        except (httpx.ConnectError, httpx.ConnectTimeout):
            pool.mark_down(base_url)
            if index == len(candidates) - 1:
                raise
            continue
        pool.mark_up(base_url)
        return upstream, response
    raise AssertionError("an upstream pool is never empty")


async def forward(
    request: Request,
    client: httpx.AsyncClient,
    service: str,
    base_url: str,
    *,
    timeout: float,
    internal: Collection[str] = (),
) -> Response:
    """Proxy ``request`` to ``service``; ``internal`` lists the addresses never shown in a ``Location``."""
    pool = upstream_pool(request, service, base_url)
    try:
        upstream, response = await _send_to_pool(request, client, pool, timeout)
    except (httpx.InvalidURL, UnicodeError):
        detail = "La ruta contiene caracteres no válidos."
        return problem_response(400, "invalid_path", detail, instance=request.url.path)
    except (httpx.RequestError, TimeoutError) as error:
        # (A body past its limit raises BodyTooLarge from the stream: it passes through, httpx drops the
        # upstream connection and the problem handlers answer 413.)
        return _send_failure(error, service, request.url.path)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP | UNMERGED}
    if "location" in headers:
        known = [*internal, *pool.urls, base_url, upstream.headers["host"]]
        headers["location"] = public_location(headers["location"], known)
    proxied = StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers=headers,
        background=BackgroundTask(response.aclose),
    )
    # Each Set-Cookie passes as its own header: joined with commas (as httpx's items() does) they would break.
    for cookie in response.headers.get_list("set-cookie"):
        proxied.headers.append("set-cookie", cookie)
    return proxied
