"""Directory API: schools, people (RUN), roster import, authorisation."""

import uuid
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.auth import issue_service_token
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, auth_header, make_principal, make_token

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
AROMOS = "36110edf-0411-5139-acde-e69a973b3d36"
TEACHER_ID = "61354fe3-417e-5c93-87df-20e4ad859d39"


def test_schools_paginate_and_filter(client: TestClient, bearer: Any) -> None:
    headers = bearer("educadora@demo.cl")
    page = client.get(f"{NET}/schools?limit=4", headers=headers).json()
    assert page["total"] == 6 and len(page["items"]) == 4
    assert {"id", "network_id", "rbd", "name", "commune", "region", "levels"} <= set(page["items"][0])
    assert client.get(f"{NET}/schools?offset=4", headers=headers).json()["items"][1:] != []
    macul = client.get(f"{NET}/schools?commune=macul", headers=headers).json()
    assert macul["total"] == 2
    assert client.get(f"{NET}/schools?q=aromos", headers=headers).json()["items"][0]["rbd"] == 9102


def test_coordinator_creates_edits_and_deletes_a_school(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    body = {"rbd": 10203, "name": "Escuela Los Aromos Norte", "commune": "La Granja", "levels": ["kinder", "1° básico"]}
    created = client.post(f"{NET}/schools", json=body, headers=headers)
    assert created.status_code == 201, created.text
    school = created.json()
    assert school["levels"] == ["kinder", "1basico"]
    dup = client.post(f"{NET}/schools", json=body, headers=headers)
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "rbd"
    url = f"/api/v1/schools/{school['id']}"
    assert client.get(url, headers=headers).headers["ETag"] == created.headers["ETag"] == '"1"'
    patched = client.patch(url, json={"name": "Escuela Aromos Norte"}, headers={**headers, "If-Match": '"1"'})
    assert patched.json()["name"] == "Escuela Aromos Norte" and patched.headers["ETag"] == '"2"'
    assert client.delete(url, headers={**headers, "If-Match": '"1"'}).status_code == 412
    assert client.delete(url, headers=headers).status_code == 428
    assert client.delete(url, headers={**headers, "If-Match": '"2"'}).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    in_use = client.delete(f"/api/v1/schools/{AROMOS}", headers={**headers, "If-Match": "*"})
    assert in_use.status_code == 409 and in_use.json()["code"] == "school_in_use"


def test_school_validation_in_spanish(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    bad = client.post(f"{NET}/schools", json={"rbd": -3, "name": "", "levels": ["cuarto medio"]}, headers=headers)
    assert bad.status_code == 422
    fields = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert set(fields) == {"rbd", "name", "levels"}
    assert "positivo" in fields["rbd"]


def test_client_chosen_id_makes_create_idempotent(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    body = {"id": str(uuid.uuid4()), "rbd": 20001, "name": "Escuela Nueva"}
    assert client.post(f"{NET}/schools", json=body, headers=headers).status_code == 201
    again = client.post(f"{NET}/schools", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert client.get(f"{NET}/schools", headers=headers).json()["total"] == 7


def test_run_check_digit_valid_invalid_and_k(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    ok = client.post(
        f"{NET}/people", json={"run": "12.345.678-5", "name": "Ana Pérez", "role": "docente"}, headers=headers
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["run"] == "12345678-5" and ok.json()["role"] == "teacher"
    with_k = client.post(
        f"{NET}/people", json={"run": "10.000.013-k", "name": "Berta K", "role": "teacher"}, headers=headers
    )
    assert with_k.status_code == 201, with_k.text
    assert with_k.json()["run"] == "10000013-K"
    wrong = client.post(f"{NET}/people", json={"run": "12.345.678-9", "name": "X", "role": "teacher"}, headers=headers)
    assert wrong.status_code == 422
    [error] = wrong.json()["errors"]
    assert error["field"] == "run" and "dígito verificador debería ser 5" in error["message"]
    same = client.post(f"{NET}/people", json={"run": "12345678-5", "name": "Otra", "role": "teacher"}, headers=headers)
    assert same.status_code == 409 and same.json()["code"] == "run_taken"


def test_people_filters_and_run_privacy(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    page = client.get(f"{NET}/people?role=teacher&school_id={AROMOS}", headers=teacher).json()
    assert page["total"] == 3
    runs = {p["id"]: p["run"] for p in page["items"]}
    assert runs[TEACHER_ID] == "13679413-2"  # her own
    assert sum(1 for r in runs.values() if r is None) == 2  # colleagues' RUNs hidden
    coordinator = bearer("coordinacion@demo.cl")
    assert all(p["run"] for p in client.get(f"{NET}/people", headers=coordinator).json()["items"])
    person = client.get(f"/api/v1/people/{TEACHER_ID}", headers=coordinator).json()
    assert set(person) == {"id", "network_id", "run", "name", "email", "role", "school_id", "levels", "version"}


def test_only_coordinators_manage_the_directory(client: TestClient, bearer: Any) -> None:
    body = {"rbd": 30001, "name": "Escuela"}
    for email in ("facilitacion@demo.cl", "direccion@demo.cl", "educadora@demo.cl"):
        response = client.post(f"{NET}/schools", json=body, headers=bearer(email))
        assert response.status_code == 403, email
    response = client.patch(f"/api/v1/people/{TEACHER_ID}", json={"name": "X"}, headers=bearer("direccion@demo.cl"))
    assert response.status_code == 403


def test_other_network_gets_404_and_services_read(client: TestClient, bearer: Any) -> None:
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(f"{NET}/schools", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/schools/{AROMOS}", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/people/{TEACHER_ID}", headers=outsider).status_code == 404
    assert client.post(f"{NET}/schools", json={"rbd": 1, "name": "x"}, headers=outsider).status_code == 404
    service = auth_header(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"))
    assert client.get(f"/api/v1/schools/{AROMOS}", headers=service).json()["rbd"] == 9102
    assert client.get(f"/api/v1/people/{TEACHER_ID}", headers=service).json()["run"] == "13679413-2"
    assert client.get(f"{NET}/people?role=coach", headers=service).json()["total"] == 2
    assert client.post(f"{NET}/schools", json={"rbd": 1, "name": "x"}, headers=service).status_code == 403


ROSTER = (
    "RBD;Establecimiento;Comuna;RUN;Nombre;Email;Rol;Niveles\n"
    "9102;Escuela Básica Los Aromos;La Granja;13.679.413-2;Javiera Morales Silva;educadora@demo.cl;educadora;NT2\n"
    "9300;Escuela Nueva Esperanza;La Pintana;12.345.678-5;Ana Pérez Soto;ana@nueva.cl;Docente;1° básico|2° básico\n"
    "9300;Escuela Nueva Esperanza;La Pintana;10.000.013-K;Berta Díaz;;directora;\n"
)


def test_roster_dry_run_then_import_upserts(client: TestClient, bearer: Any) -> None:
    headers = {**bearer("coordinacion@demo.cl"), "Content-Type": "text/csv"}
    dry = client.post(f"{NET}/roster:import?dry_run=true", content=ROSTER.encode(), headers=headers)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["dry_run"] is True
    assert report["schools"] == {"created": 1, "updated": 0, "unchanged": 1}
    assert report["people"] == {"created": 2, "updated": 0, "unchanged": 1}
    assert client.get(f"{NET}/schools", headers=headers).json()["total"] == 6  # nothing written
    done = client.post(f"{NET}/roster:import", content=ROSTER.encode("latin-1"), headers=headers)
    assert done.status_code == 200 and done.json()["encoding"] in ("cp1252", "latin-1")
    assert client.get(f"{NET}/schools", headers=headers).json()["total"] == 7
    leaders = client.get(f"{NET}/people?role=leader", headers=headers).json()
    assert "Berta Díaz" in {p["name"] for p in leaders["items"]}
    again = client.post(f"{NET}/roster:import", content=ROSTER.encode(), headers=headers).json()
    assert again["people"]["created"] == 0 and again["schools"]["created"] == 0


def test_roster_multipart_and_update(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    csv_text = (
        "rbd,establecimiento,run,nombre,rol\n9102,Escuela Básica Los Aromos,13679413-2,Javiera Morales S.,teacher\n"
    )
    response = client.post(
        f"{NET}/roster:import", files={"file": ("nomina.csv", csv_text, "text/csv")}, headers=headers
    )
    assert response.status_code == 200, response.text
    [change] = response.json()["changes"]
    assert change["action"] == "updated" and change["fields"] == ["name"]


def test_roster_rejects_whole_file_with_every_error(client: TestClient, bearer: Any) -> None:
    headers = {**bearer("coordinacion@demo.cl"), "Content-Type": "text/csv"}
    bad = (
        "rbd;establecimiento;run;nombre;rol\n"
        "9300;Escuela Nueva;12.345.678-5;Ana;docente\n"
        "abc;Escuela Nueva;12.345.678-9;Berta;astronauta\n"
    )
    response = client.post(f"{NET}/roster:import", content=bad.encode(), headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "roster_invalid"
    located = {(e["line"], e["column"]) for e in body["errors"]}
    assert located == {(3, "rbd"), (3, "run"), (3, "rol")}
    assert client.get(f"{NET}/schools", headers=headers).json()["total"] == 6  # the valid line was not written
    missing = client.post(f"{NET}/roster:import", files={"other": ("x", "y")}, headers=bearer("coordinacion@demo.cl"))
    assert missing.status_code == 422
    teacher = {**bearer("educadora@demo.cl"), "Content-Type": "text/csv"}
    assert client.post(f"{NET}/roster:import", content=ROSTER.encode(), headers=teacher).status_code == 403
