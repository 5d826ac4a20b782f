"""Directory schemas: schools, people and roster import."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..domain.chile import InvalidRbd, InvalidRun, normalize_run, validate_rbd
from ..domain.levels import UnknownLevelError, parse_levels
from ..domain.roles import UnknownRoleError, parse_role
from .bounds import VERSION_DESCRIPTION

RoleCode = Literal["coordinator", "facilitator", "coach", "leader", "teacher"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _rbd(value: int) -> int:
    try:
        return validate_rbd(value)
    except InvalidRbd as exc:
        raise ValueError(str(exc)) from exc


def _run(value: str) -> str:
    try:
        return normalize_run(value)
    except InvalidRun as exc:
        raise ValueError(str(exc)) from exc


def _levels(value: list[str]) -> list[str]:
    try:
        return list(parse_levels(value))
    except UnknownLevelError as exc:
        raise ValueError(str(exc)) from exc


def _role(value: str) -> str:
    try:
        return parse_role(value)
    except UnknownRoleError as exc:
        raise ValueError(str(exc)) from exc


def _email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError(f"El correo «{value}» no tiene un formato válido (por ejemplo nombre@escuela.cl)")
    return value


Rbd = Annotated[int, AfterValidator(_rbd)]
Run = Annotated[str, AfterValidator(_run)]
Levels = Annotated[list[str], AfterValidator(_levels)]
Role = Annotated[str, AfterValidator(_role), Field(description="coordinator, facilitator, coach, leader o teacher")]
Email = Annotated[str | None, AfterValidator(_email)]
Name = Annotated[str, Field(min_length=1, max_length=200)]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SchoolCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    rbd: Rbd
    name: Name
    commune: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    levels: Levels = Field(default_factory=list)


class SchoolUpdate(BaseModel):
    model_config = _STRICT
    rbd: Rbd | None = None
    name: Name | None = None
    commune: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    levels: Levels | None = None


class SchoolRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    rbd: int
    name: str
    commune: str
    region: str
    levels: list[str]
    version: int = Field(description=VERSION_DESCRIPTION)


class PersonCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    run: Run = Field(description="RUN con dígito verificador, con o sin puntos: 12.345.678-5")
    name: Name
    email: Email = None
    role: Role
    school_id: uuid.UUID | None = None
    levels: Levels = Field(default_factory=list)


class PersonUpdate(BaseModel):
    model_config = _STRICT
    run: Run | None = None
    name: Name | None = None
    email: Email = None
    role: Role | None = None
    school_id: uuid.UUID | None = None
    levels: Levels | None = None


class PersonRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    run: str | None = Field(description="RUN normalizado (12345678-5); solo visible para coordinación y la persona")
    name: str
    email: str | None
    role: str
    school_id: uuid.UUID | None
    levels: list[str]
    version: int = Field(description=VERSION_DESCRIPTION)


class RosterChange(BaseModel):
    entity: Literal["school", "person"]
    action: Literal["created", "updated"]
    key: str = Field(description="RBD del establecimiento o RUN de la persona")
    name: str
    fields: list[str] = Field(description="Campos que cambian (vacío al crear)")
    line: int


class RosterCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RosterReport(BaseModel):
    dry_run: bool
    schools: RosterCounts
    people: RosterCounts
    changes: list[RosterChange]
    ignored_columns: list[str]
    encoding: str
    delimiter: str
    rows: int
