"""Reading driver diagrams as the cycles service returns them (pure).

A version is read as the cycles service returns it (``tree``: ``{"aim": node,
"unlinked": [nodes]}`` with nested ``children``, plus a flat ``change_ideas`` list),
and also from a flat ``nodes`` list (each with ``parent_ids``, or a separate ``links``
list of ``{parent_id, child_id}``). Nodes are matched
across versions by ``key`` (stable identity), so a cycle linked to a change idea of
an older version is still grouped under that idea.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class DiagramNode:
    id: str
    key: str
    kind: str
    text: str
    tags: list[str]
    order: int
    parents: list[str] = field(default_factory=list)


@dataclass
class Diagram:
    id: str
    version: int
    status: str
    title: str
    nodes: dict[str, DiagramNode]

    def children(self, node_id: str) -> list[DiagramNode]:
        return sorted((n for n in self.nodes.values() if node_id in n.parents), key=lambda n: (n.order, n.text))

    def of_kind(self, kind: str) -> list[DiagramNode]:
        return sorted((n for n in self.nodes.values() if n.kind == kind), key=lambda n: (n.order, n.text))


def _node(raw: JSON, parents: Iterable[str]) -> DiagramNode:
    node_id = str(raw.get("id") or raw.get("key") or "")
    own = raw.get("parent_ids") or raw.get("parents") or []
    parent_ids = [str(p["id"]) if isinstance(p, dict) else str(p) for p in own]
    if raw.get("parent_id"):
        parent_ids.append(str(raw["parent_id"]))
    return DiagramNode(
        id=node_id,
        key=str(raw.get("key") or node_id),
        kind=str(raw.get("kind", "")),
        text=str(raw.get("text") or raw.get("title") or ""),
        tags=[str(t) for t in raw.get("tags") or []],
        order=int(raw.get("order") or 0),
        parents=list(dict.fromkeys([*parent_ids, *parents])),
    )


def parse_diagram(raw: JSON) -> Diagram:
    nodes: dict[str, DiagramNode] = {}

    def walk(item: JSON, parent: str | None) -> None:
        node = _node(item, [parent] if parent else [])
        if node.id in nodes:
            nodes[node.id].parents = list(dict.fromkeys([*nodes[node.id].parents, *node.parents]))
        else:
            nodes[node.id] = node
        for child in item.get("children") or []:
            walk(child, node.id)

    flat = raw.get("nodes")
    if isinstance(flat, list):
        for item in flat:
            walk(item, None)
    tree = raw.get("tree") or raw.get("root")
    if isinstance(tree, dict):
        if "aim" in tree or "unlinked" in tree:  # the cycles service: {"aim": node, "unlinked": [nodes]}
            if isinstance(tree.get("aim"), dict):
                walk(tree["aim"], None)
            for item in tree.get("unlinked") or []:
                walk(item, None)
        else:
            walk(tree, None)
    for item in raw.get("change_ideas") or []:
        walk({"kind": "change_idea", **item}, None)
    for link in raw.get("links") or []:
        child = nodes.get(str(link.get("child_id")))
        if child is not None and str(link.get("parent_id")) not in child.parents:
            child.parents.append(str(link.get("parent_id")))
    return Diagram(
        id=str(raw.get("id", "")),
        version=int(raw.get("version") or 0),
        status=str(raw.get("status", "")),
        title=str(raw.get("title", "")),
        nodes=nodes,
    )


def current_diagram(diagrams: Sequence[JSON]) -> Diagram | None:
    """The newest published version, else the newest version."""
    parsed = [parse_diagram(d) for d in diagrams]
    if not parsed:
        return None
    published = [d for d in parsed if d.status == "published"]
    return max(published or parsed, key=lambda d: d.version)


def tagged_change_ideas(diagram: Diagram | None, tag: str) -> list[tuple[DiagramNode, str | None]]:
    """Change ideas carrying ``tag`` (case-insensitive), with the text of their first secondary driver."""
    if diagram is None:
        return []
    wanted = tag.casefold()
    out: list[tuple[DiagramNode, str | None]] = []
    for node in diagram.of_kind("change_idea"):
        if any(t.casefold() == wanted for t in node.tags):
            parent = next((diagram.nodes[p] for p in node.parents if p in diagram.nodes), None)
            out.append((node, parent.text if parent else None))
    return out
