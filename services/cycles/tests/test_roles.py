from __future__ import annotations

import pytest

from cycles_service.domain.roles import (
    ROLE_LABELS,
    ROLES,
    UnknownRoleError,
    parse_role,
    role_label,
)


def test_roles_and_labels() -> None:
    assert ROLES == ("coordinator", "facilitator", "coach", "leader", "teacher")
    assert ROLE_LABELS == {
        "coordinator": "Coordinador/a",
        "facilitator": "Facilitador/a",
        "coach": "Acompañante",
        "leader": "Directivo/a",
        "teacher": "Docente / Educadora",
    }
    assert role_label("coach") == "Acompañante"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("coordinator", "coordinator"),
        ("Coordinador/a", "coordinator"),
        ("coordinadora", "coordinator"),
        ("Coordinación", "coordinator"),
        ("COORDINACION", "coordinator"),
        ("coordinador(a)", "coordinator"),
        ("facilitator", "facilitator"),
        ("Facilitador/a", "facilitator"),
        ("facilitadora", "facilitator"),
        ("coach", "coach"),
        ("Coach", "coach"),
        ("acompañante", "coach"),
        ("Acompanante", "coach"),
        ("ACOMPAÑANTE", "coach"),
        ("leader", "leader"),
        ("Director/a", "leader"),
        ("directora", "leader"),
        ("directivo", "leader"),
        ("Jefe UTP", "leader"),
        ("jefa de UTP", "leader"),
        ("Jefe/a UTP", "leader"),
        ("jefe(a) utp", "leader"),
        ("Líder", "leader"),
        ("lider", "leader"),
        ("teacher", "teacher"),
        ("Educadora", "teacher"),
        ("educadora de párvulos", "teacher"),
        ("docente", "teacher"),
        ("Profesor/a", "teacher"),
        ("profesora", "teacher"),
        ("  Docente  ", "teacher"),
    ],
)
def test_parse_role(text: str, code: str) -> None:
    assert parse_role(text) == code


@pytest.mark.parametrize("text", ["alumno", "apoderada", "coordinador general de todo", "x"])
def test_parse_role_unknown(text: str) -> None:
    with pytest.raises(UnknownRoleError) as info:
        parse_role(text)
    assert str(info.value).startswith(f"Rol desconocido: «{text}».")
    assert "Coordinador/a, Facilitador/a, Acompañante, Directivo/a" in str(info.value)
    assert info.value.value == text


def test_parse_role_empty() -> None:
    with pytest.raises(UnknownRoleError, match=r"^Falta el rol"):
        parse_role("   ")


def test_role_label_unknown() -> None:
    with pytest.raises(UnknownRoleError):
        role_label("student")
