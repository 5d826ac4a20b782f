"""Aims and driver diagrams: versions, draft editing, publish, diff, change idea tags."""

import uuid
from typing import Any

from fastapi.testclient import TestClient

from mejora_common.auth import issue_service_token
from mejora_common.testing import DEMO_NETWORK_ID, TEST_KEYS, auth_header, make_principal, make_token

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"


def node(client: TestClient, headers: dict[str, str], diagram_id: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/driver-diagrams/{diagram_id}/nodes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_aims_with_focus_domain(client: TestClient, bearer: Any) -> None:
    facilitator = bearer("facilitacion@demo.cl")
    body = {
        "statement": "Mejorar el apoyo pedagógico",
        "baseline": 2.1,
        "target_value": 3.5,
        "target_date": "2025-12-01",
        "focus_domain": "is",
    }
    created = client.post(f"{NET}/aims", json=body, headers=facilitator)
    assert created.status_code == 201, created.text
    assert created.json()["focus_domain"] == "IS"
    url = f"/api/v1/aims/{created.json()['id']}"
    assert client.patch(url, json={"target_value": 4}, headers=facilitator).status_code == 428
    patched = client.patch(url, json={"target_value": 4}, headers={**facilitator, "If-Match": created.headers["ETag"]})
    assert patched.json()["target_value"] == 4 and patched.json()["version"] == 2
    items = client.get(f"{NET}/aims", headers=bearer("educadora@demo.cl")).json()["items"]
    assert items[-1]["focus_domain"] == "IS"
    assert client.post(f"{NET}/aims", json=body, headers=bearer("educadora@demo.cl")).status_code == 403
    assert client.post(f"{NET}/aims", json={"statement": ""}, headers=facilitator).status_code == 422


def test_diagram_versions_editing_publish_and_diff(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    first = client.post(
        f"{NET}/driver-diagrams", json={"title": "Versión de prueba", "start": "empty"}, headers=headers
    )
    assert first.status_code == 201, first.text
    v1 = first.json()
    assert v1["status"] == "draft" and v1["tree"]["aim"] is None
    d = v1["id"]
    aim = node(client, headers, d, kind="aim", text="Mejorar interacciones")
    primary = node(client, headers, d, kind="primary", text="Apoyo pedagógico", parent_ids=[aim["id"]])
    sec_a = node(client, headers, d, kind="secondary", text="Preguntas abiertas", parent_ids=[primary["id"]])
    sec_b = node(client, headers, d, kind="secondary", text="Retroalimentación", parent_ids=[primary["id"]])
    idea = node(
        client,
        headers,
        d,
        kind="change_idea",
        text="Tarjetas de preguntas",
        tags=["QF", "CD"],
        parent_ids=[sec_a["id"], sec_b["id"]],
    )
    wrong = client.post(
        f"/api/v1/driver-diagrams/{d}/nodes",
        json={"kind": "change_idea", "text": "x", "parent_ids": [aim["id"]]},
        headers=headers,
    )
    assert wrong.status_code == 422 and "impulsor secundario" in wrong.json()["errors"][0]["message"]
    second_aim = client.post(
        f"/api/v1/driver-diagrams/{d}/nodes", json={"kind": "aim", "text": "otra"}, headers=headers
    )
    assert second_aim.status_code == 422
    tree = client.get(f"/api/v1/driver-diagrams/{d}", headers=headers).json()
    assert tree["tree"]["aim"]["children"][0]["text"] == "Apoyo pedagógico"
    [only_idea] = tree["change_ideas"]
    assert only_idea["tags"] == ["QF", "CD"] and len(only_idea["parent_ids"]) == 2
    assert client.post(f"{NET}/driver-diagrams", json={"title": "otra"}, headers=headers).status_code == 409
    assert client.post(f"/api/v1/driver-diagrams/{d}/publish", headers=headers).status_code == 428
    assert (
        client.post(f"/api/v1/driver-diagrams/{d}/publish", headers={**headers, "If-Match": '"1"'}).status_code == 412
    )
    current = client.get(f"/api/v1/driver-diagrams/{d}", headers=headers)
    assert current.json()["revision"] > 1  # each node added changed the draft
    published = client.post(
        f"/api/v1/driver-diagrams/{d}/publish", headers={**headers, "If-Match": current.headers["ETag"]}
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    frozen = client.patch(
        f"/api/v1/driver-diagram-nodes/{idea['id']}", json={"text": "x"}, headers={**headers, "If-Match": '"1"'}
    )
    assert frozen.status_code == 409 and frozen.json()["code"] == "diagram_published"

    v2 = client.post(f"{NET}/driver-diagrams", json={"title": "Segunda"}, headers=headers).json()
    assert v2["version"] == v1["version"] + 1 and v2["node_count"] == 5 and v2["based_on_id"] == d
    ideas = v2["change_ideas"]
    copied_idea = ideas[0]
    assert copied_idea["id"] != idea["id"] and copied_idea["key"] == idea["key"]
    copy_nodes = {n["text"]: n for n in _flat(v2["tree"]["aim"])}
    assert (
        client.patch(
            f"/api/v1/driver-diagram-nodes/{copied_idea['id']}",
            json={"text": "Tarjetas de preguntas abiertas", "parent_ids": [copy_nodes["Preguntas abiertas"]["id"]]},
            headers={**headers, "If-Match": f'"{copied_idea["version"]}"'},
        ).status_code
        == 200
    )
    assert (
        client.delete(
            f"/api/v1/driver-diagram-nodes/{copy_nodes['Retroalimentación']['id']}",
            headers={**headers, "If-Match": f'"{copy_nodes["Retroalimentación"]["version"]}"'},
        ).status_code
        == 204
    )
    node(
        client,
        headers,
        v2["id"],
        kind="change_idea",
        text="Rutina de bienvenida",
        tags=["CP"],
        parent_ids=[copy_nodes["Preguntas abiertas"]["id"]],
    )
    diff = client.get(f"/api/v1/driver-diagrams/{v2['id']}/diff?against={d}", headers=headers).json()
    assert [n["text"] for n in diff["added"]] == ["Rutina de bienvenida"]
    assert [n["text"] for n in diff["removed"]] == ["Retroalimentación"]
    [changed] = diff["changed"]
    assert changed["old_text"] == "Tarjetas de preguntas" and {c["field"] for c in changed["changes"]} == {
        "text",
        "parents",
    }
    listed = client.get(f"{NET}/driver-diagrams", headers=bearer("educadora@demo.cl")).json()
    assert listed["items"][0]["id"] == v2["id"]
    assert client.get(f"{NET}/driver-diagrams?status=published", headers=headers).json()["items"][0]["id"] == d


def _flat(tree_node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [tree_node]
    for child in tree_node["children"]:
        out += _flat(child)
    return out


def test_diagram_authorisation(client: TestClient, bearer: Any) -> None:
    headers = bearer("facilitacion@demo.cl")
    diagram = client.post(f"{NET}/driver-diagrams", json={"title": "x", "start": "empty"}, headers=headers).json()
    teacher = bearer("educadora@demo.cl")
    assert client.get(f"/api/v1/driver-diagrams/{diagram['id']}", headers=teacher).status_code == 200
    assert (
        client.post(
            f"/api/v1/driver-diagrams/{diagram['id']}/nodes", json={"kind": "aim", "text": "x"}, headers=teacher
        ).status_code
        == 403
    )
    outsider = auth_header(make_token(make_principal("coordinator", uuid.uuid4())))
    assert client.get(f"/api/v1/driver-diagrams/{diagram['id']}", headers=outsider).status_code == 404
    assert client.get(f"{NET}/driver-diagrams", headers=outsider).status_code == 404
    service = auth_header(issue_service_token("reports", TEST_KEYS.signer("reports"), audience="cycles"))
    assert client.get(f"/api/v1/driver-diagrams/{diagram['id']}", headers=service).status_code == 200
    empty_publish = client.post(
        f"/api/v1/driver-diagrams/{diagram['id']}/publish", headers={**headers, "If-Match": f'"{diagram["revision"]}"'}
    )
    assert empty_publish.status_code == 422
