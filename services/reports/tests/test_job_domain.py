"""The pure rules of report jobs (``domain/jobs.py``): who reads a job, when its file downloads, when it is given up."""

from __future__ import annotations

import uuid
from datetime import timedelta

from mejora_common.db import utcnow
from reports_service.domain.jobs import (
    MAX_ATTEMPTS,
    RESULTS_STEPS,
    JobState,
    clamp_progress,
    download_refusal,
    gives_up,
    is_expired,
    may_read,
    pdf_layout_step,
    result_expiry,
)

CREATOR = uuid.uuid4()


def test_the_creator_and_the_network_coordinators_read_a_job() -> None:
    assert may_read(creator_account_id=CREATOR, caller_account_id=CREATOR, caller_role_in_network="teacher")
    assert may_read(creator_account_id=CREATOR, caller_account_id=uuid.uuid4(), caller_role_in_network="coordinator")
    for role in ("teacher", "leader", "coach", "facilitator", None):
        assert not may_read(creator_account_id=CREATOR, caller_account_id=uuid.uuid4(), caller_role_in_network=role)


def test_the_file_downloads_only_when_done() -> None:
    assert download_refusal(JobState.done) is None
    assert download_refusal(JobState.queued) == download_refusal(JobState.running)
    assert download_refusal(JobState.running)[:2] == (409, "job_not_done")  # type: ignore[index]
    assert download_refusal(JobState.failed)[:2] == (409, "job_failed")  # type: ignore[index]
    assert download_refusal(JobState.expired)[:2] == (410, "job_expired")  # type: ignore[index]


def test_a_job_is_given_up_after_its_last_claim_only_when_running() -> None:
    assert not gives_up(JobState.running, MAX_ATTEMPTS - 1)
    assert gives_up(JobState.running, MAX_ATTEMPTS)
    assert not gives_up(JobState.queued, MAX_ATTEMPTS)


def test_expiry_and_progress() -> None:
    now = utcnow()
    end = result_expiry(now, 24)
    assert end - now == timedelta(hours=24)
    assert not is_expired(JobState.done, end, now)
    assert is_expired(JobState.done, end, end) and is_expired(JobState.failed, end, end)
    assert not is_expired(JobState.running, end, end)
    assert (clamp_progress(-3), clamp_progress(42), clamp_progress(180)) == (0, 42, 100)
    percents = [step.percent for step in RESULTS_STEPS.values()]
    assert all(0 < p < 100 for p in percents)


def test_weasyprint_progress_moves_the_bar_within_the_layout() -> None:
    first = pdf_layout_step("Step 1 - Fetching and parsing HTML - HTML string")
    page = pdf_layout_step("Step 5 - Creating layout - Page 3")
    many = pdf_layout_step("Step 5 - Creating layout - Page 400")
    last = pdf_layout_step("Step 7 - Adding PDF metadata")
    assert first and page and many and last
    assert RESULTS_STEPS["layout"].percent < first.percent < page.percent < many.percent < last.percent
    assert last.percent < RESULTS_STEPS["store"].percent
    assert page.message == "Componiendo las páginas del PDF (página 3)"
    assert pdf_layout_step("something else") is None
    assert pdf_layout_step("Step 9 - Unknown") is None
