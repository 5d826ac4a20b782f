"""Report jobs: the pure state machine of a document rendered in the background (issue 12, "Report documents").

A job is created ``queued``. A worker **claims** it (``running``, with a lease: its id and a time the lease ends);
while it works it **heartbeats** (the lease is extended, progress 0–100 and a Spanish message are stored). It ends
``done`` (the file stored) or ``failed`` (a readable reason). A job whose worker died keeps ``running`` until its
lease ends; then it is claimable again, up to :data:`MAX_ATTEMPTS` claims, after which it is ``failed`` with
:data:`GAVE_UP`. A finished job's file is kept until ``expires_at``; then the job is ``expired`` and the file deleted.

Every transition is decided here and applied by ``service/job_queue.py`` as one conditional ``UPDATE`` (the row's
state, version and lease owner in its ``WHERE``), so two workers never both take the same job.

Who may read a job (docs/architecture.md, "Users and roles"): the person who created it and the coordinators of its
network; everyone else gets 404, as for anything they may not see. The document itself was computed at creation with
the creator's own rights (a reader who is not a coordinator gets released results only), so the file never holds more
than its creator could read.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    expired = "expired"


FINISHED = frozenset({JobState.done, JobState.failed, JobState.expired})

#: Claims of one job before it is given up as failed (a document that kills its worker every time).
MAX_ATTEMPTS = 3
#: The reason stored when :data:`MAX_ATTEMPTS` workers died (or lost their lease) on the same job.
GAVE_UP = "El documento no pudo generarse: el proceso de trabajo se detuvo varias veces. Vuelve a pedirlo."
#: The reason stored when rendering raised an error.
RENDER_FAILED = "No se pudo generar el documento. Vuelve a pedirlo; si se repite, avisa a soporte."

QUEUED_MESSAGE = "En cola"
DONE_MESSAGE = "Listo para descargar"


@dataclass(frozen=True)
class Step:
    """A point of a job's progress: its percentage and what the screen says."""

    percent: int
    message: str


#: What a results document goes through, in order (the PDF layout is most of the time: issue 12).
RESULTS_STEPS: dict[str, Step] = {
    "claimed": Step(5, "Preparando el documento"),
    "html": Step(20, "Armando las tablas y gráficos"),
    "layout": Step(40, "Componiendo las páginas del PDF"),
    "tabular": Step(40, "Escribiendo la planilla"),
    "store": Step(95, "Guardando el archivo"),
}


#: WeasyPrint's own progress (its ``weasyprint.progress`` log: steps 1 to 7, step 5 once per laid-out page) mapped
#: into the "layout" part of a PDF job, between :data:`RESULTS_STEPS` "layout" (40) and "store" (95).
_PDF_STEP = re.compile(r"^Step (\d) - .*?(?:Page (\d+))?$")
_PDF_PERCENT = {1: 42, 2: 44, 3: 46, 4: 50, 5: 55, 6: 88, 7: 92}
#: Page ``n`` of the layout adds ``n`` points, up to this (a 200-school PDF has a few hundred pages).
_PDF_PAGES_MAX = 30


def pdf_layout_step(log_message: str) -> Step | None:
    """The job's progress at a WeasyPrint progress message, or ``None`` for a message it does not know."""
    found = _PDF_STEP.match(log_message)
    if found is None or int(found.group(1)) not in _PDF_PERCENT:
        return None
    step, page = int(found.group(1)), found.group(2)
    if step == 5 and page:
        percent = _PDF_PERCENT[5] + min(_PDF_PAGES_MAX, int(page))
        return Step(percent, f"Componiendo las páginas del PDF (página {page})")
    return Step(_PDF_PERCENT[step], RESULTS_STEPS["layout"].message)


def clamp_progress(percent: int) -> int:
    """Progress is a percentage: 0 to 100."""
    return max(0, min(100, percent))


def is_claimable(state: JobState, lease_expires_at: datetime | None, now: datetime) -> bool:
    """Queued, or running with a lease that ended (its worker died or hung)."""
    if state is JobState.queued:
        return True
    return state is JobState.running and lease_expires_at is not None and lease_expires_at <= now


def gives_up(state: JobState, attempts: int) -> bool:
    """A claimable job already claimed :data:`MAX_ATTEMPTS` times is failed instead of claimed again."""
    return state is JobState.running and attempts >= MAX_ATTEMPTS


def lease_end(now: datetime, lease_seconds: float) -> datetime:
    return now + timedelta(seconds=lease_seconds)


def result_expiry(finished_at: datetime, retention_hours: float) -> datetime:
    """Until when a finished job (and its file) is kept."""
    return finished_at + timedelta(hours=retention_hours)


def is_expired(state: JobState, expires_at: datetime | None, now: datetime) -> bool:
    return state in (JobState.done, JobState.failed) and expires_at is not None and expires_at <= now


def may_read(
    *, creator_account_id: uuid.UUID, caller_account_id: uuid.UUID, caller_role_in_network: str | None
) -> bool:
    """The job's creator, or a coordinator of the job's network (module docstring)."""
    return caller_account_id == creator_account_id or caller_role_in_network == "coordinator"


def download_refusal(state: JobState) -> tuple[int, str, str] | None:
    """Why the file cannot be downloaded yet (status, code, Spanish detail), or ``None`` when it can."""
    if state is JobState.done:
        return None
    if state is JobState.expired:
        return 410, "job_expired", "El archivo ya no está disponible: pasó su plazo de conservación. Vuelve a pedirlo."
    if state is JobState.failed:
        return 409, "job_failed", "El documento no se generó; la razón está en el estado del trabajo."
    return 409, "job_not_done", "El documento aún se está generando: espera a que el trabajo termine."
