"""A driver diagram version from the cycles service, read into :class:`~reports_service.domain.diagram.Diagram`.

The cycles service sends ``tree`` = ``{"aim": node, "unlinked": [nodes]}`` with nested ``children`` (each node
with its ``parent_ids``), plus a flat ``change_ideas`` list.
"""

from __future__ import annotations

from ..clients.cycles import DiagramVersion, TreeNode
from ..domain.diagram import Diagram, DiagramNode


def read_diagram(version: DiagramVersion) -> Diagram:
    diagram = Diagram(id=version.id, version=version.version, status=version.status, title=version.title, nodes={})

    def walk(item: TreeNode, parent: str | None) -> None:
        parents = [*item.parent_ids, *([parent] if parent else [])]
        diagram.add(
            DiagramNode(
                id=item.id,
                key=item.key or item.id,
                kind=item.kind,
                text=item.text,
                tags=list(item.tags),
                order=item.order,
                parents=list(dict.fromkeys(parents)),
            )
        )
        for child in item.children:
            walk(child, item.id)

    tree = version.nodes()
    if tree.aim is not None:
        walk(tree.aim, None)
    for item in tree.unlinked:
        walk(item, None)
    for idea in version.change_ideas:
        diagram.add(
            DiagramNode(
                id=idea.id,
                key=idea.key or idea.id,
                kind="change_idea",
                text=idea.text,
                tags=list(idea.tags),
                order=0,
                parents=list(dict.fromkeys(idea.parent_ids)),
            )
        )
    return diagram
