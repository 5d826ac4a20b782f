"""Driver diagram versions as the reports read them (pure).

Nodes are matched across versions by ``key`` (stable identity), so a cycle linked to a change idea of an older
version is still grouped under that idea.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


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

    def add(self, node: DiagramNode) -> None:
        """Add a node; one seen again (a change idea under two drivers) gains the new parents."""
        known = self.nodes.get(node.id)
        if known is None:
            self.nodes[node.id] = node
        else:
            known.parents = list(dict.fromkeys([*known.parents, *node.parents]))


def current_diagram(diagrams: Sequence[Diagram]) -> Diagram | None:
    """The newest published version, else the newest version."""
    if not diagrams:
        return None
    published = [d for d in diagrams if d.status == "published"]
    return max(published or diagrams, key=lambda d: d.version)


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
