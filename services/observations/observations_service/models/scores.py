"""An observation's dimension and domain scores, stored as rows when it is submitted or amended.

Written by :mod:`observations_service.service.stored_scores` (on every flush of a submitted observation whose
cycles, status or instrument changed) and read by the aggregate endpoint (``observations:aggregate``), so results
never recompute scores from the cycles' JSON.
"""

from __future__ import annotations

import uuid

from sqlmodel import Field

from .base import Base


class ObservationScore(Base, table=True):
    """One dimension's (``kind="dimension"``) or domain's (``kind="domain"``) exact score of an observation.

    ``adjusted`` is the dimension's adjusted value (``min + max − mean`` on a reverse dimension); a domain's is
    its mean. ``position`` is the instrument order. Values are never rounded.
    """

    __tablename__ = "observation_score"

    observation_id: uuid.UUID = Field(foreign_key="observation.id", primary_key=True)
    kind: str = Field(primary_key=True, max_length=10)
    code: str = Field(primary_key=True, max_length=40)
    domain_code: str | None = Field(default=None, max_length=40)
    position: int
    mean: float
    adjusted: float
    band: str = Field(max_length=4)
    n_cycles: int | None = None
