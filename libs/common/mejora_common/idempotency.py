"""``Idempotency-Key``: a retried ``POST`` never creates twice.

A client that may retry (a tablet on a school's Wi-Fi, a SLEP system) sends a key of its choosing with each ``POST``
(draft-ietf-httpapi-idempotency-key-header). The key is scoped to (caller, method, path) and kept for
:data:`KEEP_FOR` in the service's own database, so it holds across restarts and replicas:

* same key, same body (by a hash of its canonical JSON) → the original status and body, nothing done again;
* same key, another body → 422 ``idempotency_key_reused``;
* same key while the first request still runs → 409 ``request_in_progress`` with ``Retry-After``.

A request whose client disconnects is cancelled (``mejora_common.disconnect``): its key is forgotten (the work was
rolled back) or, if the work was done, its answer is stored, in both cases shielded from that cancellation. A key
left running by a process that died is claimed again after :data:`ABANDONED_AFTER`.

Only an answer that did something (below 400) is kept: after a refusal (a 422 the user corrects, a 403, a 5xx)
the same key may be sent again with the corrected request, as payment APIs do (a refused request created
nothing). Pure computations and dry runs are exempt (:data:`EXEMPT`): they create nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import LargeBinary, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import verify_access_token
from .body_limit import BodyTooLarge
from .db import UTCDateTime, utcnow
from .disconnect import detached
from .errors import problem_response
from .overload import ROUTE_CLASSES

HEADER = "idempotency-key"
KEEP_FOR = dt.timedelta(hours=24)
ABANDONED_AFTER = dt.timedelta(seconds=2 * max(c.deadline_seconds for c in ROUTE_CLASSES.values()))
"""A key still "running" this long after its claim was left by a process that died mid-request (no request lives
past its class's deadline): it is claimed again rather than answered 409 for a day."""
MAX_KEY_LENGTH = 200
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")

#: POSTs that create nothing: the key is accepted and ignored.
EXEMPT = (
    re.compile(r"^/api/v1/auth/"),
    re.compile(r"^/api/v1/spc/"),
    re.compile(r"/charts:render$"),
)
_DRY_RUN = re.compile(rb"(^|&)dry_run=(true|1)(&|$)")


class IdempotencyRecordBase(SQLModel):
    """Columns of a service's ``idempotency_keys`` table (each service declares the table on its own metadata)."""

    scope: str = Field(primary_key=True, max_length=64)
    """SHA-256 of caller, method and path."""
    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    request_hash: str = Field(max_length=64)
    running: bool = True
    status_code: int | None = None
    content_type: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=500)
    etag: str | None = Field(default=None, max_length=200)
    # sa_type, not sa_column: a Column object on a mixin would be shared by every service's table.
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def canonical_hash(body: bytes) -> str:
    """Hash of the body's canonical JSON (sorted keys, no spaces), or of its bytes when it is not JSON."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def request_scope(caller: str, method: str, path: str) -> str:
    return hashlib.sha256(f"{caller}\n{method}\n{path}".encode()).hexdigest()


def is_exempt(path: str, query: bytes) -> bool:
    return any(p.search(path) for p in EXEMPT) or bool(_DRY_RUN.search(query))


@dataclass
class Captured:
    status: int = 500
    headers: list[tuple[bytes, bytes]] | None = None
    body: bytes = b""

    def header(self, name: bytes) -> str | None:
        for key, value in self.headers or []:
            if key.lower() == name:
                return value.decode("latin-1")
        return None


class IdempotencyStore:
    """The rows of one service's table; every method is blocking (run in a worker thread)."""

    def __init__(self, engine: Engine, model: type[IdempotencyRecordBase]) -> None:
        self.engine = engine
        self.model = model

    def claim(self, scope: str, key: str, request_hash: str) -> IdempotencyRecordBase | None:
        """Insert a running row; the existing (unexpired) row when the key was used before."""
        for _ in range(2):
            with Session(self.engine) as session:
                session.add(self.model(scope=scope, key=key, request_hash=request_hash))
                try:
                    session.commit()
                    return None
                except IntegrityError:
                    session.rollback()
                found = session.get(self.model, (scope, key))
                if found is None:
                    continue  # deleted meanwhile (a failed first attempt): try again
                age = utcnow() - found.created_at
                if age > KEEP_FOR or (found.running and age > ABANDONED_AFTER):
                    session.delete(found)
                    session.commit()
                    continue
                session.expunge(found)
                return found
        return None

    def finish(self, scope: str, key: str, answer: Captured) -> None:
        with Session(self.engine) as session:
            session.exec(
                update(self.model)  # type: ignore[call-overload]
                .where(self.model.scope == scope, self.model.key == key)  # type: ignore[arg-type]
                .values(
                    running=False,
                    status_code=answer.status,
                    content_type=answer.header(b"content-type"),
                    location=answer.header(b"location"),
                    etag=answer.header(b"etag"),
                    body=answer.body,
                )
            )
            session.commit()

    def forget(self, scope: str, key: str) -> None:
        with Session(self.engine) as session:
            session.exec(delete(self.model).where(self.model.scope == scope, self.model.key == key))  # type: ignore[call-overload, arg-type]
            session.commit()

    def purge_expired(self) -> int:
        with Session(self.engine) as session:
            result = session.exec(delete(self.model).where(self.model.created_at < utcnow() - KEEP_FOR))  # type: ignore[call-overload, arg-type]
            session.commit()
            return int(result.rowcount or 0)


