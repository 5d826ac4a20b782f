"""Export (long format, CSV/JSON) and all-or-nothing import with dry run and every row error listed."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
COORDINATOR = "coordinacion@demo.cl"
NETWORK = {"network_id": str(DEMO_NETWORK_ID)}


def submitted(client: TestClient, headers: Headers, body: dict[str, Any]) -> str:
    oid = str(uuid.uuid4())
    created = client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
    assert created.status_code == 201
    tag = {"If-Match": created.headers["etag"]}
    assert client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), **tag}).status_code == 200
    return oid


def export_csv(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, str]]:
    response = client.get("/api/v1/observations:export", params={**NETWORK, **params}, headers=headers(COORDINATOR))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def as_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def post_import(client: TestClient, headers: Headers, text: str, dry_run: bool = False, who: str = COORDINATOR) -> Any:
    return client.post(
        "/api/v1/observations:import",
        params={**NETWORK, "dry_run": dry_run},
        content=text.encode("utf-8"),
        headers={**headers(who), "Content-Type": "text/csv"},
    )


def test_export_is_one_row_per_observation_dimension_and_cycle(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = submitted(client, headers, draft())
    client.put(f"/api/v1/observations/{uuid.uuid4()}", json=draft(n_cycles=1), headers=headers(COACH))  # a draft
    rows = export_csv(client, headers)
    assert len(rows) == 4 * 10
    assert list(rows[0]) == [
        "observation_id",
        "network_id",
        "school_id",
        "teacher_id",
        "observer_id",
        "instrument_code",
        "instrument_version",
        "level",
        "observed_on",
        "wave",
        "mode",
        "status",
        "double_codes_id",
        "cycle_number",
        "cycle_started_at",
        "cycle_duration_minutes",
        "cycle_notes",
        "domain_code",
        "dimension_code",
        "score",
        "evidence",
    ]
    first = rows[0]
    assert (first["observation_id"], first["cycle_number"], first["domain_code"], first["dimension_code"]) == (
        oid,
        "1",
        "ES",
        "PC",
    )
    assert (first["score"], first["evidence"], first["instrument_code"]) == (
        "5",
        "La educadora saluda a cada niño por su nombre.",
        "class-prek-k3",
    )
    assert len(export_csv(client, headers, include_drafts=True)) == 50
    assert export_csv(client, headers, wave="2024-2") == []
    as_json = client.get(
        "/api/v1/observations:export", params={**NETWORK, "format": "json"}, headers=headers(COORDINATOR)
    )
    assert len(as_json.json()) == 40
    assert as_json.json()[0]["score"] == 5
    for who, status in ((COACH, 403), ("educadora@demo.cl", 403), ("outsider", 404), ("service", 200)):
        response = client.get("/api/v1/observations:export", params=NETWORK, headers=headers(who))
        assert response.status_code == status, who


def test_import_round_trip_dry_run_and_reimport(client: TestClient, headers: Headers, draft: Any) -> None:
    original = submitted(client, headers, draft())
    rows = export_csv(client, headers)
    new_id = str(uuid.uuid4())
    copy = [{**r, "observation_id": new_id, "wave": "2024-2"} for r in rows]
    dry = post_import(client, headers, as_csv(copy), dry_run=True)
    assert dry.status_code == 200, dry.text
    assert dry.json() == {
        "dry_run": True,
        "rows": 40,
        "observations": 1,
        "created": 1,
        "unchanged": 0,
        "observation_ids": [new_id],
    }
    assert client.get(f"/api/v1/observations/{new_id}", headers=headers(COORDINATOR)).status_code == 404
    done = post_import(client, headers, as_csv(copy + rows))
    assert done.status_code == 200, done.text
    assert (done.json()["created"], done.json()["unchanged"]) == (1, 1)
    imported = client.get(f"/api/v1/observations/{new_id}", headers=headers(COORDINATOR)).json()
    stored = client.get(f"/api/v1/observations/{original}", headers=headers(COORDINATOR)).json()
    assert imported["status"] == "submitted"
    assert imported["cycles"] == stored["cycles"]
    assert imported["evidence"] == stored["evidence"]
    again = post_import(client, headers, as_csv(copy))
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 1)
    # semicolons and a BOM, as spreadsheets save them, are accepted
    semicolon = "\ufeff" + as_csv(copy).replace(",", ";")
    assert post_import(client, headers, semicolon, dry_run=True).json()["unchanged"] == 1


def test_import_rejections_list_every_row_and_store_nothing(client: TestClient, headers: Headers, draft: Any) -> None:
    submitted(client, headers, draft())
    rows = export_csv(client, headers)
    bad = [{**r, "observation_id": "a1111111-1111-4111-8111-111111111111"} for r in rows]
    bad[0]["score"] = "8"  # row 1: off the scale
    bad[1]["score"] = "4.5"  # row 2: not an integer
    bad[2]["wave"] = "2024-9"  # row 3: differs from row 1 of the same observation
    bad[3]["dimension_code"] = "PC"  # row 4: repeats PC of cycle 1 (and leaves RSP of cycle 1 missing)
    bad[10]["observed_on"] = "2024-02-30"  # row 11: not a date
    other = [
        {**r, "observation_id": "b2222222-2222-4222-8222-222222222222", "school_id": str(uuid.uuid4())}
        for r in rows[:10]
    ]  # one cycle only, unknown school
    third = [
        {**r, "observation_id": "c3333333-3333-4333-8333-333333333333", "instrument_code": "no-existe"}
        for r in rows[:10]
    ]
    response = post_import(client, headers, as_csv(bad + other + third))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "import_rejected"
    found = {(e["row"], e["field"]) for e in problem["errors"]}
    assert {
        (1, "score"),
        (2, "score"),
        (3, "wave"),
        (4, "dimension_code"),
        (11, "observed_on"),
        (41, "cycle_number"),  # too few cycles for a submitted observation
        (41, "school_id"),
        (51, "instrument_code"),
    } <= found
    messages: dict[tuple[int, str], list[str]] = {}
    for e in problem["errors"]:
        messages.setdefault((e["row"], e["field"]), []).append(e["message"])
    assert "El puntaje 8 de PC en el ciclo 1 está fuera de la escala 1–7" in messages[(1, "score")]
    assert "Falta el puntaje de RSP en el ciclo 1" in messages[(1, "score")]
    assert messages[(2, "score")] == ["Debe ser un número entero."]
    assert messages[(41, "school_id")] == ["El establecimiento no existe en esta red."]
    assert problem["detail"] == f"La importación tiene {len(problem['errors'])} error(es); no se guardó nada."
    listed = client.get("/api/v1/observations", headers=headers(COORDINATOR)).json()
    assert listed["total"] == 1  # nothing was stored


def test_import_refuses_bad_files_and_other_roles(client: TestClient, headers: Headers) -> None:
    assert post_import(client, headers, "").status_code == 422
    missing = post_import(client, headers, "observation_id,score\n1,2\n")
    assert missing.status_code == 422
    assert "Faltan columnas" in missing.json()["detail"]
    response = client.post(
        "/api/v1/observations:import",
        params=NETWORK,
        content=b"{no es json",
        headers={**headers(COORDINATOR), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert post_import(client, headers, "a,b\n1,2\n", who=COACH).status_code == 403
    assert post_import(client, headers, "a,b\n1,2\n", who="outsider").status_code == 404


def test_import_with_cycles_down_is_503_and_stores_nothing(
    client: TestClient,
    app_factory: Callable[..., FastAPI],
    closed_port_url: str,
    headers: Headers,
    draft: Any,
) -> None:
    submitted(client, headers, draft())
    rows = [{**r, "observation_id": str(uuid.uuid4())} for r in export_csv(client, headers)]
    app = app_factory(closed_port_url)
    with TestClient(app) as down:
        response = post_import(down, headers, as_csv(rows))
        assert response.status_code == 503
        assert response.json()["service"] == "cycles"
    app.state.engine.dispose()
    assert client.get("/api/v1/observations", headers=headers(COORDINATOR)).json()["total"] == 1
