"""Observations API: idempotent PUT, cycles checks (422/503), submit gaps, immutability, amendments, privacy."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
COACH2 = "acompanante2@demo.cl"
TEACHER = "educadora@demo.cl"


def put(
    client: TestClient,
    headers: Headers,
    body: dict[str, Any],
    who: str = COACH,
    *,
    oid: str | None = None,
    if_match: str | None = None,
) -> Any:
    oid = oid or str(uuid.uuid4())
    conditions = {"If-Match": if_match} if if_match else {}
    return client.put(f"/api/v1/observations/{oid}", json=body, headers={**headers(who), **conditions})


def etag(client: TestClient, headers: Headers, oid: str, who: str = COACH) -> str:
    response = client.get(f"/api/v1/observations/{oid}", headers=headers(who))
    assert response.status_code == 200, response.text
    tag: str = response.headers["etag"]
    assert tag == f'"{response.json()["revision"]}"'
    return tag


def submit(client: TestClient, headers: Headers, oid: str, who: str = COACH) -> Any:
    return client.post(
        f"/api/v1/observations/{oid}/submit", headers={**headers(who), "If-Match": etag(client, headers, oid)}
    )


def amend(client: TestClient, headers: Headers, oid: str, payload: dict[str, Any], who: str = COACH) -> Any:
    tag = {"If-Match": etag(client, headers, oid)}
    return client.post(f"/api/v1/observations/{oid}/amendments", json=payload, headers={**headers(who), **tag})


def test_put_creates_then_replaces_idempotently(client: TestClient, headers: Headers, draft: Any, person: Any) -> None:
    oid = str(uuid.uuid4())
    body = draft(n_cycles=2)
    first = put(client, headers, body, oid=oid)
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"/api/v1/observations/{oid}"
    assert first.headers["etag"] == '"1"'
    created = first.json()
    assert created["status"] == "draft"
    assert created["observer_id"] == person(COACH)["id"]  # defaults to the caller's person
    assert created["instrument_code"] == "class-prek-k3"
    again = put(client, headers, body, oid=oid)
    assert again.status_code == 200
    assert again.json()["revision"] == created["revision"]  # a retry changes nothing
    body["cycles"].append({"number": 3, "scores": {"PC": 6}, "notes": "tercer ciclo"})
    missing = put(client, headers, body, oid=oid)
    assert (missing.status_code, missing.json()["code"]) == (428, "precondition_required")
    assert missing.headers["etag"] == '"1"'
    create_only = client.put(f"/api/v1/observations/{oid}", json=body, headers={**headers(COACH), "If-None-Match": "*"})
    assert (create_only.status_code, create_only.json()["code"]) == (412, "already_exists")
    third = put(client, headers, body, oid=oid, if_match=first.headers["etag"])
    assert third.status_code == 200
    assert len(third.json()["cycles"]) == 3
    assert third.json()["revision"] == created["revision"] + 1
    assert third.headers["etag"] == '"2"'
    # the tablet lost that answer and resends it with the ETag it had: the same content is a replay, 200
    replay = put(client, headers, body, oid=oid, if_match=first.headers["etag"])
    assert (replay.status_code, replay.json()["revision"]) == (200, 2)
    # another change with the old ETag is refused and saves nothing
    body["cycles"][2]["scores"]["PC"] = 3
    stale = put(client, headers, body, oid=oid, if_match=first.headers["etag"])
    assert (stale.status_code, stale.json()["code"], stale.json()["current_version"]) == (412, "precondition_failed", 2)
    assert client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).json()["cycles"][2]["scores"]["PC"] == 6
    listed = client.get("/api/v1/observations", params={"network_id": str(DEMO_NETWORK_ID)}, headers=headers(COACH))
    assert listed.json()["total"] == 1


def test_draft_refuses_scores_off_the_scale_and_unknown_dimensions(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    body = draft(n_cycles=1)
    body["cycles"][0]["scores"].update({"PC": 8, "XX": 3})
    body["evidence"] = {"ZZ": "no existe"}
    response = put(client, headers, body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"cycles[0].scores.PC", "cycles[0].scores.XX"}
    body = draft(n_cycles=1)
    body["cycles"][0]["scores"]["PC"] = 4.5
    response = put(client, headers, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cycles[0].scores.PC"
    body = draft(n_cycles=1, evidence={"ZZ": "no existe"})
    response = put(client, headers, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "evidence.ZZ", "message": "ZZ no es una dimensión de class-prek-k3."}
    ]


def test_unknown_school_and_teacher_are_422_naming_the_field(
    client: TestClient, headers: Headers, draft: Any, person: Any
) -> None:
    response = put(client, headers, draft(school_id=str(uuid.uuid4())))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_reference"
    fields = [e["field"] for e in response.json()["errors"]]
    # the teacher is real but belongs to another school than the (unknown) one named
    assert fields == ["school_id", "teacher_id"]
    response = put(client, headers, draft(teacher_id=str(uuid.uuid4())))
    assert [e["field"] for e in response.json()["errors"]] == ["teacher_id"]
    other_school_teacher = person("educadora05@demo.cl")
    response = put(client, headers, draft(teacher_id=other_school_teacher["id"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "La persona observada no pertenece a ese establecimiento."
    listed = client.get("/api/v1/observations", headers=headers("coordinacion@demo.cl"))
    assert listed.json()["total"] == 0


def test_cycles_down_is_503_naming_it_and_nothing_is_stored(
    app_factory: Callable[..., FastAPI], closed_port_url: str, headers: Headers, draft: Any
) -> None:
    app = app_factory(closed_port_url)
    with TestClient(app) as client:
        oid = str(uuid.uuid4())
        response = put(client, headers, draft(), oid=oid)
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["service"] == "cycles"
        assert "ciclos" in response.json()["detail"]
        assert client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).status_code == 404
        assert client.get("/api/v1/observations", headers=headers("coordinacion@demo.cl")).json()["total"] == 0
    app.state.engine.dispose()


def test_submit_lists_every_gap_then_submits_and_becomes_immutable(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = str(uuid.uuid4())
    body = draft(n_cycles=3)
    del body["cycles"][1]["scores"]["QF"]
    body["cycles"][2]["scores"]["LM"] = None
    assert put(client, headers, body, oid=oid).status_code == 201
    assert client.post(f"/api/v1/observations/{oid}/submit", headers=headers(COACH)).status_code == 428
    response = submit(client, headers, oid)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "observation_incomplete"
    assert [(e["field"], e["message"]) for e in problem["errors"]] == [
        ("cycles", "Se requieren al menos 4 ciclos; hay 3"),
        ("cycles[1].scores.QF", "Falta el puntaje de QF en el ciclo 2"),
        ("cycles[2].scores.LM", "Falta el puntaje de LM en el ciclo 3"),
    ]
    assert client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).json()["status"] == "draft"

    complete = draft(n_cycles=4)
    draft_tag = etag(client, headers, oid)
    assert put(client, headers, complete, oid=oid, if_match=draft_tag).status_code == 200
    saved_tag = etag(client, headers, oid)
    submitted = client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), "If-Match": saved_tag})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"]
    assert submitted.headers["etag"] != saved_tag
    # submitting again with the current ETag is a no-op; with the one before, a 412 that says it is submitted
    assert submit(client, headers, oid).status_code == 200
    lost = client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), "If-Match": saved_tag})
    assert (lost.status_code, lost.json()["status"]) == (412, "submitted")
    # resending the same content is a harmless retry, whatever its If-Match
    assert put(client, headers, complete, oid=oid).status_code == 200
    assert put(client, headers, complete, oid=oid, if_match=draft_tag).status_code == 200
    changed = draft(n_cycles=4)
    changed["cycles"][0]["scores"]["PC"] = 7
    response = put(client, headers, changed, oid=oid, if_match=etag(client, headers, oid))
    assert response.status_code == 409
    assert response.json()["code"] == "observation_submitted"
    stored = client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).json()
    assert stored["cycles"][0]["scores"]["PC"] == 5


def test_amendment_corrects_with_reason_and_keeps_the_original(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    oid = str(uuid.uuid4())
    body = draft()
    put(client, headers, body, oid=oid)
    # a draft is not amended
    early = amend(client, headers, oid, {"reason": "Corrección", "mode": "video"})
    assert early.status_code == 409
    assert submit(client, headers, oid).status_code == 200
    cycles = body["cycles"]
    cycles[0]["scores"]["PC"] = 6
    amendment_id = str(uuid.uuid4())
    payload = {"id": amendment_id, "reason": "Error de digitación en PC del ciclo 1", "cycles": cycles}
    url = f"/api/v1/observations/{oid}/amendments"
    assert client.post(url, json=payload, headers=headers(COACH)).status_code == 428
    submitted_tag = etag(client, headers, oid)
    response = client.post(url, json=payload, headers={**headers(COACH), "If-Match": submitted_tag})
    assert response.status_code == 201, response.text
    amendment = response.json()
    assert amendment["number"] == 1
    assert amendment["changed_fields"] == ["cycles"]
    assert amendment["before"]["cycles"][0]["scores"]["PC"] == 5
    assert amendment["after"]["cycles"][0]["scores"]["PC"] == 6
    # a retry (same id) whose answer was lost: the same amendment, whatever its If-Match
    retry = client.post(url, json=payload, headers={**headers(COACH), "If-Match": submitted_tag})
    assert retry.status_code == 200
    assert retry.json()["id"] == amendment_id
    other_change = {"reason": "Cambio de modalidad", "mode": "video"}
    stale = client.post(url, json=other_change, headers={**headers(COACH), "If-Match": submitted_tag})
    assert stale.status_code == 412
    current = client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).json()
    assert current["cycles"][0]["scores"]["PC"] == 6
    assert current["amendment_count"] == 1
    history = client.get(f"/api/v1/observations/{oid}/amendments", headers=headers(COACH)).json()
    assert [a["reason"] for a in history] == ["Error de digitación en PC del ciclo 1"]
    # a correction must leave the observation complete, and must change something
    incomplete = amend(client, headers, oid, {"reason": "Quitar ciclos", "cycles": cycles[:2]})
    assert incomplete.status_code == 422
    assert incomplete.json()["errors"][0]["field"] == "cycles"
    nothing = amend(client, headers, oid, {"reason": "Nada nuevo", "mode": "live"})
    assert nothing.status_code == 422
    # another coach cannot amend; the teacher can read but not amend
    other = amend(client, headers, oid, {"reason": "Cambio", "mode": "video"}, who=COACH2)
    assert other.status_code == 404
    teacher = amend(client, headers, oid, {"reason": "Cambio", "mode": "video"}, who=TEACHER)
    assert teacher.status_code == 403


def test_privacy_across_roles(client: TestClient, headers: Headers, draft: Any) -> None:
    oid = str(uuid.uuid4())
    put(client, headers, draft(), oid=oid)

    def status(who: str) -> int:
        return client.get(f"/api/v1/observations/{oid}", headers=headers(who)).status_code

    # a draft: the observer and the coordinators only
    assert status(COACH) == 200
    assert status("coordinacion@demo.cl") == 200
    assert status(TEACHER) == 404
    assert submit(client, headers, oid).status_code == 200
    readers = {COACH, "coordinacion@demo.cl", TEACHER, "service"}
    others = {COACH2, "facilitacion@demo.cl", "direccion@demo.cl", "educadora02@demo.cl", "outsider"}
    for who in readers:
        assert status(who) == 200, who
        assert client.get(f"/api/v1/observations/{oid}/scores", headers=headers(who)).status_code == 200, who
    for who in others:
        assert status(who) == 404, who
        assert client.get(f"/api/v1/observations/{oid}/scores", headers=headers(who)).status_code == 404, who
        listed = client.get("/api/v1/observations", headers=headers(who))
        assert listed.json()["total"] == 0, who
    assert client.get(f"/api/v1/observations/{oid}").status_code == 401
    # teachers and leaders do not record observations; outsiders do not see the network
    assert put(client, headers, draft(), who=TEACHER).status_code == 403
    assert put(client, headers, draft(), who="direccion@demo.cl").status_code == 403
    assert put(client, headers, draft(), who="outsider").status_code == 404
    # a coach records in their own name only
    response = put(client, headers, draft(observer_id=str(uuid.uuid4())))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "observer_id"


def test_list_filters(client: TestClient, headers: Headers, draft: Any, person: Any) -> None:
    first = put(client, headers, draft(wave="2024-1", observed_on="2024-05-20")).json()
    second = put(client, headers, draft(wave="2024-2", observed_on="2024-08-20")).json()
    teacher2 = person("educadora05@demo.cl")
    third = put(client, headers, draft(teacher="educadora05@demo.cl", wave="2024-2")).json()
    assert submit(client, headers, second["id"]).status_code == 200
    coordinator = headers("coordinacion@demo.cl")

    def ids(**params: Any) -> list[str]:
        response = client.get("/api/v1/observations", params=params, headers=coordinator)
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["items"])

    assert ids() == sorted([first["id"], second["id"], third["id"]])
    assert ids(wave="2024-2") == sorted([second["id"], third["id"]])
    assert ids(status="submitted") == [second["id"]]
    assert ids(teacher_id=teacher2["id"]) == [third["id"]]
    assert ids(observed_from="2024-08-01", observed_to="2024-08-31") == [second["id"]]
    assert ids(school_id=teacher2["school_id"]) == [third["id"]]
    page = client.get("/api/v1/observations", params={"limit": 2}, headers=coordinator).json()
    assert (page["total"], len(page["items"]), page["limit"]) == (3, 2, 2)
    # the teacher sees only her submitted observation
    mine = client.get("/api/v1/observations", headers=headers(TEACHER)).json()
    assert [i["id"] for i in mine["items"]] == [second["id"]]
    unknown = client.get("/api/v1/observations", params={"status": "closed"}, headers=coordinator)
    assert unknown.status_code == 422


def test_double_coding_must_name_an_observation_of_the_same_session(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    original = put(client, headers, draft()).json()
    second = put(client, headers, draft(double_codes_id=original["id"]), who=COACH2)
    assert second.status_code == 201, second.text
    same_observer = put(client, headers, draft(double_codes_id=original["id"]))
    assert same_observer.status_code == 422
    assert same_observer.json()["errors"][0]["field"] == "double_codes_id"
    other_teacher = put(client, headers, draft(teacher="educadora02@demo.cl", double_codes_id=original["id"]), COACH2)
    assert other_teacher.status_code == 422
    missing = put(client, headers, draft(double_codes_id=str(uuid.uuid4())), who=COACH2)
    assert missing.status_code == 422
