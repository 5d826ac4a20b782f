from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import pytest

from cycles_service.domain.diagram_diff import DiagramDiff, FieldChange, NodeChange, diff_versions
from cycles_service.domain.driver_diagram import (
    InvalidDiagramError,
    InvalidLinkError,
    Link,
    Node,
    build_tree,
    copy_version,
    new_key,
    validate_diagram,
    validate_link,
)

# Version 1 (ids "a", "p1"...; keys "K-a", "K-p1"...):
#
#   a  Meta: lectura en 1° básico
#   ├─ p1 Interacciones de aula            (order 1)
#   │  ├─ s1 Preguntas abiertas            (order 1)
#   │  │  └─ c1 Rutina de saludo           (shared with s3)
#   │  └─ s2 Retroalimentación             (order 2)
#   │     └─ c2 Tres fortalezas
#   └─ p2 Trabajo con familias             (order 2)
#      └─ s3 Lectura en casa
#         └─ c1 Rutina de saludo


def node(id_: str, kind: str, text: str, order: int = 0, tags: tuple[str, ...] = ()) -> Node:
    return Node(id=id_, key=f"K-{id_}", kind=kind, text=text, tags=tags, order=order)  # type: ignore[arg-type]


NODES = [
    node("c2", "change_idea", "Tres fortalezas antes de un área de mejora"),
    node("s3", "secondary", "Lectura en casa"),
    node("a", "aim", "Meta: lectura en 1° básico"),
    node("p2", "primary", "Trabajo con familias", order=2),
    node("p1", "primary", "Interacciones de aula", order=1),
    node("s2", "secondary", "Retroalimentación", order=2),
    node("s1", "secondary", "Preguntas abiertas", order=1, tags=("lenguaje",)),
    node("c1", "change_idea", "Rutina de saludo"),
]
LINKS = [
    Link("a", "p1"),
    Link("a", "p2"),
    Link("p1", "s1"),
    Link("p1", "s2"),
    Link("p2", "s3"),
    Link("s1", "c1"),
    Link("s3", "c1"),
    Link("s2", "c2"),
]


def counter_ids(prefix: str = "n") -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("parent", "child"),
    [("aim", "primary"), ("primary", "secondary"), ("secondary", "change_idea")],
)
def test_valid_links(parent: str, child: str) -> None:
    validate_link(parent, child)


@pytest.mark.parametrize(
    ("parent", "child", "message"),
    [
        (
            "aim",
            "secondary",
            "Impulsor secundario no puede depender de la meta: debe depender de un impulsor primario",
        ),
        (
            "primary",
            "change_idea",
            "Idea de cambio no puede depender de un impulsor primario: debe depender de un impulsor secundario",
        ),
        (
            "secondary",
            "primary",
            "Impulsor primario no puede depender de un impulsor secundario: debe depender de la meta",
        ),
        (
            "change_idea",
            "change_idea",
            "Idea de cambio no puede depender de una idea de cambio: debe depender de un impulsor secundario",
        ),
        ("primary", "aim", "La meta no puede depender de otro nodo"),
        ("aim", "objetivo", "Tipo de nodo desconocido: «objetivo»"),
    ],
)
def test_invalid_links(parent: str, child: str, message: str) -> None:
    with pytest.raises(InvalidLinkError) as info:
        validate_link(parent, child)
    assert str(info.value).startswith(message)


# ---------------------------------------------------------------- tree


def test_build_tree() -> None:
    tree = build_tree(NODES, LINKS)
    assert tree["unlinked"] == []
    aim = tree["aim"]
    assert aim is not None

    def shape(item: dict[str, object]) -> object:
        children = item["children"]
        assert isinstance(children, list)
        return (item["id"], [shape(child) for child in children])

    assert shape(aim) == (  # type: ignore[arg-type]
        "a",
        [
            ("p1", [("s1", [("c1", [])]), ("s2", [("c2", [])])]),
            ("p2", [("s3", [("c1", [])])]),
        ],
    )
    s1 = aim["children"][0]["children"][0]
    assert s1 == {
        "id": "s1",
        "key": "K-s1",
        "kind": "secondary",
        "kind_label": "Impulsor secundario",
        "text": "Preguntas abiertas",
        "tags": ["lenguaje"],
        "order": 1,
        "parent_ids": ["p1"],
        "children": [
            {
                "id": "c1",
                "key": "K-c1",
                "kind": "change_idea",
                "kind_label": "Idea de cambio",
                "text": "Rutina de saludo",
                "tags": [],
                "order": 0,
                "parent_ids": ["s1", "s3"],
                "children": [],
            }
        ],
    }


def test_build_tree_lists_unlinked_subtrees() -> None:
    nodes = [*NODES, node("p3", "primary", "Liderazgo"), node("s4", "secondary", "Tiempo")]
    links = [*LINKS, Link("p3", "s4"), Link("s4", "c2")]
    tree = build_tree(nodes, links)
    assert [item["id"] for item in tree["unlinked"]] == ["p3"]
    s4 = tree["unlinked"][0]["children"][0]
    assert s4["id"] == "s4"
    assert [c["id"] for c in s4["children"]] == ["c2"]
    assert s4["children"][0]["parent_ids"] == ["s2", "s4"]


def test_build_tree_without_aim() -> None:
    tree = build_tree([node("c9", "change_idea", "Idea suelta")], [])
    assert tree["aim"] is None
    assert [item["id"] for item in tree["unlinked"]] == ["c9"]


