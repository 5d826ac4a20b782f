"""Driver diagrams (versions, draft editing, publish, diff) over ``domain.driver_diagram``; aims: :mod:`.aims`."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from mejora_common.db import utcnow
from mejora_common.errors import ProblemError, conflict, id_unavailable, invalid, not_found
from mejora_common.pagination import paginate

from ..domain.access import Actor
from ..domain.diagram_diff import diff_versions
from ..domain.driver_diagram import (
    InvalidLinkError,
    Link,
    Node,
    build_tree,
    copy_version,
    new_key,
    validate_diagram,
    validate_link,
)
from ..models import DiagramLink, DiagramNode, DriverDiagram
from ..schemas.planning import (
    ChangeIdeaRead,
    DiagramCreate,
    DiagramDiffRead,
    DiagramRead,
    DiagramSummary,
    DiffChange,
    DiffField,
    DiffNode,
    NodeCreate,
    NodeRead,
    NodeUpdate,
)
from .access import require
from .common import apply, require_version
from .networks import require_network

EDIT = "Solo coordinación y facilitación editan la meta y el diagrama conductor."
DIAGRAM = "la versión del diagrama conductor"
NODE = "el nodo"


# ------------------------------------------------------------------------------------------------ diagrams
def _nodes(session: Session, diagram_id: uuid.UUID) -> list[DiagramNode]:
    return list(session.exec(select(DiagramNode).where(DiagramNode.diagram_id == diagram_id)).all())


def _links(session: Session, diagram_id: uuid.UUID) -> list[DiagramLink]:
    return list(session.exec(select(DiagramLink).where(DiagramLink.diagram_id == diagram_id)).all())


def _domain(nodes: list[DiagramNode], links: list[DiagramLink]) -> tuple[list[Node], list[Link]]:
    return (
        [Node(str(n.id), n.key, n.kind, n.text, tuple(n.tags), n.order) for n in nodes],  # type: ignore[arg-type]
        [Link(str(lk.parent_id), str(lk.child_id)) for lk in links],
    )


def summary(session: Session, diagram: DriverDiagram) -> DiagramSummary:
    count = session.exec(
        select(func.count()).select_from(DiagramNode).where(DiagramNode.diagram_id == diagram.id)
    ).one()
    return DiagramSummary(
        id=diagram.id,
        network_id=diagram.network_id,
        version=diagram.version,
        title=diagram.title,
        status=diagram.status,  # type: ignore[arg-type]
        based_on_id=diagram.based_on_id,
        published_at=diagram.published_at,
        created_at=diagram.created_at,
        node_count=count,
        revision=diagram.revision,
    )


def _stamp_versions(subtree: Any, versions: dict[str, int]) -> None:
    """Each rendered node gets its row's ``version`` (the If-Match of its PATCH or DELETE)."""
    if isinstance(subtree, dict):
        if "id" in subtree and "children" in subtree:
            subtree["version"] = versions.get(subtree["id"], 1)
        for value in subtree.values():
            _stamp_versions(value, versions)
    elif isinstance(subtree, list):
        for item in subtree:
            _stamp_versions(item, versions)


def diagram_read(session: Session, diagram: DriverDiagram) -> DiagramRead:
    rows = _nodes(session, diagram.id)
    versions = {str(n.id): n.version for n in rows}
    nodes, links = _domain(rows, _links(session, diagram.id))
    tree = dict(build_tree(nodes, links))
    _stamp_versions(tree, versions)
    parents: dict[str, list[uuid.UUID]] = {}
    for link in links:
        parents.setdefault(link.child_id, []).append(uuid.UUID(link.parent_id))
    ideas = sorted((n for n in nodes if n.kind == "change_idea"), key=lambda n: (n.order, n.text))
    return DiagramRead(
        **summary(session, diagram).model_dump(),
        tree=tree,
        change_ideas=[
            ChangeIdeaRead(
                id=uuid.UUID(n.id),
                key=n.key,
                text=n.text,
                tags=list(n.tags),
                parent_ids=sorted(parents.get(n.id, [])),
                version=versions[n.id],
            )
            for n in ideas
        ],
    )


def get_diagram(session: Session, diagram_id: uuid.UUID) -> DriverDiagram:
    diagram = session.get(DriverDiagram, diagram_id)
    if diagram is None:
        raise not_found("El diagrama conductor")
    return diagram


def list_diagrams(
    session: Session, network_id: uuid.UUID, status: str | None, limit: int, offset: int
) -> tuple[list[DiagramSummary], int]:
    query = select(DriverDiagram).where(DriverDiagram.network_id == network_id)
    if status:
        query = query.where(DriverDiagram.status == status)
    rows, total = paginate(session, query, limit, offset, col(DriverDiagram.version).desc())
    return [summary(session, d) for d in rows], total


