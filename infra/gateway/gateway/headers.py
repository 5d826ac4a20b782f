"""Security headers on every answer the gateway sends (the app, the API, the docs, its own problems).

- ``Content-Security-Policy``: the app's own origin only, no inline scripts, no ``eval``, never framed. A
  service that sets its own policy (the HTML reports and SVG charts: ``default-src 'none'`` with inline styles)
  keeps it, and the directives that do not fall back to ``default-src`` (``frame-ancestors``, ``base-uri``,
  ``form-action``) are added in a second header when it lacks them: a browser enforces both, so the answer is
  at least as strict as either.
- The API docs (``/api/docs``) start Swagger UI with one inline script that the gateway writes from constants
  (FastAPI's ``get_swagger_ui_html``); that page's policy allows exactly that script by its SHA-256 hash, taken
  from the page itself so a FastAPI upgrade that changes the template cannot break it. No other page gets a
  hash, and a proxied page never does (``/api/docs`` is the gateway's own route).
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (for browsers without ``frame-ancestors``),
  ``Referrer-Policy: no-referrer`` (the app's paths carry network, school and teacher ids, which must not reach
  another site through a link; the app itself never reads the referrer), ``Permissions-Policy`` (camera,
  microphone, geolocation and the like off: the app uses none of them), ``Cross-Origin-Opener-Policy`` and
  ``Cross-Origin-Resource-Policy: same-origin`` (no other site may embed a chart or a report with a teacher's
  scores). A value a service already set is kept.
- ``Strict-Transport-Security`` only on a request that arrived over HTTPS: the ASGI scheme, which uvicorn
  (``--proxy-headers``) takes from ``X-Forwarded-Proto`` only when the connection comes from a proxy listed in
  ``--forwarded-allow-ips`` / ``FORWARDED_ALLOW_IPS``. A client cannot turn it on by sending the header itself.
  No ``includeSubDomains``: the SLEP's other hosts under the same domain are not ours to pin.
- ``Cache-Control: no-store`` on every API answer (``/api/...``) except the public OpenAPI document and the docs
  page: nearly every answer carries personal data (names, RUNs, scores) or depends on who asks, and one rule
  for all cannot forget a new endpoint. A service's ``Cache-Control`` that already says ``no-store`` (e.g.
  ``private, no-store``) is kept; any other is replaced, since no-store is the stricter.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATH = "/api/docs"
#: API paths whose answers are public and the same for everyone (cacheable).
CACHEABLE_API_PATHS = frozenset({"/api/v1/openapi.json", DOCS_PATH})

APP_POLICY: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    # data: for the small SVG icons Swagger UI's and the app's style sheets embed.
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("manifest-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
#: Directives a policy without them leaves open (they do not fall back to default-src).
NO_FALLBACK = ("base-uri", "form-action", "frame-ancestors")

FIXED_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "permissions-policy",
        # Only features every current browser knows (an unknown one is a console error).
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
)
HSTS = ("strict-transport-security", "max-age=31536000")
NO_STORE = "no-store"

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC_ATTRIBUTE = re.compile(r"\bsrc\s*=", re.IGNORECASE)


def policy(script_hashes: tuple[str, ...] = ()) -> str:
    """The gateway's Content-Security-Policy, allowing the inline scripts with these ``'sha256-…'`` sources."""
    directives = dict(APP_POLICY)
    if script_hashes:
        directives["script-src"] = " ".join(("'self'", *script_hashes))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    """The CSP hash sources (``'sha256-…'``) of the inline ``<script>`` elements of an HTML page."""
    text = html.decode("utf-8", errors="replace")
    hashes = []
    for match in _INLINE_SCRIPT.finditer(text):
        if _SRC_ATTRIBUTE.search(match["attrs"]) or not match["body"].strip():
            continue
        digest = hashlib.sha256(match["body"].encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return tuple(dict.fromkeys(hashes))


def directive_names(policies: list[str]) -> set[str]:
    """The directive names used in one or more Content-Security-Policy values."""
    names = set()
    for value in policies:
        for directive in value.split(";"):
            parts = directive.split()
            if parts:
                names.add(parts[0].lower())
    return names


def caches_nothing(cache_control: str) -> bool:
    return NO_STORE in {part.strip().split("=")[0].lower() for part in cache_control.split(",")}


def apply_security_headers(
    headers: MutableHeaders, *, path: str, https: bool, script_hashes: tuple[str, ...] = ()
) -> None:
    """Add the security headers to an answer's ``headers``, keeping what the service set (or the stricter)."""
    service_policies = headers.getlist("content-security-policy")
    if not service_policies:
        headers["content-security-policy"] = policy(script_hashes)
    else:
        present = directive_names(service_policies)
        missing = [f"{name} {dict(APP_POLICY)[name]}" for name in NO_FALLBACK if name not in present]
        if missing:
            headers.append("content-security-policy", "; ".join(missing))
    for name, value in FIXED_HEADERS:
        headers.setdefault(name, value)
    if https:
        headers.setdefault(*HSTS)
    api_answer = path.startswith("/api/") and path not in CACHEABLE_API_PATHS
    if api_answer and not caches_nothing(headers.get("cache-control", "")):
        headers["cache-control"] = NO_STORE


class SecurityHeadersMiddleware:
    """Pure ASGI (bodies keep streaming); install it outermost so the gateway's own problems carry them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"
        if path == DOCS_PATH:
            await self._docs_page(scope, receive, send, https)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                apply_security_headers(MutableHeaders(scope=message), path=path, https=https)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs_page(self, scope: Scope, receive: Receive, send: Send, https: bool) -> None:
        """The docs page is small: held whole to hash its inline script before the headers go out."""
        start: Message | None = None
        body = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                body.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                headers = MutableHeaders(scope=start)
                is_html = headers.get("content-type", "").startswith("text/html")
                hashes = inline_script_hashes(bytes(body)) if is_html else ()
                apply_security_headers(headers, path=DOCS_PATH, https=https, script_hashes=hashes)
                await send(start)
                await send({"type": "http.response.body", "body": bytes(body)})
                return
            await send(message)

        await self.app(scope, receive, hold)


__all__ = ["SecurityHeadersMiddleware", "apply_security_headers", "inline_script_hashes", "policy"]
