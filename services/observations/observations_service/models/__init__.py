"""Observations service tables. Import every module here so Alembic sees all metadata."""

from sqlmodel import SQLModel

metadata = SQLModel.metadata

__all__ = ["metadata"]