def create_diagram(session: Session, actor: Actor, body: DiagramCreate) -> tuple[DriverDiagram, bool]:
    require(actor, actor.edits_theory, EDIT)
    require_network(session, actor.network_id)
    network_id = actor.network_id
    if body.id is not None:
        existing = session.get(DriverDiagram, body.id)
        if existing is not None:
            if existing.network_id != network_id:
                raise id_unavailable()
            return existing, False
    latest = session.exec(
        select(DriverDiagram).where(DriverDiagram.network_id == network_id).order_by(col(DriverDiagram.version).desc())
    ).first()
    if latest is not None and latest.status == "draft":
        raise conflict(
            "draft_exists",
            f"Ya hay un borrador (versión {latest.version}); publícalo antes de crear otra versión.",
            extra={"draft_id": str(latest.id)},
        )
    diagram = DriverDiagram(
        network_id=network_id,
        version=(latest.version + 1) if latest else 1,
        title=body.title,
        based_on_id=latest.id if latest and body.start == "copy" else None,
    )
    if body.id is not None:
        diagram.id = body.id
    session.add(diagram)
    session.flush()
    if latest is not None and body.start == "copy":
        nodes, links = _domain(_nodes(session, latest.id), _links(session, latest.id))
        copied = copy_version(nodes, links)
        for node in copied.nodes:
            session.add(
                DiagramNode(
                    id=uuid.UUID(node.id),
                    diagram_id=diagram.id,
                    key=node.key,
                    kind=node.kind,
                    text=node.text,
                    tags=list(node.tags),
                    order=node.order,
                )
            )
        session.flush()
        for link in copied.links:
            session.add(
                DiagramLink(
                    diagram_id=diagram.id, parent_id=uuid.UUID(link.parent_id), child_id=uuid.UUID(link.child_id)
                )
            )
    session.commit()
    session.refresh(diagram)
    return diagram, True


def rename_diagram(
    session: Session, actor: Actor, diagram: DriverDiagram, title: str, if_match: str | None
) -> DriverDiagram:
    require(actor, actor.edits_theory, EDIT)
    require_version(diagram, if_match, DIAGRAM)
    _require_draft(diagram)
    if apply(diagram, {"title": title}):
        session.add(diagram)
        session.commit()
        session.refresh(diagram)
    return diagram


def _require_draft(diagram: DriverDiagram) -> None:
    if diagram.status != "draft":
        raise conflict(
            "diagram_published",
            f"La versión {diagram.version} está publicada y no se puede modificar; crea una nueva versión.",
        )


def publish(session: Session, actor: Actor, diagram: DriverDiagram, if_match: str | None) -> DriverDiagram:
    require(actor, actor.edits_theory, EDIT)
    require_version(diagram, if_match, DIAGRAM)
    _require_draft(diagram)
    nodes, links = _domain(_nodes(session, diagram.id), _links(session, diagram.id))
    problems = validate_diagram(nodes, links)
    if not any(n.kind == "aim" for n in nodes):
        problems.append("El diagrama necesita una meta antes de publicarse")
    if problems:
        raise ProblemError(
            422,
            "diagram_invalid",
            "El diagrama no se puede publicar: " + "; ".join(problems),
            errors=[{"field": "nodes", "message": p} for p in problems],
        )
    diagram.status = "published"
    diagram.published_at = utcnow()
    diagram.updated_at = utcnow()
    session.add(diagram)
    session.commit()
    session.refresh(diagram)
    return diagram


def _parent_ids(session: Session, node: DiagramNode) -> list[uuid.UUID]:
    return list(session.exec(select(DiagramLink.parent_id).where(DiagramLink.child_id == node.id)).all())


def node_read(session: Session, node: DiagramNode) -> NodeRead:
    parents = _parent_ids(session, node)
    return NodeRead(
        id=node.id,
        diagram_id=node.diagram_id,
        key=node.key,
        kind=node.kind,  # type: ignore[arg-type]
        text=node.text,
        tags=list(node.tags),
        order=node.order,
        parent_ids=sorted(parents),
        version=node.version,
    )


def get_node(session: Session, node_id: uuid.UUID) -> tuple[DiagramNode, DriverDiagram]:
    node = session.get(DiagramNode, node_id)
    if node is None:
        raise not_found("El nodo")
    return node, get_diagram(session, node.diagram_id)


def _set_parents(session: Session, diagram: DriverDiagram, node: DiagramNode, parent_ids: list[uuid.UUID]) -> None:
    unique = list(dict.fromkeys(parent_ids))
    if node.kind in ("primary", "secondary") and len(unique) > 1:
        raise invalid("parent_ids", "Un impulsor depende de un solo nodo.")
    if node.kind == "aim" and unique:
        raise invalid("parent_ids", "La meta no puede depender de otro nodo.")
    for index, parent_id in enumerate(unique):
        parent = session.get(DiagramNode, parent_id)
        if parent is None or parent.diagram_id != diagram.id:
            raise invalid(f"parent_ids[{index}]", "El nodo padre no existe en esta versión del diagrama.")
        try:
            validate_link(parent.kind, node.kind)
        except InvalidLinkError as exc:
            raise invalid(f"parent_ids[{index}]", str(exc)) from exc
    for link in session.exec(select(DiagramLink).where(DiagramLink.child_id == node.id)).all():
        session.delete(link)
    session.flush()
    for parent_id in unique:
        session.add(DiagramLink(diagram_id=diagram.id, parent_id=parent_id, child_id=node.id))


