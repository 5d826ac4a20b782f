"""Cycles service tables. Import every module here so Alembic sees all metadata."""

from .accounts import Account, RefreshToken
from .base import Base
from .directory import Network, Person, School

metadata = Base.metadata

__all__ = ["Account", "Base", "Network", "Person", "RefreshToken", "School", "metadata"]
