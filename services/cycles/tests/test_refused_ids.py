"""A client-chosen id used elsewhere answers like any other refused id (issue 11, point 4).

An id that exists in another network must not be told apart from one refused in the caller's own network: the
same status, code and detail, byte for byte but the request id.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from cycles_service.models import DiagramNode, DriverDiagram, Measure, Network
from mejora_common.testing import DEMO_NETWORK_ID

NET = f"/api/v1/networks/{DEMO_NETWORK_ID}"
REFUSED = {"status": 409, "code": "id_unavailable", "detail": "Este identificador no está disponible."}


def other_network(client: TestClient) -> tuple[uuid.UUID, uuid.UUID]:
    """Another network holding a measure and a driver-diagram node: their ids."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        network = Network(name="Red de otro SLEP", slep="SLEP Otro")
        session.add(network)
        session.flush()
        measure = Measure(
            network_id=network.id,
            name="Asistencia",
            kind="outcome",
            value_type="proportion",
            direction="up",
            frequency="monthly",
        )
        diagram = DriverDiagram(network_id=network.id, version=1, title="Otra teoría")
        session.add_all([measure, diagram])
        session.flush()
        node = DiagramNode(diagram_id=diagram.id, key="aim", kind="aim", text="Otra meta")
        session.add(node)
        session.commit()
        return measure.id, node.id


def own_node(client: TestClient) -> uuid.UUID:
    """A node of a driver diagram of the demo network."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        found = session.exec(
            select(DiagramNode.id)
            .join(DriverDiagram, DriverDiagram.id == DiagramNode.diagram_id)  # type: ignore[arg-type]
            .where(DriverDiagram.network_id == DEMO_NETWORK_ID)
        ).first()
        assert found is not None
        return found


def without_request_id(response: Any) -> bytes:
    body: bytes = response.content
    request_id = response.headers.get("x-request-id", "")
    return body.replace(request_id.encode(), b"") if request_id else body


def test_a_node_id_taken_elsewhere_answers_as_one_taken_here(client: TestClient, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    _, elsewhere = other_network(client)
    here = own_node(client)
    draft = client.post(f"{NET}/driver-diagrams", json={"title": "Borrador", "start": "empty"}, headers=headers)
    assert draft.status_code == 201, draft.text
    url = f"/api/v1/driver-diagrams/{draft.json()['id']}/nodes"
    answers = [
        client.post(url, json={"id": str(node_id), "kind": "aim", "text": "Meta"}, headers=headers)
        for node_id in (elsewhere, here)
    ]
    for response in answers:
        assert {key: response.json()[key] for key in REFUSED} == REFUSED
        assert response.headers["content-type"] == "application/problem+json"
    taken_elsewhere, taken_here = answers
    assert without_request_id(taken_elsewhere) == without_request_id(taken_here)
    assert {k: v for k, v in taken_elsewhere.headers.items() if k != "x-request-id"} == {
        k: v for k, v in taken_here.headers.items() if k != "x-request-id"
    }


def test_a_measure_id_of_another_network_is_refused_without_naming_it(client: TestClient, bearer: Any) -> None:
    measure_id, _ = other_network(client)
    body = {
        "id": str(measure_id),
        "name": "Proporción de clases con preguntas abiertas",
        "kind": "process",
        "value_type": "proportion",
        "direction": "up",
        "frequency": "monthly",
    }
    refused = client.post(f"{NET}/measures", json=body, headers=bearer("coordinacion@demo.cl"))
    assert {key: refused.json()[key] for key in REFUSED} == REFUSED
    assert "red" not in refused.json()["detail"].lower()
