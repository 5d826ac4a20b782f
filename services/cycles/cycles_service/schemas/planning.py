"""Aim and driver diagram schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .bounds import VERSION_DESCRIPTION, Amount, Order

NodeKind = Literal["aim", "primary", "secondary", "change_idea"]
DiagramStatus = Literal["draft", "published"]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
DomainCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{1,10}$")]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AimCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    statement: str = Field(min_length=1, max_length=2000)
    measure_id: uuid.UUID | None = Field(default=None, description="Medida con que se juzga la meta")
    measure_description: str = Field(default="", max_length=1000)
    baseline: Amount | None = None
    target_value: Amount | None = None
    target_date: date | None = None
    focus_domain: DomainCode | None = Field(default=None, description="Dominio del instrumento, p. ej. IS")


class AimUpdate(BaseModel):
    model_config = _STRICT
    statement: str | None = Field(default=None, min_length=1, max_length=2000)
    measure_id: uuid.UUID | None = None
    measure_description: str | None = Field(default=None, max_length=1000)
    baseline: Amount | None = None
    target_value: Amount | None = None
    target_date: date | None = None
    focus_domain: DomainCode | None = None


class AimRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    statement: str
    measure_id: uuid.UUID | None
    measure_description: str
    baseline: float | None
    target_value: float | None
    target_date: date | None
    focus_domain: str | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description=VERSION_DESCRIPTION)


class DiagramCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    title: str = Field(min_length=1, max_length=200)
    start: Literal["copy", "empty"] = Field(
        default="copy", description="copy: copia de la última versión; empty: vacía"
    )


class DiagramUpdate(BaseModel):
    model_config = _STRICT
    title: str = Field(min_length=1, max_length=200)


class DiagramSummary(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    version: int
    title: str
    status: DiagramStatus
    based_on_id: uuid.UUID | None
    published_at: datetime | None
    created_at: datetime
    node_count: int
    revision: int = Field(
        description='Cambios de esta versión (distinto de `version`); el ETag es este número entre comillas: "2"'
    )


class ChangeIdeaRead(BaseModel):
    id: uuid.UUID
    key: str
    text: str
    tags: list[str]
    parent_ids: list[uuid.UUID]
    version: int = Field(description=VERSION_DESCRIPTION)


class DiagramRead(DiagramSummary):
    tree: dict[str, Any] = Field(
        description="aim → primary → secondary → change_idea; `unlinked`: nodos sin padre; cada nodo con su `version`"
    )
    change_ideas: list[ChangeIdeaRead]


class NodeCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = None
    kind: NodeKind
    text: str = Field(min_length=1, max_length=1000)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    parent_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    order: Order = 0


class NodeUpdate(BaseModel):
    model_config = _STRICT
    text: str | None = Field(default=None, min_length=1, max_length=1000)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    parent_ids: list[uuid.UUID] | None = Field(default=None, max_length=20, description="Mover: nuevos padres")
    order: Order | None = None


class NodeRead(BaseModel):
    id: uuid.UUID
    diagram_id: uuid.UUID
    key: str
    kind: NodeKind
    text: str
    tags: list[str]
    order: int
    parent_ids: list[uuid.UUID]
    version: int = Field(description=VERSION_DESCRIPTION)


class DiffNode(BaseModel):
    key: str
    kind: NodeKind
    text: str


class DiffField(BaseModel):
    field: str
    old: str | list[str]
    new: str | list[str]


class DiffChange(DiffNode):
    old_text: str
    changes: list[DiffField]


class DiagramDiffRead(BaseModel):
    diagram_id: uuid.UUID
    against_id: uuid.UUID
    added: list[DiffNode]
    removed: list[DiffNode]
    changed: list[DiffChange]
