"""Spanish labels of codes that reports print."""

from __future__ import annotations

BAND_LABELS = {"low": "Bajo", "mid": "Medio", "high": "Alto"}

LEVEL_LABELS = {
    "sala_cuna": "Sala cuna",
    "medio": "Nivel medio",
    "prekinder": "Pre-kínder",
    "kinder": "Kínder",
    "1basico": "1.° básico",
    "2basico": "2.° básico",
    "3basico": "3.° básico",
    "4basico": "4.° básico",
    "5basico": "5.° básico",
    "6basico": "6.° básico",
    "7basico": "7.° básico",
    "8basico": "8.° básico",
}

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
