"""Every operation's OpenAPI lists the problem answers the platform really gives."""

from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel

from mejora_common.app import create_service_app
from mejora_common.idempotency import IdempotencyRecordBase
from mejora_common.settings import CommonSettings
from mejora_common.testing import TEST_KEYS


class Item(BaseModel):
    name: str


def document(idempotency: bool) -> dict[str, object]:
    router = APIRouter()

    @router.post("/api/v1/items", status_code=201)
    def create(body: Item) -> Item:
        return body

    @router.patch("/api/v1/items/{item_id}", responses={412: {"description": "Propio de la ruta"}})
    def edit(item_id: int, body: Item, if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> Item:
        return body

    @router.post("/api/v1/auth/token")
    def login() -> dict[str, str]:
        return {}

    @router.post("/api/v1/spc/run-chart")
    def chart() -> dict[str, str]:
        return {}

    app = create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=CommonSettings(**TEST_KEYS.settings("cycles")),
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
        idempotency_model=IdempotencyRecordBase if idempotency else None,
    )
    return app.openapi()


def responses(doc: dict[str, object], path: str, method: str) -> dict[str, dict[str, object]]:
    return doc["paths"][path][method]["responses"]  # type: ignore[index, no-any-return]


def test_every_operation_declares_its_problem_answers() -> None:
    doc = document(idempotency=True)
    created = responses(doc, "/api/v1/items", "post")
    assert {"201", "400", "401", "403", "404", "409", "413", "422", "503"} <= set(created)
    assert created["503"]["headers"]["Retry-After"]  # type: ignore[index]
    assert created["422"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    edited = responses(doc, "/api/v1/items/{item_id}", "patch")
    assert {"412", "428"} <= set(edited)
    assert edited["412"]["description"] == "Propio de la ruta"  # what a route declares itself is kept
    assert responses(doc, "/api/v1/auth/token", "post")["401"]["description"] == "Credenciales no válidas"
    assert "Problem" in doc["components"]["schemas"]  # type: ignore[index, operator]


def test_the_idempotency_key_header_is_declared_where_it_applies() -> None:
    doc = document(idempotency=True)
    names = [p["name"] for p in doc["paths"]["/api/v1/items"]["post"]["parameters"]]  # type: ignore[index]
    assert "Idempotency-Key" in names
    assert "409" not in responses(doc, "/api/v1/spc/run-chart", "post")  # exempt: a pure computation
    plain = document(idempotency=False)
    assert "parameters" not in plain["paths"]["/api/v1/items"]["post"]  # type: ignore[index, operator]


def test_a_list_with_cursors_declares_both_pages_and_consumers_read_the_offset_one() -> None:
    from mejora_common.contracts import model_problems
    from mejora_common.pagination import Cursor, Page, Pagination

    router = APIRouter()

    @router.get("/api/v1/things", response_model=Page[Item])
    def things(page: Pagination, cursor: Cursor = None) -> Page[Item]:
        return Page.of([], 0, page)

    app = create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=CommonSettings(**TEST_KEYS.settings("cycles")),
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
    )
    doc = app.openapi()
    schema = responses(doc, "/api/v1/things", "get")["200"]["content"]["application/json"]["schema"]  # type: ignore[index]
    assert schema == {
        "anyOf": [{"$ref": "#/components/schemas/Page_Item_"}, {"$ref": "#/components/schemas/CursorPage_Item_"}]
    }
    cursor_page = doc["components"]["schemas"]["CursorPage_Item_"]  # type: ignore[index]
    assert cursor_page["required"] == ["items", "next_cursor", "limit"]
    assert cursor_page["properties"]["items"] == doc["components"]["schemas"]["Page_Item_"]["properties"]["items"]  # type: ignore[index]
    # A consumer reading offset pages (``total``) is compatible: the cursor page is answered only when asked for.
    assert model_problems(Page[Item], doc, "GET", "/api/v1/things") == []
