"""The floor of issue 12 (fixed: it does not change when storage changes).

What the machine needs just to read and aggregate the data a network-results answer is made from:

1. a driver-level ``SELECT`` of the raw score codes (the ``cycles`` JSON) of the wave's submitted first codings, with
   ``sqlite3`` or ``psycopg`` directly (no ORM, no SQLAlchemy);
2. decoding each row's codes with the standard :mod:`json` module;
3. one plain-dict aggregation loop: per school, level and domain, the count, sum and sum of squares of the
   observations' domain means (a domain mean is the mean of its dimensions' per-cycle means, a reverse dimension
   entering as ``min + max − mean``; instrument structure read once, from the instrument's definition, with
   :mod:`json`).

It reads the ``observation`` and ``instrument`` tables as migrations ``0001``–``0004`` of the observations service
made them; later storage changes (stored scores, new indexes) are not used here on purpose.

    from floor import measure_floor
    result = measure_floor("sqlite:////tmp/x/observations.db", network_id, ["2030-2", "2030-1"])
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SQL = (
    "SELECT o.school_id, o.level, o.instrument_id, {cycles} FROM observation o "
    "WHERE o.network_id = {p} AND o.wave = {p} AND o.status = 'submitted' AND o.double_codes_id IS NULL"
)
INSTRUMENT_SQL = "SELECT id, {definition} FROM instrument"


@dataclass(frozen=True)
class Floor:
    """Seconds of each phase, and what was read (rows) and produced (groups)."""

    query: float
    decode: float
    aggregate: float
    rows: int
    groups: int

    @property
    def total(self) -> float:
        return self.query + self.decode + self.aggregate


def _connect(database_url: str) -> tuple[Any, str, bool]:
    """A DB-API connection, its parameter marker, and whether ids are stored as 32-digit hex (SQLite)."""
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[1]
        return sqlite3.connect(path), "?", True
    import psycopg  # noqa: PLC0415 - only for PostgreSQL

    parts = urlsplit(database_url.replace("postgresql+psycopg://", "postgresql://", 1))
    return psycopg.connect(parts.geturl()), "%s", False


def _structure(definition: dict[str, Any]) -> tuple[int, int, list[tuple[str, list[tuple[str, bool]]]]]:
    """(scale min, scale max, [(domain, [(dimension, reverse), ...]), ...]) from an instrument's JSON."""
    scale = definition["scale"]
    domains = [
        (d["code"], [(dim["code"], bool(dim.get("reverse", False))) for dim in d["dimensions"]])
        for d in definition["domains"]
    ]
    return int(scale["min"]), int(scale["max"]), domains


def measure_floor(database_url: str, network_id: str, waves: Sequence[str]) -> Floor:
    """Read, decode and aggregate the waves' raw codes once; the time of each phase."""
    connection, p, hex_ids = _connect(database_url)
    sqlite = hex_ids
    network = uuid.UUID(network_id).hex if hex_ids else network_id
    try:
        cursor = connection.cursor()
        start = time.perf_counter()
        cursor.execute(INSTRUMENT_SQL.format(definition="definition" if sqlite else "definition::text"))
        instruments_raw = cursor.fetchall()
        fetched: list[tuple[Any, ...]] = []
        for wave in waves:
            cursor.execute(SQL.format(cycles="o.cycles" if sqlite else "o.cycles::text", p=p), (network, wave))
            fetched.extend(cursor.fetchall())
        query = time.perf_counter() - start

        start = time.perf_counter()
        instruments = {str(i): _structure(json.loads(text)) for i, text in instruments_raw}
        decoded = [
            (school, level, str(instrument), json.loads(cycles)) for school, level, instrument, cycles in fetched
        ]
        decode = time.perf_counter() - start

        start = time.perf_counter()
        groups: dict[tuple[str, str, str], list[float]] = {}
        for school, level, instrument, cycles in decoded:
            lo, hi, domains = instruments[instrument]
            sums: dict[str, float] = {}
            counts: dict[str, int] = {}
            for cycle in cycles:
                for code, value in cycle["scores"].items():
                    if value is not None:
                        sums[code] = sums.get(code, 0.0) + value
                        counts[code] = counts.get(code, 0) + 1
            for domain, dimensions in domains:
                total = 0.0
                for code, reverse in dimensions:
                    mean = sums[code] / counts[code]
                    total += (lo + hi - mean) if reverse else mean
                value = total / len(dimensions)
                group = groups.setdefault((str(school), level, domain), [0, 0.0, 0.0])
                group[0] += 1
                group[1] += value
                group[2] += value * value
        aggregate = time.perf_counter() - start
    finally:
        connection.close()
    return Floor(query=query, decode=decode, aggregate=aggregate, rows=len(fetched), groups=len(groups))
