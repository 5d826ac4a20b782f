"""The results PDF in a real browser goes through a background job (issue 12, point 2): the button creates the job,
a progress bar follows it while the worker lays the PDF out, and a download button gives the file."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

#: The worker renders the demo network's PDF in seconds; this bounds the wait, it measures nothing.
JOB_WAIT_MS = 90_000


def test_the_results_pdf_is_made_by_a_job_with_progress_then_downloaded(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"/redes/{DEMO_NETWORK_ID}/resultados?wave=2024-2")
    expect(page.get_by_test_id("results-source")).to_contain_text("Vista en vivo")
    job = page.get_by_test_id("pdf-job")
    job.get_by_role("button", name="Descargar PDF").click()
    # Queued or running: the bar and the job's own message (or, on a fast machine, already done).
    expect(
        job.get_by_role("progressbar", name="Avance del PDF").or_(job.get_by_text("El PDF está listo."))
    ).to_be_visible()
    expect(job.get_by_text("El PDF está listo.")).to_be_visible(timeout=JOB_WAIT_MS)
    with page.expect_download() as download:
        job.get_by_role("button", name="Descargar el PDF").click()
    assert download.value.suggested_filename.endswith("-2024-2.pdf")
    path = download.value.path()
    with open(path, "rb") as file:
        assert file.read(4) == b"%PDF"
    expect(job.get_by_role("alert")).to_have_count(0)


def test_a_teacher_makes_the_pdf_of_the_release_she_reads(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    # The demo publishes 2024-2; with a release the teacher reads it and may make its PDF.
    page.goto(f"/redes/{DEMO_NETWORK_ID}/resultados?wave=2024-2")
    expect(page.get_by_test_id("results-source")).to_contain_text("Publicación")
    job = page.get_by_test_id("pdf-job")
    job.get_by_role("button", name="Descargar PDF").click()
    expect(job.get_by_text("El PDF está listo.")).to_be_visible(timeout=JOB_WAIT_MS)
