"""What changed between two versions of a driver diagram, nodes matched by their stable ``key``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .driver_diagram import InvalidDiagramError, Link, Node, display_order

__all__ = ["DiagramDiff", "FieldChange", "NodeChange", "diff_versions"]


class FieldChange(NamedTuple):
    """One changed attribute of a node matched by key."""

    field: Literal["kind", "text", "tags", "parents"]
    old: str | tuple[str, ...]
    """``parents`` are compared (and shown) as sorted parent *keys*."""
    new: str | tuple[str, ...]


@dataclass(frozen=True)
class NodeChange:
    """A node present in both versions whose kind, text, tags or parents changed."""

    key: str
    old: Node
    new: Node
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """Names of the changed attributes."""
        return tuple(change.field for change in self.changes)


@dataclass(frozen=True)
class DiagramDiff:
    """Differences between two versions, nodes matched by ``key``."""

    added: tuple[Node, ...]
    removed: tuple[Node, ...]
    changed: tuple[NodeChange, ...]

    @property
    def is_empty(self) -> bool:
        """``True`` when the versions are equivalent."""
        return not (self.added or self.removed or self.changed)


def _parent_keys(nodes: Sequence[Node], links: Iterable[Link], which: str) -> dict[str, tuple[str, ...]]:
    key_of = {node.id: node.key for node in nodes}
    parents: dict[str, set[str]] = defaultdict(set)
    for link in links:
        if link.parent_id not in key_of or link.child_id not in key_of:
            missing = link.parent_id if link.parent_id not in key_of else link.child_id
            raise InvalidDiagramError([f"Un vínculo de la versión {which} apunta a un nodo que no existe ({missing})"])
        parents[key_of[link.child_id]].add(key_of[link.parent_id])
    return {key: tuple(sorted(value)) for key, value in parents.items()}


def _by_key(nodes: Sequence[Node], which: str) -> dict[str, Node]:
    result: dict[str, Node] = {}
    for node in nodes:
        if node.key in result:
            raise InvalidDiagramError([f"La clave {node.key} está repetida en la versión {which}"])
        result[node.key] = node
    return result


def _tags(node: Node) -> tuple[str, ...]:
    return tuple(sorted({tag.strip() for tag in node.tags if tag.strip()}))


def diff_versions(
    old_nodes: Iterable[Node],
    new_nodes: Iterable[Node],
    *,
    old_links: Iterable[Link],
    new_links: Iterable[Link],
) -> DiagramDiff:
    """Added, removed and changed nodes between two versions, matched by ``key``.

    A node is *changed* when its kind, text (ignoring surrounding spaces), set
    of tags or set of parents (by key) differs. ``order`` alone is not a
    change. Results are sorted aim → primary → secondary → change idea, then
    by ``order`` and text.
    """
    old_list = list(old_nodes)
    new_list = list(new_nodes)
    old_by_key = _by_key(old_list, "anterior")
    new_by_key = _by_key(new_list, "nueva")
    old_parents = _parent_keys(old_list, old_links, "anterior")
    new_parents = _parent_keys(new_list, new_links, "nueva")

    added = sorted(
        (node for key, node in new_by_key.items() if key not in old_by_key),
        key=display_order,
    )
    removed = sorted(
        (node for key, node in old_by_key.items() if key not in new_by_key),
        key=display_order,
    )
    changed: list[NodeChange] = []
    for new in sorted(new_list, key=display_order):
        old = old_by_key.get(new.key)
        if old is None:
            continue
        changes: list[FieldChange] = []
        if old.kind != new.kind:
            changes.append(FieldChange("kind", old.kind, new.kind))
        if old.text.strip() != new.text.strip():
            changes.append(FieldChange("text", old.text, new.text))
        if _tags(old) != _tags(new):
            changes.append(FieldChange("tags", _tags(old), _tags(new)))
        before = old_parents.get(new.key, ())
        after = new_parents.get(new.key, ())
        if before != after:
            changes.append(FieldChange("parents", before, after))
        if changes:
            changed.append(NodeChange(new.key, old, new, tuple(changes)))
    return DiagramDiff(tuple(added), tuple(removed), tuple(changed))
