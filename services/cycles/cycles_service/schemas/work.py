"""PHEA cycle schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StageCode = Literal["plan", "do", "study", "act", "closed"]
DecisionCode = Literal["adopt", "adapt", "abandon"]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Question(BaseModel):
    model_config = _STRICT
    text: str = Field(default="", max_length=1000, description="La pregunta")
    prediction: str = Field(default="", max_length=2000, description="Lo que predecimos que ocurrirá")
    result: str = Field(default="", max_length=4000, description="Lo que ocurrió, comparado con la predicción")


class CycleCreate(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    network_id: uuid.UUID
    title: str = Field(min_length=1, max_length=200)
    change_idea_id: uuid.UUID | None = Field(default=None, description="Idea de cambio (nodo del diagrama conductor)")
    school_id: uuid.UUID | None = Field(
        default=None, description="Equipo: establecimiento; si se omite, el de quien crea; null = toda la red"
    )
    owner_id: uuid.UUID | None = Field(default=None, description="Responsable; por defecto quien crea")
    objective: str = Field(default="", max_length=4000)


class CycleUpdate(BaseModel):
    model_config = _STRICT
    title: str | None = Field(default=None, min_length=1, max_length=200)
    change_idea_id: uuid.UUID | None = None
    school_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    objective: str | None = Field(default=None, max_length=4000)
    questions: list[Question] | None = Field(default=None, max_length=20)
    plan_who: str | None = Field(default=None, max_length=2000)
    plan_what: str | None = Field(default=None, max_length=4000)
    plan_when: str | None = Field(default=None, max_length=2000)
    plan_where: str | None = Field(default=None, max_length=2000)
    plan_data_collection: str | None = Field(default=None, max_length=4000)
    do_carried_out_on: date | None = None
    do_what_happened: str | None = Field(default=None, max_length=8000)
    do_problems: str | None = Field(default=None, max_length=4000)
    do_observations: str | None = Field(default=None, max_length=4000)
    study_learning: str | None = Field(default=None, max_length=8000)
    act_decision: DecisionCode | None = None
    act_next_steps: str | None = Field(default=None, max_length=4000)


class Transition(BaseModel):
    kind: Literal["advance", "reopen"]
    from_stage: StageCode
    to_stage: StageCode
    actor_id: uuid.UUID | None
    actor_name: str
    reason: str
    at: datetime


class MissingField(BaseModel):
    field: str
    message: str


class CycleRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    school_id: uuid.UUID | None
    change_idea_id: uuid.UUID | None
    owner_id: uuid.UUID
    owner_name: str
    previous_cycle_id: uuid.UUID | None
    next_cycle_id: uuid.UUID | None
    title: str
    stage: StageCode
    stage_label: str
    objective: str
    questions: list[Question]
    plan_who: str
    plan_what: str
    plan_when: str
    plan_where: str
    plan_data_collection: str
    do_carried_out_on: date | None
    do_what_happened: str
    do_problems: str
    do_observations: str
    study_learning: str
    act_decision: DecisionCode | None
    act_next_steps: str
    missing: list[MissingField] = Field(description="Lo que falta para avanzar desde la etapa actual")
    history: list[Transition]
    revision: int = Field(description="Versión para concurrencia optimista (igual al ETag)")
    created_at: datetime
    updated_at: datetime


class CycleSummary(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    school_id: uuid.UUID | None
    change_idea_id: uuid.UUID | None
    owner_id: uuid.UUID
    owner_name: str
    previous_cycle_id: uuid.UUID | None
    title: str
    stage: StageCode
    act_decision: DecisionCode | None
    objective: str
    questions: list[Question]
    updated_at: datetime


class ReopenRequest(BaseModel):
    model_config = _STRICT
    to_stage: StageCode
    reason: str = Field(default="", max_length=2000)


class NextCycleRequest(BaseModel):
    model_config = _STRICT
    id: uuid.UUID | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)


class Ramp(BaseModel):
    change_idea_id: uuid.UUID | None
    items: list[CycleSummary] = Field(description="La cadena de ciclos, del primero al último")
