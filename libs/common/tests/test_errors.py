from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from mejora_common.errors import ProblemError, install_problem_handlers, translate_validation_errors


class Body(BaseModel):
    name: str
    count: int


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    def create(body: Body, limit: int = Query(ge=1)) -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/conflict")
    def conflict() -> None:
        raise ProblemError(409, "duplicate_rbd", "Ya existe un establecimiento con ese RBD.")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("fallo interno")

    return app


def test_validation_errors_list_fields_in_spanish() -> None:
    client = TestClient(make_app())
    response = client.post("/things?limit=0", json={"count": "muchos"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields["name"] == "Este campo es obligatorio."
    assert fields["count"] == "Debe ser un número entero."
    assert fields["limit"] == "Debe ser mayor o igual que 1."


def test_problem_error_and_unknown_route_and_crash() -> None:
    client = TestClient(make_app(), raise_server_exceptions=False)
    conflict = client.get("/conflict")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "duplicate_rbd"
    assert conflict.json()["detail"].startswith("Ya existe")
    missing = client.get("/nada")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"
    crash = client.get("/boom")
    assert crash.status_code == 500
    assert crash.json()["code"] == "internal_error"
    assert "fallo interno" not in crash.text


def test_value_error_prefix_is_removed() -> None:
    errors = translate_validation_errors(
        [
            {
                "type": "value_error",
                "loc": ("body", "run"),
                "msg": "Value error, RUN inválido",
                "ctx": {"error": "RUN inválido"},
            }
        ]
    )
    assert errors[0] == {"field": "run", "message": "RUN inválido", "type": "value_error", "location": "body"}


def test_nested_field_paths() -> None:
    errors = translate_validation_errors([{"type": "missing", "loc": ("body", "cycles", 1, "scores"), "msg": "x"}])
    assert errors[0]["field"] == "cycles[1].scores"


def test_pattern_and_time_errors_are_spanish() -> None:
    errors = translate_validation_errors(
        [
            {"type": "string_pattern_mismatch", "loc": ("body", "focus_domain"), "msg": "String should match pattern"},
            {"type": "time_parsing", "loc": ("body", "starts_at"), "msg": "Input should be a valid time"},
        ]
    )
    assert [e["message"] for e in errors] == ["No tiene el formato esperado.", "Debe ser una hora válida (HH:MM)."]


def test_problem_helpers_carry_status_code_and_field() -> None:
    from mejora_common.errors import conflict, forbidden, invalid, not_found

    assert (not_found("La red").status, not_found("La red").detail) == (404, "La red no existe o no tienes acceso.")
    assert (forbidden("No puedes.").status, forbidden("No puedes.").code) == (403, "forbidden")
    assert (conflict("id_taken", "Ya existe.").status, conflict("id_taken", "Ya existe.").code) == (409, "id_taken")
    problem = invalid("rbd", "El RBD no es válido.")
    assert (problem.status, problem.code) == (422, "validation_error")
    assert problem.errors == [{"field": "rbd", "message": "El RBD no es válido."}]
