"""Background report jobs through the API, on SQLite and on PostgreSQL (issue 12, "Report documents").

The worker is run in-process here (``worker.run_one``, the function the real worker loops on); the real process is
tested in ``test_job_worker_process.py``, the claims and leases in ``test_job_queue.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from mejora_common.db import make_engine, upgrade
from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import TEST_KEYS, auth_header, make_principal, make_token
from reports_service.db import MIGRATIONS_DIR
from reports_service.main import create_app
from reports_service.models.jobs import ReportJob
from reports_service.service import job_queue
from reports_service.settings import Settings
from reports_service.worker import run_one

from .publishing import publish
from .test_releases_api import SCHOOL_A, SCHOOL_B, WAVE, observe

JOBS = f"/api/v1/reports/networks/{NETWORK}/results/jobs"
TEACHER_A = uuid.UUID("10000000-0000-4000-8000-000000000001")
TEACHER_B = uuid.UUID("10000000-0000-4000-8000-000000000002")


def person(role: str, person_id: uuid.UUID | None = None) -> dict[str, str]:
    """A token of one person (the account id follows the person, so two calls are the same account)."""
    person_id = person_id or uuid.uuid5(uuid.NAMESPACE_URL, f"jobs-{role}")
    principal = make_principal(role, NETWORK, person_id=person_id)
    return auth_header(make_token(replace(principal, account_id=uuid.uuid5(uuid.NAMESPACE_URL, str(person_id)))))


def settings_for(database_url: str, tmp_path: Path, siblings: Any) -> Settings:
    return Settings(
        database_url=database_url,
        **TEST_KEYS.settings("reports"),
        data_dir=tmp_path,
        cycles_url=siblings.cycles.url,
        observations_url=siblings.observations.url,
        service_timeout_seconds=5.0,
        pdf_warmup=False,
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path, siblings: Any) -> Settings:
    upgrade(MIGRATIONS_DIR, database_url)
    return settings_for(database_url, tmp_path, siblings)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def results(world: Any) -> Any:
    """Six classrooms in one school and five in another: enough to publish the network and a school."""
    world.schools[SCHOOL_A] = {"id": SCHOOL_A, "name": "Escuela Los Aromos", "network_id": str(NETWORK)}
    world.schools[SCHOOL_B] = {"id": SCHOOL_B, "name": "Escuela Pablo Neruda", "network_id": str(NETWORK)}
    for i in range(6):
        observe(world, i, pc=3.0 + i % 3, school=SCHOOL_A)
    for i in range(6, 11):
        observe(world, i, pc=4.0 + i % 2, school=SCHOOL_B)
    return world


def work(settings: Settings) -> bool:
    """One turn of the worker, as the real process does it."""
    return run_one(make_engine(settings.effective_database_url()), settings, "worker-de-prueba")


def create(client: TestClient, headers: dict[str, str], *, expect: int = 202, **body: Any) -> Any:
    response = client.post(JOBS, json={"wave": WAVE, **body}, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()


def test_a_coordinator_gets_the_pdf_through_a_job(client: TestClient, settings: Settings, results: Any) -> None:
    coordinator = person("coordinator")
    response = client.post(JOBS, json={"wave": WAVE, "format": "pdf"}, headers=coordinator)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"] == f"/api/v1/reports/jobs/{job['id']}"
    assert (job["state"], job["progress"], job["message"]) == ("queued", 0, "En cola")
    assert job["file_url"] is None and job["filename"].endswith(".pdf")

    early = client.get(f"/api/v1/reports/jobs/{job['id']}/file", headers=coordinator)
    assert early.status_code == 409
    assert early.json()["code"] == "job_not_done"

    assert work(settings)
    assert not work(settings)  # nothing left
    done = client.get(response.headers["Location"], headers=coordinator)
    assert done.status_code == 200
    body = done.json()
    assert (body["state"], body["progress"], body["message"]) == ("done", 100, "Listo para descargar")
    assert done.headers["ETag"] == f'"{body["version"]}"'
    assert body["file_url"] == f"/api/v1/reports/jobs/{job['id']}/file"

    file = client.get(body["file_url"], headers=coordinator)
    assert file.status_code == 200
    assert file.headers["content-type"] == "application/pdf"
    assert file.content.startswith(b"%PDF")
    assert body["size"] == len(file.content)
    assert "resultados-Red-de-prueba-Norte-2024-2.pdf" in file.headers["content-disposition"]


def test_xlsx_and_csv_jobs(client: TestClient, settings: Settings, results: Any) -> None:
    coordinator = person("coordinator")
    xlsx = create(client, coordinator, format="xlsx")
    csv = create(client, coordinator, format="csv")
    assert work(settings) and work(settings)
    got_xlsx = client.get(f"/api/v1/reports/jobs/{xlsx['id']}/file", headers=coordinator)
    got_csv = client.get(f"/api/v1/reports/jobs/{csv['id']}/file", headers=coordinator)
    assert got_xlsx.content.startswith(b"PK")  # a zip: the xlsx container
    assert got_csv.headers["content-type"].startswith("text/csv")
    # The same rows as the synchronous CSV of the same live results.
    direct = client.get(
        f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": WAVE, "format": "csv"}, headers=coordinator
    )
    assert got_csv.content == direct.content


def test_readers_get_released_results_only_and_only_their_own_jobs(
    client: TestClient, settings: Settings, results: Any, world: Any
) -> None:
    teacher_a, teacher_b = person("teacher", TEACHER_A), person("teacher", TEACHER_B)
    refused = create(client, teacher_a, expect=404)
    assert refused["code"] == "no_release"  # the readers-limited-to-releases rule of GET …/results

    publish(client, WAVE)
    observe(world, 20, pc=7.0, school=SCHOOL_B)  # live data the teacher must not see
    job = create(client, teacher_a, format="csv")
    assert work(settings)
    url = f"/api/v1/reports/jobs/{job['id']}"
    assert client.get(url, headers=teacher_a).status_code == 200
    mine = client.get(f"{url}/file", headers=teacher_a)
    released = client.get(
        f"/api/v1/reports/networks/{NETWORK}/results", params={"wave": WAVE, "format": "csv"}, headers=teacher_a
    )
    assert mine.content == released.content  # the release, not the live view with classroom 20

    for other in (teacher_b, person("facilitator")):
        assert client.get(url, headers=other).status_code == 404
        assert client.get(f"{url}/file", headers=other).status_code == 404
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(url, headers=outsider).status_code == 404
    assert client.post(JOBS, json={"wave": WAVE}, headers=outsider).status_code == 404
    # A coordinator of the job's network reads it.
    assert client.get(f"{url}/file", headers=person("coordinator")).status_code == 200


def test_a_retried_create_with_the_same_key_queues_one_job(client: TestClient, results: Any) -> None:
    coordinator = {**person("coordinator"), "Idempotency-Key": "pdf-resultados-1"}
    first = create(client, coordinator)
    again = create(client, coordinator)
    assert first["id"] == again["id"]
    other = create(client, {**coordinator, "Idempotency-Key": "pdf-resultados-2"})
    assert other["id"] != first["id"]


def test_bad_input_is_a_422_and_no_job(client: TestClient, results: Any) -> None:
    coordinator = person("coordinator")
    for body in ({"wave": "no válida"}, {"wave": WAVE, "format": "docx"}, {"wave": WAVE, "release": 0}):
        response = client.post(JOBS, json=body, headers=coordinator)
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/reports/jobs/{uuid.uuid4()}", headers=coordinator).status_code == 404


def test_a_failed_render_says_why(client: TestClient, settings: Settings, results: Any) -> None:
    coordinator = person("coordinator")
    job = create(client, coordinator)
    engine = make_engine(settings.effective_database_url())
    with engine.begin() as conn:  # a report this worker cannot read (as if a newer API had written it)
        conn.execute(update(ReportJob.__table__).values(payload={"report": {"unexpected": True}}))  # type: ignore[attr-defined]
    assert work(settings)
    failed = client.get(f"/api/v1/reports/jobs/{job['id']}", headers=coordinator).json()
    assert failed["state"] == "failed"
    assert failed["error"].startswith("No se pudo generar el documento")
    refused = client.get(f"/api/v1/reports/jobs/{job['id']}/file", headers=coordinator)
    assert (refused.status_code, refused.json()["code"]) == (409, "job_failed")


def test_an_expired_file_is_gone(client: TestClient, settings: Settings, results: Any) -> None:
    coordinator = person("coordinator")
    job = create(client, coordinator, format="csv")
    assert work(settings)
    engine = make_engine(settings.effective_database_url())
    table = ReportJob.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        finished = conn.execute(table.select()).one()
        conn.execute(update(table).values(expires_at=finished.finished_at))
    url = f"/api/v1/reports/jobs/{job['id']}"
    assert client.get(url, headers=coordinator).json()["state"] == "expired"  # before the clean-up ran
    assert client.get(f"{url}/file", headers=coordinator).status_code == 410
    assert job_queue.expire_finished(engine) == 1
    with engine.begin() as conn:
        row = conn.execute(table.select()).one()
    assert (row.state, row.result, row.payload) == ("expired", None, None)
    gone = client.get(f"{url}/file", headers=coordinator)
    assert (gone.status_code, gone.json()["code"]) == (410, "job_expired")


def test_the_progress_follows_the_pdf_layout(
    client: TestClient, settings: Settings, results: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step's progress is stored while the worker renders: the steps, then WeasyPrint's pages."""
    stored: list[tuple[int, str]] = []
    real = job_queue.heartbeat

    def recording(*args: Any, **kwargs: Any) -> bool:
        if kwargs.get("progress") is not None:
            stored.append((kwargs["progress"], kwargs["message"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(job_queue, "heartbeat", recording)
    monkeypatch.setattr("reports_service.worker.PROGRESS_EVERY", 0.0)
    create(client, person("coordinator"))
    assert work(settings)
    percents = [p for p, _ in stored]
    assert percents == sorted(percents) and percents[0] == 5 and percents[-1] == 95
    messages = [m for _, m in stored]
    assert "Armando las tablas y gráficos" in messages
    assert "Componiendo las páginas del PDF (página 1)" in messages