def _caller(scope: Scope) -> str | None:
    """The verified subject of the bearer token; ``None`` lets the app answer 401 itself."""
    for name, value in scope["headers"]:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            try:
                principal = verify_access_token(value[7:].decode("latin-1"), scope["app"].state.token_keys)
            except Exception:  # noqa: BLE001 - any invalid token: not ours to answer
                return None
            return str(principal.account_id)
    return None


def _replay(found: IdempotencyRecordBase) -> Any:
    from starlette.responses import Response  # noqa: PLC0415 - only on replays

    headers = {"Idempotency-Replayed": "true"}
    if found.location:
        headers["Location"] = found.location
    if found.etag:
        headers["ETag"] = found.etag
    return Response(
        content=found.body or b"", status_code=found.status_code or 200, media_type=found.content_type, headers=headers
    )


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, model: type[IdempotencyRecordBase]) -> None:
        self.app = app
        self.model = model

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers", [])).get(HEADER.encode()) if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST" or is_exempt(scope["path"], scope.get("query_string", b"")):
            await self.app(scope, receive, send)
            return
        text = key.decode("latin-1")
        if not _KEY.match(text):
            detail = f"Idempotency-Key debe tener entre 1 y {MAX_KEY_LENGTH} caracteres visibles (sin espacios)."
            await problem_response(
                422, "invalid_idempotency_key", detail, errors=[{"field": "Idempotency-Key", "message": detail}]
            )(scope, receive, send)
            return
        caller = _caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        await self._guarded(scope, receive, send, request_scope(caller, "POST", scope["path"]), text)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, key_scope: str, key: str) -> None:
        try:
            body = await _read_body(receive)
        except BodyTooLarge as too_large:
            await problem_response(413, "payload_too_large", str(too_large.detail))(scope, receive, send)
            return
        store = IdempotencyStore(scope["app"].state.engine, self.model)
        request_hash = canonical_hash(body)
        found = await anyio.to_thread.run_sync(store.claim, key_scope, key, request_hash)
        if found is not None:
            await _answer_existing(found, request_hash)(scope, receive, send)
            return
        answer = Captured()
        messages: list[Message] = []
        try:
            await self.app(scope, _replayed(body), _capturing(messages, answer))
        except BaseException:
            # Shielded: when the client left, the request's cancel scope (``mejora_common.disconnect``) is cancelled
            # and an unshielded wait would be cancelled too, leaving the key "in progress" for a day.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(detached(store.forget), key_scope, key)
            raise
        # Stored before the client sees the answer, so a retry right after it is a replay, never "in progress";
        # shielded, so a client leaving now cannot leave the key running for work that was done.
        with anyio.CancelScope(shield=True):
            if answer.status >= 400:
                await anyio.to_thread.run_sync(detached(store.forget), key_scope, key)
            else:
                await anyio.to_thread.run_sync(detached(store.finish), key_scope, key, answer)
        for message in messages:
            await send(message)


def _answer_existing(found: IdempotencyRecordBase, request_hash: str) -> Any:
    if found.request_hash != request_hash:
        return problem_response(
            422,
            "idempotency_key_reused",
            "Esta Idempotency-Key ya se usó con otro contenido: usa una clave nueva para una solicitud distinta.",
        )
    if found.running:
        return problem_response(
            409,
            "request_in_progress",
            "La misma solicitud todavía se está procesando; espera un momento y vuelve a intentarlo.",
            headers={"Retry-After": "1"},
        )
    return _replay(found)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replayed(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    return receive


def _capturing(messages: list[Message], answer: Captured) -> Send:
    """Hold the answer back (creates answer small JSON bodies) until it is stored."""

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = int(message["status"])
            answer.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")
        messages.append(message)

    return capture
