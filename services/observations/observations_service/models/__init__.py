"""Observations service tables. Import every module here so Alembic sees all metadata."""

from .base import Base

metadata = Base.metadata

__all__ = ["Base", "metadata"]
