"""PHEA cycles API: stages and what each needs, reopening, ramps, optimistic concurrency, authorisation."""

import uuid
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.auth import issue_service_token
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, auth_header, make_principal, make_token

NET = str(DEMO_NETWORK_ID)
AROMOS = "36110edf-0411-5139-acde-e69a973b3d36"
NERUDA = "0dde0b3d-df14-54b7-a601-98df18fcd9d1"
TEACHER_ID = "61354fe3-417e-5c93-87df-20e4ad859d39"

PLAN = {
    "objective": "Aumentar las preguntas abiertas durante la lectura compartida",
    "questions": [{"text": "¿Cuántas preguntas abiertas hago por lectura?", "prediction": "Al menos 5"}],
    "plan_who": "Educadora de NT2 A",
    "plan_what": "Usar tarjetas con preguntas abiertas",
    "plan_when": "Semana del 6 de mayo",
    "plan_where": "Sala NT2 A",
    "plan_data_collection": "Conteo de preguntas en registro de la técnica",
}
DO = {
    "do_carried_out_on": "2024-05-08",
    "do_what_happened": "Se usaron las tarjetas en tres lecturas",
    "do_problems": "Ninguno relevante",
    "do_observations": "Los niños pidieron repetir la actividad",
}
STUDY = {
    "questions": [
        {
            "text": "¿Cuántas preguntas abiertas hago por lectura?",
            "prediction": "Al menos 5",
            "result": "Promedio de 6, por sobre la predicción",
        }
    ],
    "study_learning": "Las tarjetas ayudan a sostener la conversación",
}
ACT = {"act_decision": "adapt", "act_next_steps": "Probar con grupos pequeños"}


