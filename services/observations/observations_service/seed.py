"""Demo observations: two waves for the 17 demo teachers, ~15 % double-coded.

Scores are plausible for Chilean kindergartens observed with CLASS: emotional
support and classroom organisation mid-range (about 4 to 5.5), instructional
support low (about 1.5 to 2.5), a little better in August than in May–July.
Everything is generated from a fixed random seed and stored with fixed ids
(uuid5), so running the seed again inserts only what is missing.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from mejora_common.db import make_engine

from .instruments import instrument_uuid
from .models import Instrument, Observation

NAMESPACE = uuid.UUID("0b5e7a3c-3f0e-5d7c-9a1f-6f6273657276")
SANTIAGO = ZoneInfo("America/Santiago")
INSTRUMENT = ("class-prek-k3", 1)
PRIMARY_COACH = "acompanante@demo.cl"
SECOND_CODER = "acompanante2@demo.cl"
# (wave, first day, number of school days available)
WAVES = (("2024-1", date(2024, 5, 6), 50), ("2024-2", date(2024, 8, 5), 20))
# Mean raw score per dimension in the first wave (NC is reverse: low is good).
DIMENSION_MEANS = {
    "PC": 4.9,
    "NC": 1.5,
    "TS": 4.5,
    "RSP": 4.0,
    "BM": 5.1,
    "PD": 4.9,
    "ILF": 4.2,
    "CD": 1.7,
    "QF": 2.0,
    "LM": 2.1,
}
WAVE_GAIN = {"2024-1": 0.0, "2024-2": 0.3}
# Observation ids double-coded: teacher index (0-based, demo order) by wave — 5 of 34, about 15 %.
DOUBLE_CODED = {("2024-1", 0), ("2024-1", 5), ("2024-1", 10), ("2024-2", 3), ("2024-2", 14)}
CYCLE_NOTES = (
    "Inicio de la jornada: saludo, asistencia y calendario en círculo.",
    "Experiencia de aprendizaje en grupo completo con cuento y preguntas.",
    "Trabajo en grupos pequeños por rincones; la educadora recorre las mesas.",
    "Cierre: recuento de lo aprendido y preparación para el patio.",
)
EVIDENCE = {
    "PC": (
        "La educadora sonríe, llama a cada niño por su nombre y celebra los logros con entusiasmo.",
        "Se observan bromas compartidas y contacto visual cálido durante el círculo.",
    ),
    "NC": (
        "No se observan gritos ni sarcasmo; una llamada de atención breve y en tono neutro.",
        "Un momento de irritación al ordenar materiales, resuelto con calma.",
    ),
    "TS": (
        "Se acerca a un niño que llora y lo contiene antes de volver a la actividad.",
        "Nota que dos niñas no participan y les ofrece un rol en la canción.",
    ),
    "RSP": (
        "Los niños eligen el rincón y los materiales con los que trabajan.",
        "La actividad sigue mayormente el guion de la educadora; pocas opciones para los niños.",
    ),
    "BM": (
        "Las normas del aula están visibles y se recuerdan con anticipación antes de las transiciones.",
        "Redirige conductas con gestos y elogios específicos, sin interrumpir la actividad.",
    ),
    "PD": (
        "Las transiciones son breves; los materiales estaban preparados antes de comenzar.",
        "Se pierden algunos minutos esperando turnos para lavarse las manos.",
    ),
    "ILF": (
        "Usa títeres y material concreto; la mayoría de los niños se mantiene involucrada.",
        "La explicación es larga y algunos niños se distraen al final.",
    ),
    "CD": (
        "Las preguntas son mayormente de respuesta cerrada (¿de qué color es?).",
        "Una pregunta de predicción (¿qué pasará si…?) que no se profundiza.",
    ),
    "QF": (
        "La retroalimentación es del tipo «muy bien»; pocas veces pide explicar cómo lo pensaron.",
        "En una ocasión devuelve la pregunta para que el niño amplíe su respuesta.",
    ),
    "LM": (
        "Conversaciones breves; la educadora repite pero rara vez extiende lo que dicen los niños.",
        "Introduce la palabra «germinar» y la usa varias veces durante la actividad.",
    ),
}


def _clip(value: float, lo: int = 1, hi: int = 7) -> int:
    return max(lo, min(hi, round(value)))


def _observed_on(rng: random.Random, start: date, days: int) -> date:
    day = start + timedelta(days=rng.randrange(days))
    while day.weekday() >= 5:  # school days only
        day += timedelta(days=1)
    return day


def _cycles(rng: random.Random, day: date, means: dict[str, float]) -> list[dict[str, Any]]:
    start = datetime.combine(day, time(9, 5), tzinfo=SANTIAGO)
    cycles: list[dict[str, Any]] = []
    for index in range(4):
        began = start + timedelta(minutes=25 * index)
        scores = {code: _clip(mean + rng.gauss(0, 0.6)) for code, mean in means.items()}
        scores["NC"] = _clip(means["NC"] + rng.gauss(0, 0.5), 1, 4)
        cycles.append(
            {
                "number": index + 1,
                "started_at": began.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "duration_minutes": 20,
                "scores": dict(sorted(scores.items())),
                "notes": CYCLE_NOTES[index],
            }
        )
    return cycles


def _second_coding(rng: random.Random, cycles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A second observer of the same session: mostly the same scores, some one point off, rarely two."""
    copied: list[dict[str, Any]] = []
    for cycle in cycles:
        scores: dict[str, int] = {}
        for code, value in cycle["scores"].items():
            roll = rng.random()
            if roll < 0.62:
                delta = 0
            elif roll < 0.8:
                delta = 1
            elif roll < 0.97:
                delta = -1
            else:
                delta = rng.choice((2, -2))
            scores[code] = _clip(value + delta)
        copied.append({**cycle, "scores": scores})
    return copied


