"""Demo observations, read from ``observations.json`` beside the demo directory.

The data file holds the content and the parameters (waves, mean score per dimension, evidence texts,
who is double-coded, how far a second coder strays); this module draws the scores from a fixed random
seed and stores them with fixed ids (uuid5), so running the seed again inserts only what is missing.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from mejora_common.db import make_engine

from .instruments import instrument_uuid
from .models import Instrument, Observation
from .service import stored_scores  # noqa: F401 - the seed's submitted observations get their stored scores

NAMESPACE = uuid.UUID("0b5e7a3c-3f0e-5d7c-9a1f-6f6273657276")
SANTIAGO = ZoneInfo("America/Santiago")
OBSERVATIONS_FILE = "observations.json"
"""The demo's observation content and parameters, beside the directory file."""
Data = Mapping[str, Any]


def _clip(value: float, lo: int = 1, hi: int = 7) -> int:
    return max(lo, min(hi, round(value)))


def _observed_on(rng: random.Random, start: date, days: int) -> date:
    day = start + timedelta(days=rng.randrange(days))
    while day.weekday() >= 5:  # school days only
        day += timedelta(days=1)
    return day


def _local(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SANTIAGO)


def _cycles(rng: random.Random, day: date, means: dict[str, float], demo: Data) -> list[dict[str, Any]]:
    session = demo["session"]
    reverse = session["reverse_dimension"]
    start = _local(day, session["starts"])
    cycles: list[dict[str, Any]] = []
    for index, notes in enumerate(demo["cycle_notes"]):
        began = start + timedelta(minutes=session["cycle_every_minutes"] * index)
        scores = {code: _clip(mean + rng.gauss(0, session["score_sd"])) for code, mean in means.items()}
        scores[reverse["code"]] = _clip(means[reverse["code"]] + rng.gauss(0, reverse["sd"]), 1, reverse["max"])
        cycles.append(
            {
                "number": index + 1,
                "started_at": began.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "duration_minutes": session["cycle_minutes"],
                "scores": dict(sorted(scores.items())),
                "notes": notes,
            }
        )
    return cycles


def _second_coding(rng: random.Random, cycles: list[dict[str, Any]], spec: Data) -> list[dict[str, Any]]:
    """A second observer of the same session: mostly the same scores, some one point off, rarely two."""
    copied: list[dict[str, Any]] = []
    for cycle in cycles:
        scores: dict[str, int] = {}
        for code, value in cycle["scores"].items():
            roll = rng.random()
            delta = next((step["delta"] for step in spec["cumulative"] if roll < step["below"]), None)
            if delta is None:
                delta = rng.choice(spec["otherwise"])
            scores[code] = _clip(value + delta)
        copied.append({**cycle, "scores": scores})
    return copied


def _teacher_means(teacher: Data, wave: Data, demo: Data) -> dict[str, float]:
    """The teacher's mean per dimension in a wave: a fixed teacher effect and the wave's gain (not on NC)."""
    effect = random.Random(f"teacher:{teacher['id']}").gauss(0, demo["teacher_effect_sd"])  # noqa: S311
    reverse = demo["session"]["reverse_dimension"]["code"]
    return {
        code: mean + (0 if code == reverse else effect + wave["gain"]) for code, mean in demo["dimension_means"].items()
    }


def _observations(
    teacher: Data, index: int, wave: Data, observers: tuple[uuid.UUID, uuid.UUID], demo: Data
) -> list[Observation]:
    """The teacher's observation in a wave, and its double-coding when the data file asks for one."""
    oid = uuid.uuid5(NAMESPACE, f"observation:{teacher['id']}:{wave['wave']}")
    rng = random.Random(f"mejora-en-red:{oid}")  # noqa: S311 - reproducible demo data
    means = _teacher_means(teacher, wave, demo)
    day = _observed_on(rng, date.fromisoformat(wave["first_day"]), wave["school_days"])
    cycles = _cycles(rng, day, means, demo)
    evidence = {code: rng.choice(options) for code, options in demo["evidence"].items()}
    submitted_at = _local(day, demo["session"]["submitted"]).astimezone(UTC)
    common: dict[str, Any] = {
        "instrument_id": instrument_uuid(demo["instrument"]["key"], demo["instrument"]["version"]),
        "network_id": uuid.UUID(demo["network_id"]),
        "school_id": uuid.UUID(teacher["school_id"]),
        "teacher_id": uuid.UUID(teacher["id"]),
        "level": (teacher.get("levels") or [demo["default_level"]])[0],
        "observed_on": day,
        "wave": wave["wave"],
        "mode": "live",
        "status": "submitted",
        "created_at": submitted_at,
        "updated_at": submitted_at,
        "submitted_at": submitted_at,
    }
    rows = [Observation(id=oid, observer_id=observers[0], cycles=cycles, evidence=evidence, **common)]
    if {"wave": wave["wave"], "teacher": index} in demo["double_coded"]:
        rows.append(
            Observation(
                id=uuid.uuid5(NAMESPACE, f"double-coding:{oid}"),
                observer_id=observers[1],
                cycles=_second_coding(rng, cycles, demo["second_coding"]),
                evidence={code: demo["evidence"][code][0] for code in demo["second_coder_evidence"]},
                double_codes_id=oid,
                **common,
            )
        )
    return rows


def seed_demo(database_url: str, demo_file: Path) -> str:
    directory: dict[str, Any] = json.loads(demo_file.read_text(encoding="utf-8"))
    demo: dict[str, Any] = json.loads((demo_file.parent / OBSERVATIONS_FILE).read_text(encoding="utf-8"))
    demo["network_id"] = directory["network"]["id"]
    people = directory["people"]
    by_email = {p["email"]: p for p in people if p.get("email")}
    observers = (uuid.UUID(by_email[demo["primary_coach"]]["id"]), uuid.UUID(by_email[demo["second_coder"]]["id"]))
    teachers = [p for p in people if p["role"] == "teacher"]
    created = {"observations": 0, "double_coded": 0}
    engine = make_engine(database_url)
    with Session(engine) as session:
        if session.get(Instrument, instrument_uuid(demo["instrument"]["key"], demo["instrument"]["version"])) is None:
            raise SystemExit("Falta el instrumento class-prek-k3: aplica las migraciones antes de cargar la demo.")
        for wave in demo["waves"]:
            for index, teacher in enumerate(teachers):
                for row in _observations(teacher, index, wave, observers, demo):
                    if session.get(Observation, row.id) is None:
                        session.add(row)
                        created["double_coded" if row.double_codes_id else "observations"] += 1
        session.commit()
    engine.dispose()
    return "observaciones: " + ", ".join(f"{k} +{v}" for k, v in created.items())
