from gateway.openapi import merge_openapi


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
