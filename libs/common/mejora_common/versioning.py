"""One rule against lost updates: every changeable resource has a version, shown as its ``ETag``.

A write that changes an existing resource sends ``If-Match`` with the ETag it read (RFC 9110 §13.1.1): without it
the answer is 428, with a stale one 412 and nothing is saved. The check is atomic in the database: the row's
version is SQLAlchemy's version counter (``version_id_col``), so the ``UPDATE``/``DELETE`` carries
``WHERE version = <the version read>`` and, of N concurrent writers holding the same ETag, exactly one succeeds; the
others' statements match no row (``StaleDataError``), answered as 412 by ``mejora_common.errors``.

A ``PUT`` that creates sends ``If-None-Match: *`` (RFC 9110 §13.1.2) or nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from .errors import STALE_DETAIL, ProblemError


class Versioned(SQLModel):
    """Mixin of a table whose rows carry a version; existing rows start at 1."""

    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy passes the class
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def etag(version: int) -> str:
    """A strong ETag of a version: ``"3"``."""
    return f'"{version}"'


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def check_if_match(version: int, if_match: str | None, *, what: str = "este recurso", required: bool = True) -> None:
    """428 when ``If-Match`` is missing (and required), 412 when it names another version."""
    current = etag(version)
    if if_match is None or not if_match.strip():
        if required:
            raise ProblemError(
                428,
                "precondition_required",
                f"Falta el encabezado If-Match con el ETag de {what}: vuelve a cargarlo antes de guardar.",
                headers={"ETag": current},
            )
        return
    tags = _tags(if_match)
    if "*" in tags or current in tags:
        return
    raise stale(version)


def check_if_none_match_for_create(if_none_match: str | None, *, exists: bool) -> None:
    """``If-None-Match: *`` on a creating ``PUT``: 412 when the resource already exists."""
    if exists and if_none_match is not None and "*" in _tags(if_none_match):
        raise ProblemError(
            412, "already_exists", "El recurso ya existe: léelo y envía su ETag en If-Match para modificarlo."
        )


def stale(version: int | None = None) -> ProblemError:
    headers = {} if version is None else {"ETag": etag(version)}
    extra = {} if version is None else {"current_version": version}
    return ProblemError(412, "precondition_failed", STALE_DETAIL, headers=headers, extra=extra)