def add_node(session: Session, actor: Actor, diagram: DriverDiagram, body: NodeCreate) -> tuple[NodeRead, bool]:
    require(actor, actor.edits_theory, EDIT)
    if body.id is not None:
        existing = session.get(DiagramNode, body.id)
        if existing is not None:
            if existing.diagram_id != diagram.id:
                raise id_unavailable()
            return node_read(session, existing), False
    _require_draft(diagram)
    if body.kind == "aim":
        has_aim = session.exec(
            select(DiagramNode.id).where(DiagramNode.diagram_id == diagram.id, DiagramNode.kind == "aim")
        ).first()
        if has_aim is not None:
            raise invalid("kind", "El diagrama ya tiene una meta; edítala en vez de agregar otra.")
    node = DiagramNode(
        diagram_id=diagram.id, key=new_key(), kind=body.kind, text=body.text, tags=list(body.tags), order=body.order
    )
    if body.id is not None:
        node.id = body.id
    session.add(node)
    session.flush()
    _set_parents(session, diagram, node, body.parent_ids)
    _touch(session, diagram)
    return node_read(session, node), True


def _touch(session: Session, diagram: DriverDiagram) -> None:
    """Commit a node change with its draft: the diagram's revision grows (its tree changed) in one UPDATE that also
    requires the draft to be still a draft, so a node never lands in a version published meanwhile. Not
    conditional on the revision read: edits of two different nodes do not conflict."""
    touched = session.execute(
        update(DriverDiagram)
        .where(col(DriverDiagram.id) == diagram.id, col(DriverDiagram.status) == "draft")
        .values(updated_at=utcnow(), revision=DriverDiagram.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if touched.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise conflict("diagram_published", "Esta versión se publicó mientras la editabas; crea una nueva versión.")
    session.commit()


def update_node(
    session: Session,
    actor: Actor,
    diagram: DriverDiagram,
    node: DiagramNode,
    body: NodeUpdate,
    *,
    if_match: str | None,
) -> NodeRead:
    require(actor, actor.edits_theory, EDIT)
    require_version(node, if_match, NODE)
    _require_draft(diagram)
    changes: dict[str, Any] = {
        k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None and k != "parent_ids"
    }
    changed = apply(node, changes)
    if body.parent_ids is not None and set(body.parent_ids) != set(_parent_ids(session, node)):
        _set_parents(session, diagram, node, body.parent_ids)
        changed = True
    if not changed:
        return node_read(session, node)
    flag_modified(node, "text")  # a move changes only links: the node's version must grow (and be checked) too
    session.add(node)
    _touch(session, diagram)
    session.refresh(node)
    return node_read(session, node)


def remove_node(
    session: Session, actor: Actor, diagram: DriverDiagram, node: DiagramNode, if_match: str | None
) -> None:
    """Removes the node and its links; its children stay in the version, unlinked, until moved."""
    require(actor, actor.edits_theory, EDIT)
    require_version(node, if_match, NODE)
    _require_draft(diagram)
    for link in session.exec(
        select(DiagramLink).where((DiagramLink.child_id == node.id) | (DiagramLink.parent_id == node.id))
    ).all():
        session.delete(link)
    session.flush()
    session.delete(node)
    _touch(session, diagram)


def diff(session: Session, diagram: DriverDiagram, against_id: uuid.UUID) -> DiagramDiffRead:
    """What changed from version ``against_id`` (older) to ``diagram`` (newer), nodes matched by key."""
    against = get_diagram(session, against_id)
    if against.network_id != diagram.network_id:
        raise not_found("La otra versión del diagrama")
    old_nodes, old_links = _domain(_nodes(session, against.id), _links(session, against.id))
    new_nodes, new_links = _domain(_nodes(session, diagram.id), _links(session, diagram.id))
    result = diff_versions(old_nodes, new_nodes, old_links=old_links, new_links=new_links)
    return DiagramDiffRead(
        diagram_id=diagram.id,
        against_id=against.id,
        added=[DiffNode(key=n.key, kind=n.kind, text=n.text) for n in result.added],
        removed=[DiffNode(key=n.key, kind=n.kind, text=n.text) for n in result.removed],
        changed=[
            DiffChange(
                key=c.key,
                kind=c.new.kind,
                text=c.new.text,
                old_text=c.old.text,
                changes=[
                    DiffField(
                        field=f.field,
                        old=f.old if isinstance(f.old, str) else list(f.old),
                        new=f.new if isinstance(f.new, str) else list(f.new),
                    )
                    for f in c.changes
                ],
            )
            for c in result.changed
        ],
    )
