"""Spanish labels of codes that reports print."""

from __future__ import annotations

from mejora_vocabulary import LEVELS

BAND_LABELS = {"low": "Bajo", "mid": "Medio", "high": "Alto"}

LEVEL_LABELS = {level.code: level.report_label for level in LEVELS}

MODE_LABELS = {"live": "Presencial", "video": "Video"}

STAGE_LABELS = {
    "plan": "Planificar",
    "do": "Hacer",
    "study": "Estudiar",
    "act": "Actuar",
    "closed": "Cerrado",
}
STAGES = ("plan", "do", "study", "act", "closed")

DECISION_LABELS = {"adopt": "Adoptar", "adapt": "Adaptar", "abandon": "Abandonar"}
DECISIONS = ("adopt", "adapt", "abandon")


def band_label(band: str) -> str:
    return BAND_LABELS.get(band, band)


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)
