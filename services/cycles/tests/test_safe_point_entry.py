"""Safe data entry (issue 15, point 7): no silent replacement, edits and deletions with a history, whole counts."""

from typing import Any

from fastapi.testclient import TestClient

from .test_measures_api import make_measure


def test_a_repeated_period_shows_the_current_value_until_confirmed(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    url = f"/api/v1/measures/{measure['id']}/points"
    first = client.post(url, json={"period": "2024-04-01", "numerator": 104, "denominator": 180}, headers=coordinator)
    assert first.status_code == 201
    again = {"period": "2024-04-20", "numerator": 90, "denominator": 180}
    refused = client.post(url, json=again, headers=coordinator)
    assert refused.status_code == 409 and refused.json()["code"] == "point_exists"
    assert refused.json()["current"]["numerator"] == 104 and "0.577" in refused.json()["detail"]
    assert client.get(url, headers=coordinator).json()["items"][0]["numerator"] == 104
    assert client.post(url, json=again, headers={**coordinator, "If-Match": '"9"'}).status_code == 412
    replaced = client.post(url, json=again, headers={**coordinator, "If-Match": refused.headers["ETag"]})
    assert replaced.status_code == 200 and replaced.json()["value"] == 0.5
    history = client.get(f"{url}/history", headers=coordinator).json()["items"]
    assert [h["action"] for h in history] == ["replaced", "created"]
    assert history[0]["old_numerator"] == 104 and history[0]["new_numerator"] == 90 and history[0]["actor_name"]


def test_points_are_edited_and_deleted_with_if_match_and_a_history(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    url = f"/api/v1/measures/{measure['id']}/points"
    point = client.post(
        url, json={"period": "2024-05-01", "numerator": 50, "denominator": 100}, headers=coordinator
    ).json()
    one = f"{url}/{point['id']}"
    assert client.patch(one, json={"numerator": 60}, headers=coordinator).status_code == 428
    too_big = client.patch(one, json={"numerator": 160}, headers={**coordinator, "If-Match": '"1"'})
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "numerator"
    edited = client.patch(one, json={"numerator": 60, "note": "recontado"}, headers={**coordinator, "If-Match": '"1"'})
    assert edited.status_code == 200 and edited.json()["value"] == 0.6 and edited.json()["note"] == "recontado"
    assert (
        client.patch(one, json={"numerator": 61}, headers=bearer("educadora@demo.cl") | {"If-Match": '"2"'}).status_code
        == 403
    )
    assert client.delete(one, headers={**coordinator, "If-Match": '"1"'}).status_code == 412
    assert client.delete(one, headers={**coordinator, "If-Match": '"2"'}).status_code == 204
    assert client.get(url, headers=coordinator).json()["total"] == 0
    history = client.get(f"{url}/history", headers=bearer("educadora@demo.cl")).json()["items"]
    assert [h["action"] for h in history] == ["deleted", "edited", "created"]
    assert history[0]["old_value"] == 0.6 and history[0]["new_value"] is None
    assert history[1]["old_numerator"] == 50 and history[1]["new_numerator"] == 60


def test_counts_refuse_fractions(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    proportion = make_measure(client, coordinator)
    url = f"/api/v1/measures/{proportion['id']}/points"
    fraction = client.post(
        url, json={"period": "2024-04-01", "numerator": 12.5, "denominator": 20}, headers=coordinator
    )
    assert fraction.status_code == 422 and fraction.json()["errors"][0]["field"] == "numerator"
    half = client.post(url, json={"period": "2024-04-01", "numerator": 12, "denominator": 20.5}, headers=coordinator)
    assert half.status_code == 422 and half.json()["errors"][0]["field"] == "denominator"
    count = make_measure(client, coordinator, name="Visitas", value_type="count", unit="visitas")
    assert (
        client.post(
            f"/api/v1/measures/{count['id']}/points", json={"period": "2024-04-01", "value": 12.5}, headers=coordinator
        ).status_code
        == 422
    )


def test_an_import_replaces_and_writes_the_history(client: TestClient, bearer: Any) -> None:
    coordinator = bearer("coordinacion@demo.cl")
    measure = make_measure(client, coordinator)
    url = f"/api/v1/measures/{measure['id']}/points"
    client.post(url, json={"period": "2024-04-01", "numerator": 1, "denominator": 2}, headers=coordinator)
    imported = client.post(
        f"{url}:import", json=[{"period": "2024-04-01", "numerator": 2, "denominator": 2}], headers=coordinator
    )
    assert imported.status_code == 200 and imported.json()["replaced"] == 1
    assert [h["action"] for h in client.get(f"{url}/history", headers=coordinator).json()["items"]] == [
        "replaced",
        "created",
    ]
