"""The PHEA learning log (bitácora): every cycle grouped by driver and change idea, ramps in order."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class LogQuestion(BaseModel):
    text: str
    prediction: str
    result: str


class LogCycle(BaseModel):
    id: str
    title: str
    school: str
    owner: str
    stage: str
    stage_label: str
    objective: str
    questions: list[LogQuestion]
    carried_out_on: str | None = Field(description="Fecha en que se hizo (en castellano)")
    study_learning: str
    act_decision: str | None
    decision_label: str | None
    act_next_steps: str
    updated_label: str


class LogRamp(BaseModel):
    """A chain of cycles, each continuing the previous one (``previous_cycle_id``)."""

    cycles: list[LogCycle]


class LogChangeIdea(BaseModel):
    key: str | None
    text: str
    tags: list[str]
    ramps: list[LogRamp]


class LogDriver(BaseModel):
    primary: str | None = Field(description="Impulsor primario")
    secondary: str | None = Field(description="Impulsor secundario (null: ciclos sin idea de cambio del diagrama)")
    change_ideas: list[LogChangeIdea]


class CyclesLog(BaseModel):
    network_id: uuid.UUID
    network_name: str
    diagram_title: str | None
    total_cycles: int
    by_decision: dict[str, int]
    drivers: list[LogDriver]
