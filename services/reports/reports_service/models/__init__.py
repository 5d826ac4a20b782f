"""Reports service tables. Import every module here so Alembic sees all metadata."""

from .base import Base
from .idempotency import IdempotencyRecord
from .jobs import ReportJob
from .releases import PendingPublication, Release, ReleaseObservation

metadata = Base.metadata

__all__ = ["Base", "IdempotencyRecord", "PendingPublication", "Release", "ReleaseObservation", "ReportJob", "metadata"]
