"""Driver diagram (diagrama conductor): tree, link rules and versions (diffs: :mod:`.diagram_diff`).

A diagram version is a set of :class:`Node` and :class:`Link` (parent → child):

=================  ===================  ==============================
kind               label (es-CL)        parent
=================  ===================  ==============================
``aim``            Meta                 none (exactly one per version)
``primary``        Impulsor primario    the aim (exactly one)
``secondary``      Impulsor secundario  a primary driver (exactly one)
``change_idea``    Idea de cambio       one or several secondaries
=================  ===================  ==============================

Every node has an ``id`` (unique per version, e.g. a UUID) and a ``key``: a
stable identity (e.g. a UUID from :func:`new_key`) assigned when the node is
first created and carried over unchanged when a version is copied
(:func:`copy_version` gives new ids, same keys). :func:`.diagram_diff.diff_versions`
matches nodes across versions by ``key``.

Ids and keys are plain strings; pass ``str(uuid)`` when they are UUIDs.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple, TypedDict, get_args

__all__ = [
    "ALLOWED_PARENT_KIND",
    "NODE_KINDS",
    "NODE_KIND_LABELS",
    "CopiedVersion",
    "InvalidDiagramError",
    "InvalidLinkError",
    "Link",
    "Node",
    "NodeKind",
    "Tree",
    "TreeNode",
    "build_tree",
    "copy_version",
    "display_order",
    "new_key",
    "validate_diagram",
    "validate_link",
]

NodeKind = Literal["aim", "primary", "secondary", "change_idea"]
NODE_KINDS: Final[tuple[NodeKind, ...]] = get_args(NodeKind)

NODE_KIND_LABELS: Final[Mapping[NodeKind, str]] = {
    "aim": "Meta",
    "primary": "Impulsor primario",
    "secondary": "Impulsor secundario",
    "change_idea": "Idea de cambio",
}

ALLOWED_PARENT_KIND: Final[Mapping[NodeKind, NodeKind | None]] = {
    "aim": None,
    "primary": "aim",
    "secondary": "primary",
    "change_idea": "secondary",
}
"""The only kind of parent each kind of node may hang from."""

_RANK: Final[Mapping[str, int]] = {kind: index for index, kind in enumerate(NODE_KINDS)}

# Spanish phrases with article, for messages.
_WITH_ARTICLE: Final[Mapping[NodeKind, str]] = {
    "aim": "la meta",
    "primary": "un impulsor primario",
    "secondary": "un impulsor secundario",
    "change_idea": "una idea de cambio",
}


@dataclass(frozen=True)
class Node:
    """One box of the diagram."""

    id: str
    key: str
    kind: NodeKind
    text: str
    tags: tuple[str, ...] = ()
    order: int = 0
    """Position among siblings (ascending)."""


@dataclass(frozen=True)
class Link:
    """``child_id`` hangs from ``parent_id``."""

    parent_id: str
    child_id: str


class InvalidLinkError(ValueError):
    """A link between kinds of node that cannot be linked."""


class InvalidDiagramError(ValueError):
    """A diagram with structural problems; ``problems`` lists them in Spanish."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))


class TreeNode(TypedDict):
    """A node of :func:`build_tree`'s result."""

    id: str
    key: str
    kind: NodeKind
    kind_label: str
    text: str
    tags: list[str]
    order: int
    parent_ids: list[str]
    """All parents (a change idea may have several), sorted."""
    children: list[TreeNode]


class Tree(TypedDict):
    """:func:`build_tree`'s result."""

    aim: TreeNode | None
    unlinked: list[TreeNode]
    """Subtrees not reachable from the aim (nodes without a parent yet)."""


class CopiedVersion(NamedTuple):
    """:func:`copy_version`'s result."""

    nodes: list[Node]
    links: list[Link]
    id_map: dict[str, str]
    """Old id → new id."""


def new_key() -> str:
    """A fresh stable key for a node created from scratch."""
    return str(uuid.uuid4())


def _new_id() -> str:
    return str(uuid.uuid4())


def validate_link(parent_kind: str, child_kind: str) -> None:
    """Raise :class:`InvalidLinkError` (Spanish message) unless ``child`` may hang
    from ``parent``: primary → aim, secondary → primary, change idea →
    secondary."""
    kinds = ", ".join(NODE_KINDS)
    if parent_kind not in _RANK:
        raise InvalidLinkError(f"Tipo de nodo desconocido: «{parent_kind}» (use {kinds})")
    if child_kind not in _RANK:
        raise InvalidLinkError(f"Tipo de nodo desconocido: «{child_kind}» (use {kinds})")
    child = NODE_KINDS[_RANK[child_kind]]
    parent = NODE_KINDS[_RANK[parent_kind]]
    expected = ALLOWED_PARENT_KIND[child]
    if expected is None:
        raise InvalidLinkError("La meta no puede depender de otro nodo")
    if parent != expected:
        raise InvalidLinkError(
            f"{NODE_KIND_LABELS[child]} no puede depender de {_WITH_ARTICLE[parent]}: "
            f"debe depender de {_WITH_ARTICLE[expected]}"
        )


def _describe(node: Node) -> str:
    text = " ".join(node.text.split())
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{NODE_KIND_LABELS[node.kind].lower()} «{text}»"


