"""The long format's parsing (domain, no I/O) and the problems the API answers for files it cannot read."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mejora_common.testing import DEMO_NETWORK_ID
from observations_service.domain.transfer import COLUMNS, FileError, RowError, parse_body, parse_rows

Headers = Callable[[str], dict[str, str]]


@pytest.mark.parametrize(
    ("raw", "content_type", "message"),
    [
        (b"  ", "text/csv", "El archivo está vacío."),
        (b"{", "application/json", "El cuerpo no es JSON válido."),
        (b'{"rows": 3}', "application/json", 'Se espera una lista de filas (objetos) o {"rows": [...]}.'),
        (b"observation_id;school_id\n", "text/csv", "Faltan columnas:"),
        (",".join(COLUMNS).encode(), "text/csv", "El archivo no tiene filas de datos."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(raw: bytes, content_type: str, message: str) -> None:
    with pytest.raises(FileError) as raised:
        parse_body(raw, content_type)
    assert str(raised.value).startswith(message)


def test_cells_are_typed_and_every_bad_cell_is_listed() -> None:
    row = {name: "" for name in COLUMNS} | {
        "observation_id": "no-uuid",
        "school_id": str(uuid.uuid4()),
        "teacher_id": str(uuid.uuid4()),
        "observer_id": str(uuid.uuid4()),
        "instrument_code": "class-prek-k3",
        "level": "kinder",
        "observed_on": "2024-05-14",
        "wave": "2024-1",
        "cycle_number": "1.5",
        "cycle_started_at": "2024-05-14T13:05:00",
        "dimension_code": "PC",
        "score": "5",
    }
    errors: list[RowError] = []
    assert parse_rows([row], errors) == []
    assert [(e.field, e.message) for e in errors] == [
        ("observation_id", "Debe ser un identificador UUID válido."),
        ("cycle_number", "Debe ser un número entero."),
        ("cycle_started_at", "Debe incluir la zona horaria (p. ej. 2024-05-14T13:05:00Z)."),
    ]
    good = row | {"observation_id": str(uuid.uuid4()), "cycle_number": "2", "cycle_started_at": ""}
    parsed = parse_rows([good], errors := [])
    assert errors == []
    assert parsed[0].values["cycle_number"] == 2
    assert parsed[0].values["score"] == 5
    assert parsed[0].values["mode"] == "live"
    assert parsed[0].values["status"] == "submitted"


def test_an_empty_file_is_a_422_naming_the_body(client: TestClient, headers: Headers) -> None:
    response = client.post(
        "/api/v1/observations:import",
        params={"network_id": str(DEMO_NETWORK_ID)},
        content=b"",
        headers={**headers("coordinacion@demo.cl"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    body: dict[str, Any] = response.json()
    assert body["code"] == "invalid_file"
    assert body["detail"] == "El archivo está vacío."
    assert body["errors"] == [{"field": "body", "message": "El archivo está vacío."}]


def test_an_unknown_instrument_is_a_422_naming_the_field(
    client: TestClient, headers: Headers, draft: Callable[..., dict[str, Any]]
) -> None:
    body = draft(instrument_id=str(uuid.uuid4()))
    response = client.put(f"/api/v1/observations/{uuid.uuid4()}", json=body, headers=headers("acompanante@demo.cl"))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "unknown_instrument"
    assert problem["errors"] == [{"field": "instrument_id", "message": "El instrumento no existe en esta red."}]


def test_an_exported_formula_is_neutralised_and_comes_back_as_written() -> None:
    """OWASP CSV injection: evidence starting with '=' must not run as a formula in a spreadsheet."""
    from observations_service.domain.transfer import COLUMNS, to_csv

    row = dict.fromkeys(COLUMNS, "")
    row["evidence"] = '=HYPERLINK("http://x")'
    text = to_csv([row])
    assert "'=HYPERLINK" in text
    import csv
    import io

    from mejora_common.spreadsheets import restore_formula

    cell = next(csv.DictReader(io.StringIO(text)))["evidence"]
    assert restore_formula(cell) == row["evidence"]
