"""Observations service tables. Import every module here so Alembic sees all metadata."""

from .base import Base
from .idempotency import IdempotencyRecord
from .instruments import Instrument
from .observations import Observation, ObservationAmendment
from .scores import ObservationScore
from .view_log import ViewLogEntry

metadata = Base.metadata

__all__ = [
    "Base",
    "IdempotencyRecord",
    "Instrument",
    "Observation",
    "ObservationAmendment",
    "ObservationScore",
    "ViewLogEntry",
    "metadata",
]
