"""Odd paths are answered ``400 invalid_path`` at the edge, before routing, authentication or proxying.

A path is refused when it is longer than :data:`MAX_PATH_BYTES`, when its percent-encoding is broken (a ``%`` not
followed by two hex digits, or bytes that are not UTF-8 once decoded), when it holds a control character (NUL, a
line break, DEL, C1 controls) or a ``.``/``..`` segment. None of those can name a resource, and letting them through
made the frontend's file lookup fail with a 500 (``GET /a%00b``) or handed a service a path it never expects.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from mejora_common.errors import problem_response

MAX_PATH_BYTES = 2048
"""Far above any path of the API (the longest templates are under 100 bytes with their ids)."""

_BROKEN_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_DOT_SEGMENTS = frozenset({".", ".."})


def path_problem(raw_path: bytes) -> str | None:
    """Why ``raw_path`` (as sent, still percent-encoded) is refused, in Spanish; ``None`` when it is acceptable."""
    if len(raw_path) > MAX_PATH_BYTES:
        return f"La ruta es demasiado larga (máximo {MAX_PATH_BYTES} bytes)."
    if _BROKEN_PERCENT.search(raw_path):
        return "La ruta tiene una codificación con % inválida."
    try:
        path = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return "La ruta tiene una codificación con % inválida."
    if any(unicodedata.category(character) == "Cc" for character in path):
        return "La ruta contiene caracteres de control (como el carácter nulo)."
    if any(segment in _DOT_SEGMENTS for segment in path.split("/")):
        return "La ruta no puede contener segmentos «.» ni «..»."
    return None


class PathGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        problem = path_problem(raw_path)
        if problem is None:
            await self.app(scope, receive, send)
            return
        instance = raw_path[:200].decode("ascii", errors="replace")
        await problem_response(400, "invalid_path", problem, instance=instance)(scope, receive, send)
