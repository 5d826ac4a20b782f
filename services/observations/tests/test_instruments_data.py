"""The instrument JSON files load, have the expected structure; load_instrument validates."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from observations_service.domain.instrument import (
    InstrumentError,
    InstrumentSpec,
    load_instrument,
)

INSTRUMENT_FILES = ("class-prek-k3.json", "class-2e-prek3.json", "peer-visit.json")

CLASS_NAMES = {
    "PC": "Clima positivo",
    "NC": "Clima negativo",
    "TS": "Sensibilidad docente",
    "RSP": "Consideración de la perspectiva de los estudiantes",
    "BM": "Manejo del comportamiento",
    "PD": "Productividad",
    "ILF": "Formatos de aprendizaje instruccional",
    "CD": "Desarrollo de conceptos",
    "QF": "Calidad de la retroalimentación",
    "LM": "Modelamiento del lenguaje",
}


def raw(filename: str) -> dict[str, Any]:
    text = resources.files("observations_service.instruments").joinpath(filename).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load(filename: str) -> InstrumentSpec:
    return load_instrument(raw(filename))


def structure(spec: InstrumentSpec) -> list[tuple[str, list[str]]]:
    return [(d.code, [m.code for m in d.dimensions]) for d in spec.domains]


@pytest.mark.parametrize("filename", INSTRUMENT_FILES)
def test_every_file_loads_with_consistent_orders(filename: str) -> None:
    spec = load(filename)
    assert spec.code == filename.removesuffix(".json")
    assert spec.version == 1
    assert spec.name.strip()
    assert spec.description.strip()
    # Dimension orders are one global sequence 1..n following the domains.
    orders = [d.order for d in spec.dimensions]
    assert orders == list(range(1, len(orders) + 1))
    assert [d.order for d in spec.domains] == list(range(1, len(spec.domains) + 1))
    for domain in spec.domains:
        assert domain.name.strip()
        for dim in domain.dimensions:
            assert dim.domain_code == domain.code
            assert dim.name.strip()
            assert dim.name_en.strip()


def test_class_prek_k3_structure() -> None:
    spec = load("class-prek-k3.json")
    assert (spec.scale_min, spec.scale_max, spec.min_cycles) == (1, 7, 4)
    assert structure(spec) == [
        ("ES", ["PC", "NC", "TS", "RSP"]),
        ("CO", ["BM", "PD", "ILF"]),
        ("IS", ["CD", "QF", "LM"]),
    ]
    assert [d.name for d in spec.domains] == [
        "Apoyo emocional",
        "Organización del aula",
        "Apoyo pedagógico",
    ]
    assert {d.code: d.name for d in spec.dimensions} == CLASS_NAMES
    assert [d.code for d in spec.dimensions if d.reverse] == ["NC"]


def test_class_2e_prek3_structure_regrouped() -> None:
    spec = load("class-2e-prek3.json")
    assert (spec.scale_min, spec.scale_max, spec.min_cycles) == (1, 7, 4)
    assert structure(spec) == [
        ("ES", ["PC", "TS", "RSP"]),
        ("CO", ["BM", "PD", "NC"]),
        ("IS", ["ILF", "CD", "QF", "LM"]),
    ]
    assert {d.code: d.name for d in spec.dimensions} == CLASS_NAMES
    assert [d.code for d in spec.dimensions if d.reverse] == ["NC"]
    assert spec.dimension("NC").domain_code == "CO"
    assert spec.dimension("ILF").domain_code == "IS"


@pytest.mark.parametrize("filename", ["class-prek-k3.json", "class-2e-prek3.json"])
def test_class_files_carry_the_trademark_and_licence_note(filename: str) -> None:
    description = load(filename).description
    assert "CLASS®" in description
    assert "Teachstone" in description
    assert "licencia" in description
    assert "certificados" in description


def test_peer_visit_rubric() -> None:
    spec = load("peer-visit.json")
    assert spec.min_cycles == 1
    assert (spec.scale_min, spec.scale_max) == (1, 4)
    assert 1 <= len(spec.domains) <= 2
    assert 3 <= len(spec.dimensions) <= 5
    assert not any(d.reverse for d in spec.dimensions)
    assert "colaboración" in spec.name.lower()
    # Its own items, not CLASS dimensions.
    assert not {d.code for d in spec.dimensions} & set(CLASS_NAMES)


# --- load_instrument validation ---------------------------------------------


def minimal() -> dict[str, Any]:
    return {
        "code": "mini",
        "name": "Mini",
        "version": 1,
        "scale": {"min": 1, "max": 4},
        "min_cycles": 2,
        "description": "Prueba",
        "domains": [
            {
                "code": "A",
                "name": "Dominio A",
                "order": 1,
                "dimensions": [
                    {"code": "X", "name": "Equis", "name_en": "X", "order": 1},
                    {"code": "Y", "name": "Ye", "reverse": True, "order": 2},
                ],
            }
        ],
    }


def messages(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InstrumentError) as info:
        load_instrument(data)
    return [(i.path, i.message) for i in info.value.issues]


def test_minimal_definition_loads_with_defaults() -> None:
    spec = load_instrument(minimal())
    assert spec.dimension("Y").reverse is True
    assert spec.dimension("X").reverse is False  # default
    assert spec.dimension("Y").name_en == ""  # optional
    assert spec.scale_label == "1–4"


def test_domains_and_dimensions_are_sorted_by_order() -> None:
    data = minimal()
    dims = data["domains"][0]["dimensions"]
    dims[0]["order"], dims[1]["order"] = 2, 1
    data["domains"].insert(
        0,
        {
            "code": "B",
            "name": "Dominio B",
            "order": 2,
            "dimensions": [{"code": "Z", "name": "Zeta", "order": 3}],
        },
    )
    spec = load_instrument(data)
    assert [d.code for d in spec.domains] == ["A", "B"]
    assert [d.code for d in spec.dimensions] == ["Y", "X", "Z"]


def test_min_not_below_max() -> None:
    data = minimal()
    data["scale"] = {"min": 4, "max": 4}
    assert messages(data) == [("scale", "El mínimo de la escala (4) debe ser menor que el máximo (4)")]


def test_empty_domains() -> None:
    data = minimal()
    data["domains"] = []
    assert messages(data) == [("domains", "El instrumento debe tener al menos un dominio")]


def test_domain_without_dimensions() -> None:
    data = minimal()
    data["domains"][0]["dimensions"] = []
    assert messages(data) == [
        (
            "domains[0].dimensions",
            "El dominio «A» debe tener al menos una dimensión",
        )
    ]


def test_duplicate_codes_and_orders_across_domains() -> None:
    data = minimal()
    data["domains"].append(
        {
            "code": "A",
            "name": "Otro",
            "order": 1,
            "dimensions": [{"code": "X", "name": "Otra equis", "order": 2}],
        }
    )
    assert messages(data) == [
        (
            "domains[1].code",
            "El código de dominio «A» está repetido (también en domains[0].code)",
        ),
        (
            "domains[1].order",
            "El orden 1 de dominio está repetido (también en domains[0].order)",
        ),
        (
            "domains[1].dimensions[0].code",
            "El código de dimensión «X» está repetido (también en domains[0].dimensions[0].code)",
        ),
        (
            "domains[1].dimensions[0].order",
            "El orden 2 de dimensión está repetido (también en domains[0].dimensions[1].order)",
        ),
    ]


def test_every_problem_is_reported_at_once() -> None:
    data = minimal()
    del data["name"]
    data["version"] = True  # a bool is not an integer version
    data["min_cycles"] = 0
    data["colour"] = "azul"
    data["domains"][0]["dimensions"][0]["reverese"] = True
    data["domains"][0]["dimensions"][1]["reverse"] = "sí"
    assert messages(data) == [
        ("colour", "Campo desconocido «colour»"),
        ("name", "Falta el campo «name»"),
        ("version", "El campo «version» debe ser un número entero"),
        ("min_cycles", "Se requiere al menos 1 ciclo de observación"),
        ("domains[0].dimensions[0].reverese", "Campo desconocido «reverese»"),
        (
            "domains[0].dimensions[1].reverse",
            "El campo «reverse» debe ser verdadero o falso",
        ),
    ]


def test_error_is_a_value_error_with_spanish_text() -> None:
    data = minimal()
    data["scale"] = {"min": 7, "max": 1}
    with pytest.raises(ValueError, match="Instrumento inválido: scale: El mínimo"):
        load_instrument(data)


def test_not_an_object() -> None:
    with pytest.raises(InstrumentError):
        load_instrument([])  # type: ignore[arg-type]


def test_observation_levels_are_the_shared_vocabulary() -> None:
    """The Literal gives the OpenAPI enum; the codes and their order come from libs/vocabulary."""
    from typing import get_args

    from mejora_vocabulary import LEVELS
    from observations_service.domain.vocabulary import Level

    assert list(get_args(Level)) == [level.code for level in LEVELS]
