"""The base of this service's tables, with a metadata of its own, and the change counter of the few tables whose
``version`` column already means something else.

SQLModel's default metadata is process-wide; the services' models are often
imported together (tests, OpenAPI export), so each service keeps its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import declared_attr, registry
from sqlmodel import Field, SQLModel


class Base(SQLModel, registry=registry()):
    pass


class Revisioned(SQLModel):
    """``mejora_common.versioning.Versioned`` under the name ``revision``: SQLAlchemy's version counter.

    A cycle has always shown its ``revision`` (the ETag), and a driver diagram's ``version`` is its number in the
    network's history, so these two count their changes in ``revision``; every other table uses ``Versioned``.
    """

    revision: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy passes the class
        return {"version_id_col": cls.__table__.c.revision}  # type: ignore[attr-defined]
