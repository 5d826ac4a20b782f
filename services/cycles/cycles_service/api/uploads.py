"""Uploaded files (the roster and measure-point imports): the body itself or a multipart ``file`` field."""

from __future__ import annotations

from fastapi import Request

from mejora_common.errors import ProblemError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


async def read_upload(request: Request, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """The CSV bytes: the body itself, or the multipart field ``file``."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ProblemError(
                422,
                "file_missing",
                "Falta el archivo: envíalo en el campo «file» del formulario.",
                errors=[{"field": "file", "message": "Este campo es obligatorio."}],
            )
        data = await upload.read()
    else:
        data = await request.body()
    if len(data) > max_bytes:
        raise ProblemError(413, "payload_too_large", f"El archivo supera el máximo de {max_bytes // 1024 // 1024} MB.")
    return data