def test_build_tree_rejects_invalid_structure() -> None:
    nodes = [*NODES, node("a2", "aim", "Otra meta")]
    links = [*LINKS, Link("a", "s3"), Link("p1", "s3"), Link("s1", "zz")]
    with pytest.raises(InvalidDiagramError) as info:
        build_tree(nodes, links)
    assert info.value.problems == (
        "El diagrama tiene 2 metas; debe tener una sola",
        (
            "Impulsor secundario no puede depender de la meta: debe depender de un "
            "impulsor primario (impulsor secundario «Lectura en casa»)"
        ),
        "Un vínculo apunta a un nodo que no existe (zz)",
        "Impulsor secundario «Lectura en casa» depende de 2 nodos; debe depender de uno solo",
    )


def test_validate_diagram_ok_and_duplicates() -> None:
    assert validate_diagram(NODES, LINKS) == []
    duplicated = [*NODES, dataclasses.replace(NODES[0], id="c2"), node("x", "aim", "x")]
    duplicated[-1] = dataclasses.replace(duplicated[-1], key="K-a", id="x", kind="primary")
    assert validate_diagram(duplicated, LINKS) == [
        "El identificador c2 está repetido",
        "La clave K-a está repetida en esta versión",
    ]


# ---------------------------------------------------------------- versions


def test_copy_version_new_ids_same_keys() -> None:
    copy = copy_version(NODES, LINKS, new_id=counter_ids())
    assert [n.id for n in copy.nodes] == ["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"]
    assert [n.key for n in copy.nodes] == [n.key for n in NODES]
    assert copy.id_map == {
        "c2": "n1",
        "s3": "n2",
        "a": "n3",
        "p2": "n4",
        "p1": "n5",
        "s2": "n6",
        "s1": "n7",
        "c1": "n8",
    }
    assert copy.links[:2] == [Link("n3", "n5"), Link("n3", "n4")]
    assert len(copy.links) == len(LINKS)
    # Same content, so the diff is empty even though every id changed.
    assert diff_versions(NODES, copy.nodes, old_links=LINKS, new_links=copy.links).is_empty
    # Original untouched.
    assert NODES[0].id == "c2"


def test_copy_version_default_ids_are_fresh() -> None:
    nodes, links, id_map = copy_version(NODES, LINKS)
    assert not set(id_map.values()) & set(id_map)
    assert len(set(id_map.values())) == len(NODES)
    assert build_tree(nodes, links)["aim"] is not None


def test_copy_version_rejects_dangling_link() -> None:
    with pytest.raises(InvalidDiagramError, match="no existe \\(zz\\)"):
        copy_version(NODES, [*LINKS, Link("s1", "zz")])


def test_new_key_is_unique() -> None:
    assert new_key() != new_key()


def test_diff_versions() -> None:
    nodes, links, ids = copy_version(NODES, LINKS, new_id=counter_ids())
    by_key = {n.key: n for n in nodes}
    # change text of c1, tags of s2 (and move it under p2), drop c2, add c3.
    c1 = dataclasses.replace(by_key["K-c1"], text="Rutina de saludo con preguntas")
    s2 = dataclasses.replace(by_key["K-s2"], tags=("retroalimentación",))
    s1 = dataclasses.replace(by_key["K-s1"], order=5, text=" Preguntas abiertas ")
    c3 = Node(id="n99", key="K-c3", kind="change_idea", text="Bitácora docente")
    new_nodes = [n for n in nodes if n.key not in {"K-c1", "K-s2", "K-c2", "K-s1"}] + [c1, s2, s1, c3]
    new_links = [link for link in links if link.child_id != ids["c2"] and link != Link(ids["p1"], ids["s2"])] + [
        Link(ids["p2"], ids["s2"]),
        Link(ids["s2"], "n99"),
    ]

    diff = diff_versions(NODES, new_nodes, old_links=LINKS, new_links=new_links)

    assert diff == DiagramDiff(
        added=(c3,),
        removed=(NODES[0],),  # c2
        changed=(
            NodeChange(
                key="K-s2",
                old=NODES[5],
                new=s2,
                changes=(
                    FieldChange("tags", (), ("retroalimentación",)),
                    FieldChange("parents", ("K-p1",), ("K-p2",)),
                ),
            ),
            NodeChange(
                key="K-c1",
                old=NODES[7],
                new=c1,
                changes=(FieldChange("text", "Rutina de saludo", "Rutina de saludo con preguntas"),),
            ),
        ),
    )
    assert diff.changed[0].fields == ("tags", "parents")
    assert not diff.is_empty


def test_diff_detects_kind_change_and_tag_order_is_ignored() -> None:
    old = [node("x", "secondary", "Idea", tags=("b", "a"))]
    new = [Node(id="y", key="K-x", kind="primary", text="Idea", tags=("a", "b", "a"))]
    diff = diff_versions(old, new, old_links=[], new_links=[])
    assert diff.changed[0].changes == (FieldChange("kind", "secondary", "primary"),)


def test_diff_rejects_duplicate_keys() -> None:
    with pytest.raises(InvalidDiagramError, match="clave K-a está repetida en la versión nueva"):
        diff_versions(NODES, [*NODES, NODES[2]], old_links=LINKS, new_links=LINKS)
