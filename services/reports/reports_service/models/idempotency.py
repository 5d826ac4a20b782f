"""Idempotency-Key records of this service's POSTs (``mejora_common.idempotency``), kept 24 h."""

from __future__ import annotations

from mejora_common.idempotency import IdempotencyRecordBase

from .base import Base


class IdempotencyRecord(IdempotencyRecordBase, Base, table=True):
    __tablename__ = "idempotency_keys"