def validate_diagram(nodes: Iterable[Node], links: Iterable[Link]) -> list[str]:
    """Structural problems of one version, in Spanish; ``[]`` when valid.

    Checks: unique ids and keys, known kinds, at most one aim, links between
    existing nodes and allowed kinds, a single parent for primary and
    secondary drivers. Nodes without parent are *not* problems (a diagram
    is built step by step; :func:`build_tree` lists them as ``unlinked``).
    """
    problems: list[str] = []
    by_id: dict[str, Node] = {}
    keys: set[str] = set()
    aims = 0
    for node in nodes:
        if node.kind not in _RANK:
            problems.append(f"Tipo de nodo desconocido: «{node.kind}»")
            continue
        if node.id in by_id:
            problems.append(f"El identificador {node.id} está repetido")
            continue
        if node.key in keys:
            problems.append(f"La clave {node.key} está repetida en esta versión")
        by_id[node.id] = node
        keys.add(node.key)
        if node.kind == "aim":
            aims += 1
    if aims > 1:
        problems.append(f"El diagrama tiene {aims} metas; debe tener una sola")

    parents: dict[str, set[str]] = defaultdict(set)
    for link in links:
        parent = by_id.get(link.parent_id)
        child = by_id.get(link.child_id)
        if parent is None or child is None:
            missing = link.parent_id if parent is None else link.child_id
            problems.append(f"Un vínculo apunta a un nodo que no existe ({missing})")
            continue
        try:
            validate_link(parent.kind, child.kind)
        except InvalidLinkError as exc:
            problems.append(f"{exc} ({_describe(child)})")
            continue
        parents[child.id].add(parent.id)
    for child_id, parent_ids in parents.items():
        child = by_id[child_id]
        if child.kind in ("primary", "secondary") and len(parent_ids) > 1:
            problems.append(
                f"{NODE_KIND_LABELS[child.kind]} «{child.text}» depende de "
                f"{len(parent_ids)} nodos; debe depender de uno solo"
            )
    return problems


def display_order(node: Node) -> tuple[int, int, str, str]:
    """Aim, primary, secondary, change idea; then ``order`` and text (how trees and diffs list nodes)."""
    folded = unicodedata.normalize("NFKD", node.text).casefold()
    return _RANK[node.kind], node.order, folded, node.key


def build_tree(nodes: Iterable[Node], links: Iterable[Link]) -> Tree:
    """Nested view of one version: aim → primaries → secondaries → change ideas.

    A change idea linked to several secondaries appears under each of them
    (``parent_ids`` lists them all). Siblings are sorted by ``order``, then
    text. Nodes not reachable from the aim are returned, as subtrees, in
    ``unlinked``. Raises :class:`InvalidDiagramError` when
    :func:`validate_diagram` finds problems.
    """
    node_list = list(nodes)
    link_list = list(links)
    problems = validate_diagram(node_list, link_list)
    if problems:
        raise InvalidDiagramError(problems)
    by_id = {node.id: node for node in node_list}
    children: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)
    for link in link_list:
        children[link.parent_id].add(link.child_id)
        parents[link.child_id].add(link.parent_id)

    def render(node: Node) -> TreeNode:
        kids = sorted((by_id[i] for i in children[node.id]), key=display_order)
        return {
            "id": node.id,
            "key": node.key,
            "kind": node.kind,
            "kind_label": NODE_KIND_LABELS[node.kind],
            "text": node.text,
            "tags": list(node.tags),
            "order": node.order,
            "parent_ids": sorted(parents[node.id]),
            "children": [render(kid) for kid in kids],
        }

    aim_node = next((node for node in node_list if node.kind == "aim"), None)
    aim = render(aim_node) if aim_node is not None else None
    unlinked = [
        render(node) for node in sorted(node_list, key=display_order) if node.kind != "aim" and not parents[node.id]
    ]
    return {"aim": aim, "unlinked": unlinked}


def copy_version(
    nodes: Iterable[Node],
    links: Iterable[Link],
    *,
    new_id: Callable[[], str] = _new_id,
) -> CopiedVersion:
    """Copy a version with fresh ids (from ``new_id``) and the same keys.

    Links are re-pointed to the new ids. Raises :class:`InvalidDiagramError` if a
    link points to a node that is not in ``nodes``.
    """
    id_map: dict[str, str] = {}
    copied: list[Node] = []
    for node in nodes:
        if node.id in id_map:
            raise InvalidDiagramError([f"El identificador {node.id} está repetido"])
        fresh = new_id()
        id_map[node.id] = fresh
        copied.append(
            Node(
                id=fresh,
                key=node.key,
                kind=node.kind,
                text=node.text,
                tags=tuple(node.tags),
                order=node.order,
            )
        )
    copied_links: list[Link] = []
    problems: list[str] = []
    for link in links:
        if link.parent_id not in id_map or link.child_id not in id_map:
            missing = link.parent_id if link.parent_id not in id_map else link.child_id
            problems.append(f"Un vínculo apunta a un nodo que no existe ({missing})")
            continue
        copied_links.append(Link(id_map[link.parent_id], id_map[link.child_id]))
    if problems:
        raise InvalidDiagramError(problems)
    return CopiedVersion(copied, copied_links, id_map)