def seed_demo(database_url: str, demo_file: Path) -> str:
    data: dict[str, Any] = json.loads(demo_file.read_text(encoding="utf-8"))
    network_id = uuid.UUID(data["network"]["id"])
    people = data["people"]
    by_email = {p["email"]: p for p in people if p.get("email")}
    coach = uuid.UUID(by_email[PRIMARY_COACH]["id"])
    second = uuid.UUID(by_email[SECOND_CODER]["id"])
    teachers = [p for p in people if p["role"] == "teacher"]
    instrument_id = instrument_uuid(*INSTRUMENT)
    created = {"observations": 0, "double_coded": 0}
    engine = make_engine(database_url)
    with Session(engine) as session:
        if session.get(Instrument, instrument_id) is None:
            raise SystemExit("Falta el instrumento class-prek-k3: aplica las migraciones antes de cargar la demo.")
        for wave, start, days in WAVES:
            for index, teacher in enumerate(teachers):
                oid = uuid.uuid5(NAMESPACE, f"observation:{teacher['id']}:{wave}")
                rng = random.Random(f"mejora-en-red:{oid}")  # noqa: S311 - reproducible demo data
                teacher_effect = random.Random(f"teacher:{teacher['id']}").gauss(0, 0.35)  # noqa: S311
                means = {
                    code: mean + (0 if code == "NC" else teacher_effect + WAVE_GAIN[wave])
                    for code, mean in DIMENSION_MEANS.items()
                }
                day = _observed_on(rng, start, days)
                cycles = _cycles(rng, day, means)
                evidence = {code: rng.choice(options) for code, options in EVIDENCE.items()}
                submitted_at = datetime.combine(day, time(18, 0), tzinfo=SANTIAGO).astimezone(UTC)
                common: dict[str, Any] = {
                    "instrument_id": instrument_id,
                    "network_id": network_id,
                    "school_id": uuid.UUID(teacher["school_id"]),
                    "teacher_id": uuid.UUID(teacher["id"]),
                    "level": (teacher.get("levels") or ["kinder"])[0],
                    "observed_on": day,
                    "wave": wave,
                    "mode": "live",
                    "status": "submitted",
                    "created_at": submitted_at,
                    "updated_at": submitted_at,
                    "submitted_at": submitted_at,
                }
                if session.get(Observation, oid) is None:
                    session.add(Observation(id=oid, observer_id=coach, cycles=cycles, evidence=evidence, **common))
                    created["observations"] += 1
                if (wave, index) in DOUBLE_CODED:
                    did = uuid.uuid5(NAMESPACE, f"double-coding:{oid}")
                    if session.get(Observation, did) is None:
                        session.add(
                            Observation(
                                id=did,
                                observer_id=second,
                                cycles=_second_coding(rng, cycles),
                                evidence={code: EVIDENCE[code][0] for code in ("PC", "CD", "QF")},
                                double_codes_id=oid,
                                **common,
                            )
                        )
                        created["double_coded"] += 1
        session.commit()
    engine.dispose()
    return "observaciones: " + ", ".join(f"{k} +{v}" for k, v in created.items())
