"""The smoke suite of ``make deploy-check``, through the gateway of a freshly bootstrapped installation.

Login as the bootstrapped coordinator, the networks list, a school and a teacher created, an observation saved
and submitted, its feedback as a PDF, the network's results, and their PDF as a background job rendered by the
job worker (created, followed until done, downloaded). Standard library + httpx (the project's venv).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

SCORES = {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 5, "ILF": 4, "CD": 2, "QF": 2, "LM": 2}
WAVE = "2026-1"
INSTRUMENT = "class-prek-k3"
#: How long the worker may take to render the results PDF before the smoke suite fails.
JOB_SECONDS = 120.0


class SmokeError(AssertionError):
    """A step of the smoke suite did not answer as it should."""


def expect(response: httpx.Response, *statuses: int) -> Any:
    if response.status_code not in statuses:
        raise SmokeError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:300]}"
        )
    return response.json() if "json" in response.headers.get("content-type", "") else response.content


def login(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    token = expect(client.post("/api/v1/auth/token", data={"username": email, "password": password}), 200)
    return {"Authorization": f"Bearer {token['access_token']}"}


def run_smoke(base_url: str, email: str, password: str) -> dict[str, str]:
    """The whole suite; what it created (network, observation), for the later checks."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        auth = login(client, email, password)
        networks = expect(client.get("/api/v1/networks", headers=auth), 200)["items"]
        if len(networks) != 1:
            raise SmokeError(f"the bootstrapped installation has one network, not {len(networks)}")
        network_id = networks[0]["id"]
        school = expect(
            client.post(
                f"/api/v1/networks/{network_id}/schools",
                json={"rbd": 9102, "name": "Escuela de Humo", "levels": ["kinder"]},
                headers=auth,
            ),
            201,
        )
        teacher = expect(
            client.post(
                f"/api/v1/networks/{network_id}/people",
                json={
                    "run": "13679413-2",
                    "name": "Educadora de Prueba",
                    "role": "teacher",
                    "school_id": school["id"],
                    "levels": ["kinder"],
                },
                headers=auth,
            ),
            201,
        )
        # The instruments ship with the observations service's migrations (no demo needed).
        instruments = expect(client.get("/api/v1/instruments", headers=auth), 200)["items"]
        instrument_id = next(i["id"] for i in instruments if i["code"] == INSTRUMENT)
        observation_id = str(uuid.uuid4())
        draft = {
            "instrument_id": instrument_id,
            "network_id": network_id,
            "school_id": school["id"],
            "teacher_id": teacher["id"],
            "level": "kinder",
            "observed_on": "2026-04-10",
            "wave": WAVE,
            "cycles": [{"number": n, "scores": dict(SCORES)} for n in range(1, 5)],
            "evidence": {"QF": "Pide a los niños explicar cómo llegaron a su respuesta."},
        }
        saved = client.put(f"/api/v1/observations/{observation_id}", json=draft, headers={**auth, "If-None-Match": "*"})
        expect(saved, 201)
        submit_headers = {**auth, "If-Match": saved.headers.get("etag", "*")}
        expect(client.post(f"/api/v1/observations/{observation_id}/submit", headers=submit_headers), 200)
        pdf = client.get(
            f"/api/v1/reports/observations/{observation_id}/feedback", params={"format": "pdf"}, headers=auth
        )
        expect(pdf, 200)
        if not pdf.content.startswith(b"%PDF"):
            raise SmokeError("the feedback is not a PDF")
        results = expect(
            client.get(f"/api/v1/reports/networks/{network_id}/results", params={"wave": WAVE}, headers=auth), 200
        )
        if results["network_results"]["n_classrooms"] is not None and results["network_results"]["n_classrooms"] < 1:
            raise SmokeError(f"the network results miss the submitted observation: {results['network_results']}")
        results_pdf_job(client, auth, network_id)
    return {"network_id": network_id, "observation_id": observation_id}


def reports_answer(base_url: str, email: str, password: str, network_id: str) -> None:
    """The network's results through ``base_url`` (a reports request, whichever instance serves it)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        auth = login(client, email, password)
        for _ in range(4):  # every instance of a round-robin pool of two, twice
            expect(
                client.get(f"/api/v1/reports/networks/{network_id}/results", params={"wave": WAVE}, headers=auth), 200
            )


def results_pdf_job(client: httpx.Client, auth: dict[str, str], network_id: str) -> None:
    """The results PDF as a background job: the worker takes it, the file downloads (issue 12, point 2)."""
    job = expect(
        client.post(
            f"/api/v1/reports/networks/{network_id}/results/jobs",
            json={"wave": WAVE, "format": "pdf"},
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        ),
        202,
    )
    deadline = time.monotonic() + JOB_SECONDS
    while job["state"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise SmokeError(f"the job worker did not finish the results PDF in {JOB_SECONDS:.0f} s: {job}")
        time.sleep(0.5)
        job = expect(client.get(f"/api/v1/reports/jobs/{job['id']}", headers=auth), 200)
    if job["state"] != "done":
        raise SmokeError(f"the results PDF job ended {job['state']}: {job.get('error')}")
    pdf = expect(client.get(job["file_url"], headers=auth), 200)
    if not pdf.startswith(b"%PDF"):
        raise SmokeError("the results job's file is not a PDF")