def create(client: TestClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/cycles", json={"network_id": NET, "title": "Preguntas abiertas", **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def patch(client: TestClient, headers: dict[str, str], cycle: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    response = client.patch(
        f"/api/v1/cycles/{cycle['id']}", json=body, headers={**headers, "If-Match": f'"{cycle["revision"]}"'}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def matching(headers: dict[str, str], cycle: dict[str, Any]) -> dict[str, str]:
    """``headers`` with the If-Match of the cycle as read."""
    return {**headers, "If-Match": f'"{cycle["revision"]}"'}


def advance(client: TestClient, headers: dict[str, str], cycle: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/cycles/{cycle['id']}/advance", headers=matching(headers, cycle))


def test_create_needs_only_title_and_defaults_to_caller(client: TestClient, bearer: Any) -> None:
    headers = bearer("educadora@demo.cl")
    cycle = create(client, headers)
    assert cycle["stage"] == "plan" and cycle["stage_label"] == "Planificar"
    assert cycle["owner_id"] == TEACHER_ID and cycle["school_id"] == AROMOS
    assert cycle["owner_name"] == "Javiera Morales Silva"
    prefilled = create(client, headers, objective="Mejorar el área prioritaria", school_id=None)
    assert prefilled["objective"] == "Mejorar el área prioritaria" and prefilled["school_id"] is None
    missing = client.post("/api/v1/cycles", json={"network_id": NET}, headers=headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "title"
    ident = str(uuid.uuid4())
    assert (
        client.post("/api/v1/cycles", json={"id": ident, "network_id": NET, "title": "x"}, headers=headers).status_code
        == 201
    )
    again = client.post("/api/v1/cycles", json={"id": ident, "network_id": NET, "title": "x"}, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == ident


def test_each_stage_lists_what_is_missing_and_cycle_goes_to_closed(client: TestClient, bearer: Any) -> None:
    headers = bearer("educadora@demo.cl")
    cycle = create(client, headers)
    response = advance(client, headers, cycle)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "stage_incomplete"
    assert {e["field"] for e in body["errors"]} == {
        "objective",
        "questions",
        "plan_who",
        "plan_what",
        "plan_when",
        "plan_where",
        "plan_data_collection",
    }
    cycle = patch(client, headers, cycle, {**PLAN, "questions": [{"text": "¿Funciona?"}]})
    fields = [e["field"] for e in advance(client, headers, cycle).json()["errors"]]
    assert fields == ["questions[0].prediction"]
    cycle = patch(client, headers, cycle, PLAN)
    cycle = advance(client, headers, cycle).json()
    assert cycle["stage"] == "do"

    fields = {e["field"] for e in advance(client, headers, cycle).json()["errors"]}
    assert fields == {"do_carried_out_on", "do_what_happened", "do_problems", "do_observations"}
    cycle = patch(client, headers, cycle, DO)
    cycle = advance(client, headers, cycle).json()
    assert cycle["stage"] == "study"

    fields = {e["field"] for e in advance(client, headers, cycle).json()["errors"]}
    assert fields == {"questions[0].result", "study_learning"}
    cycle = patch(client, headers, cycle, STUDY)
    cycle = advance(client, headers, cycle).json()
    assert cycle["stage"] == "act"

    errors = advance(client, headers, cycle).json()["errors"]
    assert {e["field"] for e in errors} == {"act_decision", "act_next_steps"}
    assert "adoptar, adaptar o abandonar" in errors[0]["message"]
    bad = client.patch(
        f"/api/v1/cycles/{cycle['id']}",
        json={"act_decision": "maybe"},
        headers={**headers, "If-Match": f'"{cycle["revision"]}"'},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "act_decision"
    cycle = patch(client, headers, cycle, ACT)
    cycle = advance(client, headers, cycle).json()
    assert cycle["stage"] == "closed"
    assert [h["to_stage"] for h in cycle["history"]] == ["do", "study", "act", "closed"]
    assert advance(client, headers, cycle).status_code == 422
    closed_edit = client.patch(
        f"/api/v1/cycles/{cycle['id']}", json={"title": "x"}, headers={**headers, "If-Match": f'"{cycle["revision"]}"'}
    )
    assert closed_edit.status_code == 409


def test_if_match_required_and_412_on_concurrent_edit(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    cycle = create(client, teacher)
    got = client.get(f"/api/v1/cycles/{cycle['id']}", headers=teacher)
    etag = got.headers["ETag"]
    assert etag == f'"{cycle["revision"]}"'
    no_header = client.patch(f"/api/v1/cycles/{cycle['id']}", json={"objective": "a"}, headers=teacher)
    assert no_header.status_code == 428 and no_header.json()["code"] == "precondition_required"
    # the leader of the same school saves first...
    leader = bearer("direccion@demo.cl")
    first = client.patch(
        f"/api/v1/cycles/{cycle['id']}", json={"objective": "del equipo"}, headers={**leader, "If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["ETag"] != etag
    # ...so the teacher's save with the old ETag is refused and nothing is overwritten
    stale = client.patch(
        f"/api/v1/cycles/{cycle['id']}", json={"objective": "mío"}, headers={**teacher, "If-Match": etag}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert client.get(f"/api/v1/cycles/{cycle['id']}", headers=teacher).json()["objective"] == "del equipo"


def test_reopen_keeps_history_and_only_owner_or_coordinator(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    cycle = patch(client, teacher, create(client, teacher), PLAN)
    cycle = advance(client, teacher, cycle).json()
    leader = bearer("direccion@demo.cl")
    url = f"/api/v1/cycles/{cycle['id']}/reopen"
    refused = client.post(url, json={"to_stage": "plan"}, headers=matching(leader, cycle))
    assert refused.status_code == 403
    wrong = client.post(url, json={"to_stage": "study"}, headers=matching(teacher, cycle))
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_reopen"
    missing = client.post(url, json={"to_stage": "plan"}, headers=teacher)
    assert missing.status_code == 428
    stale = client.post(url, json={"to_stage": "plan"}, headers={**teacher, "If-Match": '"1"'})
    assert stale.status_code == 412
    reopened = client.post(
        url, json={"to_stage": "plan", "reason": "Cambiar la pregunta"}, headers=matching(teacher, cycle)
    )
    assert reopened.status_code == 200
    body = reopened.json()
    assert body["stage"] == "plan"
    last = body["history"][-1]
    assert (last["kind"], last["from_stage"], last["to_stage"]) == ("reopen", "do", "plan")
    assert last["actor_name"] == "Javiera Morales Silva" and last["reason"] == "Cambiar la pregunta"
    coordinator = bearer("coordinacion@demo.cl")
    cycle = advance(client, teacher, body).json()
    assert client.post(url, json={"to_stage": "plan"}, headers=matching(coordinator, cycle)).status_code == 200


def test_next_cycle_and_ramp(client: TestClient, bearer: Any) -> None:
    headers = bearer("educadora@demo.cl")
    first = create(client, headers)
    early = client.post(f"/api/v1/cycles/{first['id']}/next", headers=matching(headers, first))
    assert early.status_code == 409
    first = patch(client, headers, first, {**PLAN, **DO, **STUDY})
    for _ in range(3):
        first = advance(client, headers, first).json()
    assert first["stage"] == "act"
    first = patch(client, headers, first, ACT)
    assert client.post(f"/api/v1/cycles/{first['id']}/next", headers=headers).status_code == 428
    second = client.post(f"/api/v1/cycles/{first['id']}/next", headers=matching(headers, first))
    assert second.status_code == 201
    second_body = second.json()
    assert second_body["previous_cycle_id"] == first["id"] and second_body["stage"] == "plan"
    assert second_body["title"] == "Preguntas abiertas (ciclo 2)"
    assert second_body["objective"] == ACT["act_next_steps"]
    # the first cycle's revision grew with its follower: the old ETag is stale, the current one finds the follower
    assert client.post(f"/api/v1/cycles/{first['id']}/next", headers=matching(headers, first)).status_code == 412
    first = client.get(f"/api/v1/cycles/{first['id']}", headers=headers).json()
    assert client.post(f"/api/v1/cycles/{first['id']}/next", headers=matching(headers, first)).status_code == 409
    second_body = patch(client, headers, second_body, {**PLAN, **DO, **STUDY})
    for _ in range(3):
        second_body = advance(client, headers, second_body).json()
    second_body = patch(client, headers, second_body, ACT)
    third = client.post(
        f"/api/v1/cycles/{second_body['id']}/next",
        json={"title": "Grupos pequeños"},
        headers=matching(headers, second_body),
    ).json()
    ramp = client.get(f"/api/v1/cycles/{second_body['id']}/ramp", headers=headers).json()
    assert [c["id"] for c in ramp["items"]] == [first["id"], second_body["id"], third["id"]]
    assert client.get(f"/api/v1/cycles/{first['id']}", headers=headers).json()["next_cycle_id"] == second_body["id"]


def test_list_filters_and_visibility(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    coordinator = bearer("coordinacion@demo.cl")
    mine = create(client, teacher)
    other_school = create(client, coordinator, school_id=NERUDA, title="Rutinas de saludo")
    network_wide = create(client, coordinator, school_id=None, title="Red completa")
    seen = {c["id"] for c in client.get(f"/api/v1/cycles?network_id={NET}", headers=teacher).json()["items"]}
    assert mine["id"] in seen and network_wide["id"] in seen and other_school["id"] not in seen
    assert client.get(f"/api/v1/cycles/{other_school['id']}", headers=teacher).status_code == 404
    teammate = bearer("educadora02@demo.cl")
    assert client.get(f"/api/v1/cycles/{mine['id']}", headers=teammate).status_code == 200
    team_edit = client.patch(
        f"/api/v1/cycles/{mine['id']}",
        json={"objective": "x"},
        headers={**teammate, "If-Match": f'"{mine["revision"]}"'},
    )
    assert team_edit.status_code == 403
    every = client.get(f"/api/v1/cycles?network_id={NET}&stage=plan&limit=2", headers=coordinator).json()
    assert every["total"] >= 3 and len(every["items"]) == 2
    by_school = client.get(f"/api/v1/cycles?network_id={NET}&school_id={NERUDA}", headers=coordinator).json()
    assert [c["id"] for c in by_school["items"] if c["id"] in (mine["id"], other_school["id"])] == [other_school["id"]]
    by_owner = client.get(f"/api/v1/cycles?owner_id={TEACHER_ID}", headers=coordinator).json()
    assert mine["id"] in {c["id"] for c in by_owner["items"]}
    item = by_owner["items"][0]
    assert {"stage", "act_decision", "school_id", "change_idea_id", "questions", "previous_cycle_id"} <= set(item)
    assert client.get("/api/v1/cycles?stage=nope", headers=coordinator).status_code == 422


def test_teacher_cannot_create_for_other_school_or_person(client: TestClient, bearer: Any) -> None:
    teacher = bearer("educadora@demo.cl")
    response = client.post(
        "/api/v1/cycles", json={"network_id": NET, "title": "x", "school_id": NERUDA}, headers=teacher
    )
    assert response.status_code == 403
    other = "c6c2978a-ae8d-5158-91f1-307ff3012660"
    response = client.post("/api/v1/cycles", json={"network_id": NET, "title": "x", "owner_id": other}, headers=teacher)
    assert response.status_code == 403


def test_other_networks_get_404_and_services_read(client: TestClient, bearer: Any) -> None:
    cycle = create(client, bearer("educadora@demo.cl"))
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(f"/api/v1/cycles/{cycle['id']}", headers=outsider).status_code == 404
    assert client.post(f"/api/v1/cycles/{cycle['id']}/advance", headers=matching(outsider, cycle)).status_code == 404
    assert client.get(f"/api/v1/cycles?network_id={NET}", headers=outsider).status_code == 404
    assert client.post("/api/v1/cycles", json={"network_id": NET, "title": "x"}, headers=outsider).status_code == 404
    assert client.get("/api/v1/cycles", headers=outsider).json()["total"] == 0
    service = auth_header(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"))
    assert client.get(f"/api/v1/cycles?network_id={NET}", headers=service).json()["total"] >= 1
    assert client.get(f"/api/v1/cycles/{cycle['id']}", headers=service).status_code == 200
    assert client.post(f"/api/v1/cycles/{cycle['id']}/advance", headers=matching(service, cycle)).status_code == 403


def test_a_nul_character_is_never_a_500(client: TestClient, bearer: Any, database_url: str) -> None:
    response = client.post(
        "/api/v1/cycles",
        json={"network_id": str(DEMO_NETWORK_ID), "title": "Ciclo \u0000 con nulo"},
        headers=bearer("coordinacion@demo.cl"),
    )
    if database_url.startswith("postgresql"):
        # PostgreSQL cannot store NUL in text: a clear 422, and nothing stored.
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_data"
    else:
        assert response.status_code == 201


def test_the_decision_waits_for_act(client: TestClient, bearer: Any) -> None:
    # Issue 15, point 7: adopt/adapt/abandon answers the study of the data, so it is refused before Act.
    headers = bearer("educadora@demo.cl")
    cycle = create(client, headers)
    early = client.patch(
        f"/api/v1/cycles/{cycle['id']}",
        json={"act_decision": "adopt"},
        headers={**headers, "If-Match": f'"{cycle["revision"]}"'},
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "act_decision"
    assert early.json()["code"] == "decision_before_act" and "Actuar" in early.json()["errors"][0]["message"]
    cycle = patch(client, headers, cycle, {**PLAN, "act_decision": None})
    cycle = patch(client, headers, cycle, {**DO, **STUDY})
    for _ in range(3):
        cycle = advance(client, headers, cycle).json()
    assert cycle["stage"] == "act"
    cycle = patch(client, headers, cycle, {"act_decision": "adopt"})
    assert cycle["act_decision"] == "adopt"
    reopened = client.post(
        f"/api/v1/cycles/{cycle['id']}/reopen", json={"to_stage": "study"}, headers=matching(headers, cycle)
    )
    assert reopened.status_code == 200, reopened.text
    # A reopened cycle keeps its decision and can be edited; a different decision waits for Act again.
    kept = patch(client, headers, reopened.json(), {"study_learning": "Revisado", "act_decision": "adopt"})
    assert kept["act_decision"] == "adopt"
    changed = client.patch(
        f"/api/v1/cycles/{cycle['id']}",
        json={"act_decision": "abandon"},
        headers={**headers, "If-Match": f'"{kept["revision"]}"'},
    )
    assert changed.status_code == 422
