"""Request bodies are bounded while they are read: 413 before a body past its limit is held in memory.

The limit of a route is its class's ``max_body_bytes`` (``mejora_common.overload.ROUTE_CLASSES``: 1 MiB for JSON,
16 MiB for imports, 16 KiB for authentication). A declared ``Content-Length`` over the limit is refused before any
byte is read; a chunked body is counted as it arrives and refused when it passes the limit.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import problem_response
from .overload import ROUTE_CLASSES, classify


def too_large_detail(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"El contenido supera el máximo de {limit // (1024 * 1024)} MB para esta ruta."
    return f"El contenido supera el máximo de {max(limit // 1024, 1)} KB para esta ruta."


class BodyTooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI's body parsing passes it on as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(limit))


def body_limit(method: str, path: str) -> int | None:
    name = classify(method, path)
    return None if name is None else ROUTE_CLASSES[name].max_body_bytes


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = body_limit(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem_response(413, "payload_too_large", too_large_detail(limit))
            await response(scope, receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded_receive, send)
