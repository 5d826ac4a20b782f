"""Uploaded files (the roster and measure-point imports): the body itself or a multipart ``file`` field.

The route class ``import`` lets 16 MiB through (``mejora_common.body_limit``); a file here is at most
:data:`MAX_UPLOAD_BYTES`, and that too is enforced while reading: a declared ``Content-Length`` past it is refused
before any byte is read, and a streamed body is refused as soon as it passes it, never held whole first.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import Message, Receive

from mejora_common.errors import ProblemError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
"""Room for a form's boundaries and part headers around a file of the maximum size."""


def _too_large(max_bytes: int) -> ProblemError:
    return ProblemError(413, "payload_too_large", f"El archivo supera el máximo de {max_bytes // 1024 // 1024} MB.")


async def read_limited(request: Request, limit: int, max_bytes: int) -> bytes:
    """The body, read chunk by chunk; 413 as soon as it (or its declared length) passes ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def read_upload(request: Request, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """The CSV bytes: the body itself, or the multipart field ``file``."""
    content_type = request.headers.get("content-type", "").lower()
    if not content_type.startswith("multipart/form-data"):
        return await read_limited(request, max_bytes, max_bytes)
    body = await read_limited(request, max_bytes + MULTIPART_OVERHEAD, max_bytes)
    form = await Request(request.scope, _replaying(body)).form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ProblemError(
            422,
            "file_missing",
            "Falta el archivo: envíalo en el campo «file» del formulario.",
            errors=[{"field": "file", "message": "Este campo es obligatorio."}],
        )
    data = await upload.read()
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data
