"""Request and response models of the observations service API.

JSON keys are English (a contract for mobile apps and SLEP systems); user-facing
text is Spanish.
"""

from __future__ import annotations

from ..domain.scoring import Band
from ..domain.vocabulary import Level, Mode, Status
from .instruments import (
    CODE_PATTERN,
    MAX_CYCLES,
    MAX_TEXT,
    DimensionRead,
    DimensionWrite,
    DomainRead,
    DomainWrite,
    InstrumentBody,
    InstrumentCreate,
    InstrumentRead,
    Scale,
)
from .observations import (
    AmendmentCreate,
    AmendmentRead,
    CycleIn,
    CycleRead,
    ObservationRead,
    ObservationWrite,
)
from .reliability import (
    AgreementRead,
    DimensionAgreementRead,
    InstrumentReliabilityRead,
    ObserverReliabilityRead,
    ReliabilityRead,
)
from .scores import (
    DimensionScoreRead,
    DomainScoreRead,
    ObservationScoresRow,
    ScoresRead,
)
from .transfer import (
    ImportResult,
    ImportRowError,
)

__all__ = [
    "CODE_PATTERN",
    "MAX_CYCLES",
    "MAX_TEXT",
    "AgreementRead",
    "AmendmentCreate",
    "AmendmentRead",
    "Band",
    "CycleIn",
    "CycleRead",
    "DimensionAgreementRead",
    "DimensionRead",
    "DimensionScoreRead",
    "DimensionWrite",
    "DomainRead",
    "DomainScoreRead",
    "DomainWrite",
    "ImportResult",
    "ImportRowError",
    "InstrumentBody",
    "InstrumentCreate",
    "InstrumentRead",
    "InstrumentReliabilityRead",
    "Level",
    "Mode",
    "ObservationRead",
    "ObservationScoresRow",
    "ObservationWrite",
    "ObserverReliabilityRead",
    "ReliabilityRead",
    "Scale",
    "ScoresRead",
    "Status",
]
