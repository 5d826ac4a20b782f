"""Cycles service tables. Import every module here so Alembic sees all metadata."""

from sqlmodel import SQLModel

from .accounts import Account, RefreshToken
from .directory import Network, Person, School

metadata = SQLModel.metadata

__all__ = ["Account", "Network", "Person", "RefreshToken", "School", "metadata"]
