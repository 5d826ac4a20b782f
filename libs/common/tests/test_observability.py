import json
import logging

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mejora_common.observability import JsonFormatter, RequestIdMiddleware, current_request_id


def make_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)

    @app.get("/id")
    def read_id() -> dict[str, str | None]:
        return {"request_id": current_request_id()}

    return app


def test_request_id_is_propagated_or_generated() -> None:
    client = TestClient(make_app())
    given = client.get("/id", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    assert given.json()["request_id"] == "abc-123"
    generated = client.get("/id")
    assert len(generated.headers["x-request-id"]) == 32
    assert generated.json()["request_id"] == generated.headers["x-request-id"]
    unsafe = client.get("/id", headers={"X-Request-ID": 'a b"c'})
    assert unsafe.headers["x-request-id"] != 'a b"c'


def test_json_log_line_carries_request_id() -> None:
    from mejora_common.observability import request_id_var

    token = request_id_var.set("req-42")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hola %s", ("mundo",), None)
        line = json.loads(JsonFormatter("cycles").format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-42"
    assert line["service"] == "cycles"
    assert line["message"] == "hola mundo"
    assert line["level"] == "info"
