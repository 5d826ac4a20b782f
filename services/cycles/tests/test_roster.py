"""Roster CSV parsing.

Valid RUNs used (check digits computed by hand in test_chile.py):
12.345.678-5, 11.111.111-1, 10.000.013-K, 10.000.004-0, 1.234.567-4.
"""

from __future__ import annotations

import codecs

import pytest

from cycles_service.domain.roster import (
    Roster,
    RosterError,
    RosterErrors,
    RosterPerson,
    RosterSchool,
    parse_roster,
)

HEADER = "rbd;establecimiento;comuna;run;nombre;email;rol;niveles"

VALID = (
    HEADER + "\n" + "10203;Escuela Los Aromos;Peñalolén;12.345.678-5;María Pérez;"
    "maria.perez@aromos.cl;Educadora;NT1|kínder\n"
    + "10203;Escuela Los Aromos;Peñalolén;11.111.111-1;Juan Soto;;Jefe UTP;\n"
    + "24567;Colegio Valle Hermoso;La Florida;10.000.013-k;Ana Rojas;"
    "ANA@Valle.cl;docente;1° básico|2° básico\n"
)


def ok(data: bytes) -> Roster:
    result = parse_roster(data)
    assert isinstance(result, Roster), result
    return result


def errors_of(data: bytes | str) -> list[tuple[int, str | None]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = parse_roster(raw)
    assert isinstance(result, RosterErrors), result
    return [(error.line, error.column) for error in result.errors]


def only_error(data: str) -> RosterError:
    result = parse_roster(data.encode("utf-8"))
    assert isinstance(result, RosterErrors), result
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_valid_utf8() -> None:
    roster = ok(VALID.encode("utf-8"))
    assert roster.encoding == "utf-8"
    assert roster.delimiter == ";"
    assert roster.data_rows == 3
    assert roster.ignored_columns == ()
    assert roster.schools == {
        10203: RosterSchool(10203, "Escuela Los Aromos", "Peñalolén", 2),
        24567: RosterSchool(24567, "Colegio Valle Hermoso", "La Florida", 4),
    }
    assert roster.people == {
        "12345678-5": RosterPerson(
            run="12345678-5",
            name="María Pérez",
            email="maria.perez@aromos.cl",
            role="teacher",
            levels=("prekinder", "kinder"),
            rbd=10203,
            line=2,
        ),
        "11111111-1": RosterPerson(
            run="11111111-1",
            name="Juan Soto",
            email=None,
            role="leader",
            levels=(),
            rbd=10203,
            line=3,
        ),
        "10000013-K": RosterPerson(
            run="10000013-K",
            name="Ana Rojas",
            email="ana@valle.cl",
            role="teacher",
            levels=("1basico", "2basico"),
            rbd=24567,
            line=4,
        ),
    }


def test_utf8_with_bom() -> None:
    roster = ok(codecs.BOM_UTF8 + VALID.encode("utf-8"))
    assert roster.encoding == "utf-8-sig"
    assert set(roster.people) == {"12345678-5", "11111111-1", "10000013-K"}
    assert roster.schools[10203].commune == "Peñalolén"


def test_latin1_penalolen() -> None:
    data = VALID.encode("latin-1")
    assert "Peñalolén".encode("latin-1") in data
    roster = ok(data)
    assert roster.encoding == "cp1252"
    assert roster.schools[10203].commune == "Peñalolén"
    assert roster.people["12345678-5"].name == "María Pérez"
    assert roster.people["10000013-K"].levels == ("1basico", "2basico")


def test_windows_1252_punctuation() -> None:
    # Excel on Windows writes curly quotes as bytes 0x93/0x94 (undefined in UTF-8).
    data = (HEADER + "\n" + "10203;Escuela “Los Aromos”;Ñuñoa;6-K;Íñigo Muñoz;;docente;\n").encode("cp1252")
    assert b"\x93" in data
    roster = ok(data)
    assert roster.schools[10203] == RosterSchool(10203, "Escuela “Los Aromos”", "Ñuñoa", 2)
    assert roster.people["6-K"].name == "Íñigo Muñoz"


def test_crlf_line_endings() -> None:
    roster = ok(VALID.replace("\n", "\r\n").encode("utf-8"))
    assert roster.people["10000013-K"].line == 4


def test_comma_delimiter_with_quoted_comma() -> None:
    data = (
        "rbd,establecimiento,comuna,run,nombre,email,rol,niveles\n"
        '10203,"Escuela Los Aromos, sede 2",Peñalolén,12345678-5,'
        '"Pérez, María",,educadora,"kinder, 1° básico"\n'
    )
    roster = ok(data.encode("utf-8"))
    assert roster.delimiter == ","
    assert roster.schools[10203].name == "Escuela Los Aromos, sede 2"
    person = roster.people["12345678-5"]
    assert person.name == "Pérez, María"
    assert person.levels == ("kinder", "1basico")


def test_headers_case_accent_space_tolerant_and_extra_columns() -> None:
    data = (
        " RBD ;Establecimiento;COMUNA;RUT;Nombre;Correo electrónico;Rol;Nivel;Observaciones\n"
        "10203;Escuela Los Aromos;;6-k;Pedro Díaz;pedro@aromos.cl;Acompañante;;ninguna\n"
    )
    roster = ok(data.encode("utf-8"))
    assert roster.ignored_columns == ("Observaciones",)
    assert roster.schools[10203].commune is None
    assert roster.people["6-K"].role == "coach"
    assert roster.people["6-K"].email == "pedro@aromos.cl"


def test_optional_columns_may_be_absent_and_order_may_change() -> None:
    data = "nombre;rol;run;rbd;establecimiento\nLuisa Vera;coordinadora;1.234.567-4;3;SLEP\n"
    roster = ok(data.encode("utf-8"))
    assert roster.people["1234567-4"] == RosterPerson("1234567-4", "Luisa Vera", None, "coordinator", (), 3, 2)
    assert roster.schools[3] == RosterSchool(3, "SLEP", None, 2)


def test_blank_lines_are_skipped_and_lines_stay_physical() -> None:
    data = HEADER + "\n\n;;;;;;;\n10203;Escuela Los Aromos;;12.345.678-9;María Pérez;;educadora;\n"
    assert errors_of(data) == [(4, "run")]


def test_identical_duplicate_person_is_merged() -> None:
    data = (
        HEADER + "\n"
        "10203;Escuela Los Aromos;Peñalolén;12.345.678-5;María Pérez;;educadora;kinder\n"
        "10203;ESCUELA LOS AROMOS;;12345678-5;MARIA  PEREZ;maria@aromos.cl;Educadora;\n"
    )
    roster = ok(data.encode("utf-8"))
    assert roster.data_rows == 2
    assert roster.people == {
        "12345678-5": RosterPerson("12345678-5", "María Pérez", "maria@aromos.cl", "teacher", ("kinder",), 10203, 2)
    }
    assert roster.schools[10203] == RosterSchool(10203, "Escuela Los Aromos", "Peñalolén", 2)


# ---------------------------------------------------------------- rejections


def row(
    *,
    rbd: str = "10203",
    school: str = "Escuela Los Aromos",
    commune: str = "Peñalolén",
    run: str = "12.345.678-5",
    name: str = "María Pérez",
    email: str = "",
    role: str = "educadora",
    levels: str = "",
) -> str:
    return ";".join([rbd, school, commune, run, name, email, role, levels]) + "\n"


def file_of(*rows: str) -> str:
    return HEADER + "\n" + "".join(rows)


def test_invalid_run() -> None:
    error = only_error(file_of(row(), row(run="11.111.111-2", name="Juan Soto")))
    assert error == RosterError(3, "run", "El RUN 11.111.111-2 no es válido: el dígito verificador debería ser 1")


def test_invalid_rbd() -> None:
    error = only_error(file_of(row(rbd="10203-5")))
    assert (error.line, error.column) == (2, "rbd")
    assert "El RBD «10203-5» no es válido" in error.message


def test_unknown_role() -> None:
    error = only_error(file_of(row(role="apoderada")))
    assert (error.line, error.column) == (2, "rol")
    assert error.message.startswith("Rol desconocido: «apoderada».")


def test_unknown_level() -> None:
    error = only_error(file_of(row(levels="kinder|1° medio")))
    assert (error.line, error.column) == (2, "niveles")
    assert error.message.startswith("Nivel desconocido: «1° medio».")


@pytest.mark.parametrize(
    ("kwargs", "column", "message"),
    [
        ({"rbd": ""}, "rbd", "Falta el RBD del establecimiento"),
        ({"school": " "}, "establecimiento", "Falta el nombre del establecimiento"),
        ({"run": ""}, "run", "Falta el RUN"),
        ({"name": ""}, "nombre", "Falta el nombre de la persona"),
        ({"role": ""}, "rol", "Falta el rol"),
    ],
)
def test_missing_required_value(kwargs: dict[str, str], column: str, message: str) -> None:
    assert only_error(file_of(row(**kwargs))) == RosterError(2, column, message)  # type: ignore[arg-type]


@pytest.mark.parametrize("email", ["maria", "maria@", "@aromos.cl", "maria@aromos", "maria@@aromos.cl", "ma ria@a.cl"])
def test_malformed_email(email: str) -> None:
    error = only_error(file_of(row(email=email)))
    assert error == RosterError(
        2,
        "email",
        f"El correo «{email}» no tiene un formato válido (por ejemplo nombre@escuela.cl)",
    )


def test_same_rbd_two_school_names() -> None:
    error = only_error(file_of(row(), row(school="Escuela Las Rosas", run="11.111.111-1", name="Juan Soto")))
    assert error == RosterError(
        3,
        "establecimiento",
        "El RBD 10203 aparece en la línea 2 como «Escuela Los Aromos» y aquí como «Escuela Las Rosas»",
    )


def test_same_rbd_two_communes() -> None:
    error = only_error(file_of(row(), row(commune="Macul", run="11.111.111-1", name="Juan Soto")))
    assert (error.line, error.column) == (3, "comuna")
    assert "«Peñalolén» y aquí en «Macul»" in error.message


def test_same_run_conflicting_data() -> None:
    data = file_of(
        row(levels="kinder"),
        row(run="10.000.013-K", name="Ana Rojas"),
        row(role="Jefa UTP", levels="NT1"),
    )
    result = parse_roster(data.encode("utf-8"))
    assert isinstance(result, RosterErrors)
    assert result.errors == (
        RosterError(
            4,
            "rol",
            "El RUN 12.345.678-5 aparece en la línea 2 con el rol «Docente / Educadora» y aquí con «Directivo/a»",
        ),
        RosterError(
            4,
            "niveles",
            "El RUN 12.345.678-5 aparece en la línea 2 con los niveles «NT2 / Kínder» y aquí con «NT1 / Prekínder»",
        ),
    )


def test_same_run_in_two_schools() -> None:
    data = file_of(row(), row(rbd="24567", school="Colegio Valle Hermoso"))
    error = only_error(data)
    assert (error.line, error.column) == (3, "rbd")
    assert "con el RBD «10203» y aquí con «24567»" in error.message


def test_missing_required_header_columns() -> None:
    data = "rbd;establecimiento;comuna;nombre;email\n10203;Escuela;;María;\n"
    result = parse_roster(data.encode("utf-8"))
    assert isinstance(result, RosterErrors)
    assert result.errors == (
        RosterError(1, "run", "Falta la columna obligatoria «run» en el encabezado"),
        RosterError(1, "rol", "Falta la columna obligatoria «rol» en el encabezado"),
    )


def test_duplicate_header_column() -> None:
    assert errors_of(HEADER + ";RUT\n" + row()) == [(1, "run")]


def test_unrecognised_header() -> None:
    error = only_error("10203;Escuela Los Aromos;Peñalolén;12.345.678-5\n")
    assert (error.line, error.column) == (1, None)
    assert error.message.startswith("No se reconoció el encabezado.")


@pytest.mark.parametrize("data", [b"", b"   \n\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n"])
def test_empty_file(data: bytes) -> None:
    result = parse_roster(data)
    assert result == RosterErrors((RosterError(1, None, "El archivo está vacío"),))


def test_header_only() -> None:
    assert parse_roster((HEADER + "\n").encode("utf-8")) == RosterErrors(
        (RosterError(2, None, "El archivo solo tiene el encabezado; no hay filas con personas"),)
    )


def test_excel_file_is_rejected_with_a_hint() -> None:
    error = parse_roster(b"PK\x03\x04\x14\x00\x06\x00")
    assert isinstance(error, RosterErrors)
    assert "planilla Excel" in error.errors[0].message


def test_row_with_too_many_values() -> None:
    data = file_of(row(name="Pérez; María", levels="kinder"))
    error = only_error(data)
    assert (error.line, error.column) == (2, None)
    assert "La fila tiene 9 valores pero el encabezado tiene 8 columnas" in error.message


def test_shifted_row_with_empty_last_value_is_not_detected_as_too_long() -> None:
    # 9 cells, the 9th empty: looks like Excel's trailing delimiter, so the row is
    # read by position; the shift shows up in the cells after the name instead.
    assert errors_of(file_of(row(name="Pérez; María"))) == [
        (2, "email"),
        (2, "rol"),
        (2, "niveles"),
    ]


def test_trailing_empty_cells_are_tolerated() -> None:
    roster = ok(file_of(row().rstrip("\n") + ";;\n").encode("utf-8"))
    assert list(roster.people) == ["12345678-5"]


def test_all_errors_are_reported_in_line_and_column_order() -> None:
    data = file_of(
        row(run="12.345.678-9", email="nope", role="alumno"),  # line 2
        row(rbd="x", run="11.111.111-1", name=""),  # line 3
        row(run="10.000.013-K", name="Ana", levels="jardín"),  # line 4
        row(),  # line 5: fine
        row(school="Otra escuela", run="10.000.004-0", name="Eva"),  # line 6
    )
    assert errors_of(data) == [
        (2, "run"),
        (2, "email"),
        (2, "rol"),
        (3, "rbd"),
        (3, "nombre"),
        (4, "niveles"),
        (6, "establecimiento"),
    ]
