import pytest

from gateway.openapi import RouteOwnershipError, merge_openapi


def doc(paths: dict, schemas: dict) -> dict:  # type: ignore[type-arg]
    return {"openapi": "3.1.0", "paths": paths, "components": {"schemas": schemas}}


def test_keeps_only_owned_public_paths_and_renames_conflicting_schemas() -> None:
    same = {"type": "object", "properties": {"items": {"type": "array"}}}
    cycles = doc(
        {
            "/api/v1/networks": {
                "get": {
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
                    }
                }
            },
            "/health": {"get": {}},
        },
        {"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}, "Shared": same},
    )
    observations = doc(
        {
            "/api/v1/instruments": {
                "get": {
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
                    }
                }
            }
        },
        {"Thing": {"type": "object", "properties": {"b": {"type": "integer"}}}, "Shared": same},
    )
    merged = merge_openapi({"cycles": cycles, "observations": observations})
    assert set(merged["paths"]) == {"/api/v1/networks", "/api/v1/instruments", "/api/v1/health"}
    schemas = merged["components"]["schemas"]
    assert "Shared" in schemas
    assert "Thing" in schemas and "ObservationsThing" in schemas
    ref = merged["paths"]["/api/v1/instruments"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/ObservationsThing"}
    assert schemas["ObservationsThing"]["properties"] == {"b": {"type": "integer"}}


def test_names_unavailable_services() -> None:
    merged = merge_openapi({}, unavailable=["reports"])
    assert "reports" in merged["info"]["description"]


def operation() -> dict:  # type: ignore[type-arg]
    return {"get": {"responses": {"200": {"description": "ok"}}}}


@pytest.mark.parametrize(
    ("service", "path", "reason"),
    [
        # The table gives measures/*/run-chart to reports: cycles declaring it would never be reached.
        ("cycles", "/api/v1/measures/{measure_id}/run-chart", "routes it to reports"),
        ("observations", "/api/v1/networks/{network_id}/observations", "routes it to cycles"),
        ("reports", "/api/v1/novedades", "routes it nowhere"),
        ("reports", "/api/v2/reports", "routes it nowhere"),
        ("cycles", "/api/docs", "routes it nowhere"),
    ],
)
def test_a_public_path_the_table_does_not_route_to_its_service_fails_loudly(
    service: str, path: str, reason: str
) -> None:
    with pytest.raises(RouteOwnershipError, match=reason) as raised:
        merge_openapi({service: doc({path: operation()}, {})})
    assert path in str(raised.value) and service in str(raised.value)


def test_a_public_path_declared_twice_fails_loudly() -> None:
    twice = doc({"/api/v1/networks": operation()}, {})
    with pytest.raises(RouteOwnershipError, match="declared twice"):
        merge_openapi({"cycles": twice, "observations": doc({}, {}), "reports": twice})
    # Nor may a service take one of the gateway's own paths.
    with pytest.raises(RouteOwnershipError, match="declared twice"):
        merge_openapi({"cycles": doc({"/api/v1/health": operation()}, {})})


def test_service_endpoints_outside_the_public_api_are_left_out() -> None:
    merged = merge_openapi({"reports": doc({"/health": operation(), "/ready": operation()}, {})})
    assert set(merged["paths"]) == {"/api/v1/health"}
