"""Use cases of background report jobs: create one, read its state, download its file.

A job's document is computed **when the job is created**, with the creator's own rights and the same rules as
``GET …/results`` (``service/results.py``: everyone but the network's coordinators reads releases only; 404 for
non-members); the job stores that report and a worker only lays it out (``service/job_render.py``). So the file
never holds more than its creator could read at that moment, and the worker needs no token.

Who reads a job and its file: its creator and the coordinators of its network (``domain.jobs.may_read``); everyone
else gets 404, the job's existence not revealed.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from mejora_common.auth import Principal
from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, not_found

from ..cancellation import Cancellation
from ..clients import Siblings
from ..domain.jobs import QUEUED_MESSAGE, JobState, download_refusal, is_expired, may_read
from ..models.jobs import ReportJob
from ..render.responses import safe_filename
from ..schemas.jobs import JobOut, ResultsJobIn
from .results import build_results

JOB_PATH = "/api/v1/reports/jobs/{id}"


def job_url(job_id: uuid.UUID) -> str:
    return JOB_PATH.format(id=job_id)


def job_out(job: ReportJob) -> JobOut:
    state = _state(job)
    return JobOut(
        id=job.id,
        kind="results",
        format=job.format,  # type: ignore[arg-type]  # checked at creation
        network_id=job.network_id,
        state=state.value,
        progress=job.progress,
        message=job.message,
        error=job.error,
        filename=job.filename,
        size=job.result_size if state is JobState.done else None,
        file_url=f"{job_url(job.id)}/file" if state is JobState.done else None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        expires_at=job.expires_at,
        version=job.version,
    )


def _state(job: ReportJob) -> JobState:
    """The stored state, or ``expired`` once past ``expires_at`` even before the worker's clean-up ran."""
    state = JobState(job.state)
    return JobState.expired if is_expired(state, job.expires_at, utcnow()) else state


async def create_results_job(
    session: Session,
    siblings: Siblings,
    principal: Principal,
    network_id: uuid.UUID,
    body: ResultsJobIn,
    *,
    caller_token: str,
    k: int,
    cancel: Cancellation | None = None,
) -> ReportJob:
    """Read the results as ``GET …/results`` would for this caller, then queue their document."""
    report = await build_results(
        siblings,
        principal,
        network_id,
        caller_token=caller_token,
        wave=body.wave,
        compare=body.compare,
        k=k,
        instrument_code=body.instrument,
        cancel=cancel,
        session=session,
        release=body.release,
    )
    name = f"resultados-{report.network.name}-{body.wave}" + (f"-vs-{body.compare}" if body.compare else "")
    job = ReportJob(
        kind="results",
        format=body.format,
        network_id=network_id,
        created_by_account_id=principal.account_id,
        state=JobState.queued.value,
        message=QUEUED_MESSAGE,
        filename=f"{safe_filename(name)}.{body.format}",
        payload={"report": report.model_dump(mode="json")},
    )
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def _readable(session: Session, principal: Principal, job_id: uuid.UUID, *, with_file: bool) -> ReportJob:
    query = select(ReportJob).where(ReportJob.id == job_id).options(defer(ReportJob.payload))  # type: ignore[arg-type]
    if not with_file:
        query = query.options(defer(ReportJob.result))  # type: ignore[arg-type]
    job = session.exec(query).first()
    if job is None or not may_read(
        creator_account_id=job.created_by_account_id,
        caller_account_id=principal.account_id,
        caller_role_in_network=principal.role_in(job.network_id),
    ):
        raise not_found("El trabajo")
    return job


def get_job(session: Session, principal: Principal, job_id: uuid.UUID) -> JobOut:
    return job_out(_readable(session, principal, job_id, with_file=False))


def get_job_file(session: Session, principal: Principal, job_id: uuid.UUID) -> tuple[bytes, str, str]:
    """The finished file, its content type and file name; 409 while not done (410 once expired)."""
    job = _readable(session, principal, job_id, with_file=True)
    state = _state(job)
    if state is JobState.done and job.result is None:
        state = JobState.expired  # the clean-up deleted the file between the two reads
    refusal = download_refusal(state)
    if refusal is not None or job.result is None:
        status, code, detail = refusal or (410, "job_expired", "")
        raise ProblemError(status, code, detail, extra={"state": state.value})
    return job.result, job.content_type or "application/octet-stream", job.filename
