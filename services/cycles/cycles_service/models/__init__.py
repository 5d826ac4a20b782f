"""Cycles service tables. Import every module here so Alembic sees all metadata."""

from .account_lifecycle import AccountSecurity, AccountToken, RecoveryCode
from .accounts import Account, RefreshToken, RefreshTokenFamily
from .base import Base
from .calendar import Barrier, Event
from .directory import Network, Person, School
from .idempotency import IdempotencyRecord
from .integrations import IntegrationClient
from .measures import NETWORK_SCOPE, Measure, MeasurePhase, MeasurePhaseDismissal, MeasurePoint, MeasurePointChange
from .planning import Aim, DiagramLink, DiagramNode, DriverDiagram
from .work import Cycle, CycleTransition

metadata = Base.metadata

__all__ = [
    "NETWORK_SCOPE",
    "Account",
    "AccountSecurity",
    "AccountToken",
    "Aim",
    "Barrier",
    "Base",
    "Cycle",
    "CycleTransition",
    "DiagramLink",
    "DiagramNode",
    "DriverDiagram",
    "Event",
    "IdempotencyRecord",
    "IntegrationClient",
    "Measure",
    "MeasurePhase",
    "MeasurePhaseDismissal",
    "MeasurePoint",
    "MeasurePointChange",
    "Network",
    "Person",
    "RecoveryCode",
    "RefreshToken",
    "RefreshTokenFamily",
    "School",
    "metadata",
]
