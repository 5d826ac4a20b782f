from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from cycles_service.domain.cycle_stages import (
    STAGE_LABELS,
    STAGES,
    InvalidStageError,
    Missing,
    Stage,
    can_advance,
    can_reopen,
    may_reopen,
    missing_for_stage,
    next_stage,
    parse_stage,
    reopen_error,
)

PLAN: dict[str, Any] = {
    "objective": "Aumentar las interacciones de lenguaje durante el saludo",
    "questions": [
        {
            "text": "¿Cuántos niños responden con una oración completa?",
            "prediction": "Al menos la mitad del curso",
        }
    ],
    "plan_who": "Educadora de kínder A",
    "plan_what": "Preguntas abiertas en el saludo de la mañana",
    "plan_when": "Semana del 12 de mayo",
    "plan_where": "Kínder A, Escuela Los Aromos",
    "plan_data_collection": "Registro de respuestas en una lista de cotejo",
}
DO: dict[str, Any] = {
    "do_carried_out_on": dt.date(2025, 5, 14),
    "do_what_happened": "Se hicieron las preguntas durante tres días",
    "do_problems": "Un día faltó la asistente",
    "do_observations": "Los niños más callados respondieron más en grupos pequeños",
}
STUDY: dict[str, Any] = {"study_learning": "Las preguntas abiertas funcionan mejor en grupos"}
ACT: dict[str, Any] = {
    "act_decision": "adapt",
    "act_next_steps": "Probar en grupos pequeños en el próximo ciclo",
}


def with_results(fields: dict[str, Any]) -> dict[str, Any]:
    questions = [dict(q, result="12 de 25 niños (48 %)") for q in fields["questions"]]
    return {**fields, "questions": questions}


def complete() -> dict[str, Any]:
    return with_results({**PLAN, **DO, **STUDY, **ACT})


def fields_of(missing: list[Missing]) -> list[str]:
    return [item.field for item in missing]


def test_stages_and_labels() -> None:
    assert STAGES == ("plan", "do", "study", "act", "closed")
    assert [STAGE_LABELS[s] for s in STAGES] == [
        "Planificar",
        "Hacer",
        "Estudiar",
        "Actuar",
        "Cerrado",
    ]


def test_next_stage() -> None:
    assert next_stage("plan") == "do"
    assert next_stage("do") == "study"
    assert next_stage("study") == "act"
    assert next_stage("act") == "closed"
    assert next_stage("closed") is None


def test_parse_stage() -> None:
    assert parse_stage("study") == "study"
    with pytest.raises(InvalidStageError, match="Etapa desconocida: «estudiar»"):
        parse_stage("estudiar")


# ---------------------------------------------------------------- plan


def test_plan_empty_lists_everything() -> None:
    assert missing_for_stage("plan", {}) == [
        Missing("objective", "Falta el objetivo del ciclo"),
        Missing("questions", "Falta al menos una pregunta"),
        Missing("plan_who", "Falta indicar quién realizará la prueba"),
        Missing("plan_what", "Falta indicar qué se hará"),
        Missing("plan_when", "Falta indicar cuándo se hará"),
        Missing("plan_where", "Falta indicar dónde se hará"),
        Missing("plan_data_collection", "Falta indicar qué datos se recogerán"),
    ]


def test_plan_complete() -> None:
    assert missing_for_stage("plan", PLAN) == []


def test_plan_blank_texts_count_as_missing() -> None:
    fields = {**PLAN, "objective": "   ", "plan_where": None, "plan_who": 3}
    assert fields_of(missing_for_stage("plan", fields)) == [
        "objective",
        "plan_who",
        "plan_where",
    ]


def test_plan_each_question_needs_text_and_prediction() -> None:
    fields = {
        **PLAN,
        "questions": [
            {"text": "¿Primera?", "prediction": "Sí"},
            {"text": "¿Segunda?"},
            {"text": " ", "prediction": "No"},
            "¿Cuarta, escrita como texto?",
        ],
    }
    assert missing_for_stage("plan", fields) == [
        Missing("questions[1].prediction", "Falta la predicción de la pregunta 2"),
        Missing("questions[2].text", "Falta el texto de la pregunta 3"),
        Missing("questions[3].prediction", "Falta la predicción de la pregunta 4"),
    ]


def test_plan_empty_question_list() -> None:
    assert fields_of(missing_for_stage("plan", {**PLAN, "questions": []})) == ["questions"]


# ---------------------------------------------------------------- do


def test_do_empty() -> None:
    assert missing_for_stage("do", {}) == [
        Missing("do_carried_out_on", "Falta la fecha en que se realizó la prueba"),
        Missing("do_what_happened", "Falta describir qué ocurrió"),
        Missing(
            "do_problems",
            "Falta registrar los problemas encontrados (o indicar que no hubo)",
        ),
        Missing(
            "do_observations",
            "Falta registrar las observaciones inesperadas (o indicar que no hubo)",
        ),
    ]


def test_do_complete_with_date_or_iso_text() -> None:
    assert missing_for_stage("do", DO) == []
    assert missing_for_stage("do", {**DO, "do_carried_out_on": "2025-05-14"}) == []


@pytest.mark.parametrize("value", ["14/05/2025", "mañana", 20250514])
def test_do_invalid_date(value: object) -> None:
    assert missing_for_stage("do", {**DO, "do_carried_out_on": value}) == [
        Missing(
            "do_carried_out_on",
            "La fecha en que se realizó la prueba no es válida (use el formato AAAA-MM-DD)",
        )
    ]


# ---------------------------------------------------------------- study


def test_study_needs_each_result_and_learning() -> None:
    fields = {
        **PLAN,
        "questions": [
            {"text": "¿A?", "prediction": "x", "result": "y"},
            {"text": "¿B?", "prediction": "x", "result": ""},
            {"text": "¿C?", "prediction": "x"},
        ],
    }
    assert missing_for_stage("study", fields) == [
        Missing(
            "questions[1].result",
            "Falta comparar el resultado con la predicción de la pregunta 2",
        ),
        Missing(
            "questions[2].result",
            "Falta comparar el resultado con la predicción de la pregunta 3",
        ),
        Missing("study_learning", "Falta indicar qué se aprendió"),
    ]


def test_study_complete() -> None:
    assert missing_for_stage("study", with_results({**PLAN, **STUDY})) == []


# ---------------------------------------------------------------- act


def test_act_empty() -> None:
    assert missing_for_stage("act", {}) == [
        Missing("act_decision", "Falta la decisión: adoptar, adaptar o abandonar el cambio"),
        Missing("act_next_steps", "Falta indicar los próximos pasos"),
    ]


@pytest.mark.parametrize("decision", ["adopt", "adapt", "abandon"])
def test_act_valid_decisions(decision: str) -> None:
    assert missing_for_stage("act", {**ACT, "act_decision": decision}) == []


@pytest.mark.parametrize("decision", ["adoptar", "ADOPT", "keep"])
def test_act_invalid_decision(decision: str) -> None:
    assert missing_for_stage("act", {**ACT, "act_decision": decision}) == [
        Missing(
            "act_decision",
            f"La decisión «{decision}» no es válida: debe ser adoptar (adopt), adaptar (adapt) o abandonar (abandon)",
        )
    ]


def test_closed_needs_nothing() -> None:
    assert missing_for_stage("closed", {}) == []


# ---------------------------------------------------------------- advancing


def test_happy_path_to_closed() -> None:
    fields: dict[str, Any] = {}
    stage: Stage | None = "plan"
    visited: list[Stage] = []
    additions = [PLAN, DO, STUDY, ACT]
    while stage is not None and stage != "closed":
        visited.append(stage)
        assert can_advance(stage, fields) != []  # nothing filled for this stage yet
        fields.update(additions[len(visited) - 1])
        if stage == "study":
            fields = with_results(fields)
        assert can_advance(stage, fields) == []
        stage = next_stage(stage)
    assert visited == ["plan", "do", "study", "act"]
    assert stage == "closed"
    assert fields == complete()


def test_can_advance_checks_earlier_stages_too() -> None:
    fields = complete()
    del fields["plan_who"]
    assert can_advance("plan", fields) == [Missing("plan_who", "Falta indicar quién realizará la prueba")]
    assert fields_of(can_advance("act", fields)) == ["plan_who"]
    assert can_advance("act", complete()) == []


def test_can_advance_from_do_lists_only_plan_and_do() -> None:
    assert fields_of(can_advance("do", PLAN)) == [
        "do_carried_out_on",
        "do_what_happened",
        "do_problems",
        "do_observations",
    ]


def test_closed_cannot_advance() -> None:
    assert can_advance("closed", complete()) == [Missing("stage", "El ciclo está cerrado; no hay una etapa siguiente")]


# ---------------------------------------------------------------- reopening


@pytest.mark.parametrize(
    ("stage_from", "stage_to"),
    [
        ("closed", "plan"),
        ("closed", "do"),
        ("closed", "study"),
        ("closed", "act"),
        ("act", "plan"),
        ("act", "study"),
        ("study", "do"),
        ("do", "plan"),
    ],
)
def test_reopen_allowed(stage_from: Stage, stage_to: Stage) -> None:
    assert can_reopen(stage_from, stage_to)
    assert reopen_error(stage_from, stage_to) is None


@pytest.mark.parametrize(
    ("stage_from", "stage_to"),
    [
        ("plan", "plan"),
        ("plan", "do"),
        ("do", "act"),
        ("study", "study"),
        ("act", "closed"),
        ("closed", "closed"),
    ],
)
def test_reopen_refused(stage_from: Stage, stage_to: Stage) -> None:
    assert not can_reopen(stage_from, stage_to)
    assert reopen_error(stage_from, stage_to)


def test_reopen_error_message() -> None:
    assert reopen_error("do", "act") == (
        "No se puede reabrir el ciclo en «Actuar»: debe ser una etapa anterior a «Hacer»"
    )


OWNER = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
OTHER = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_owner_may_reopen() -> None:
    assert may_reopen(OWNER, ["teacher"], OWNER)
    assert may_reopen(str(OWNER).upper(), [], OWNER)
    assert may_reopen(str(OWNER), (), str(OWNER))


def test_coordinator_may_reopen_anyones_cycle() -> None:
    assert may_reopen(OTHER, ["coordinator"], OWNER)
    assert may_reopen(None, {"coordinator"}, OWNER)
    assert may_reopen(OTHER, ["teacher", "coordinator"], None)


@pytest.mark.parametrize("roles", [[], ["teacher"], ["coach", "leader", "facilitator"]])
def test_others_may_not_reopen(roles: list[str]) -> None:
    assert not may_reopen(OTHER, roles, OWNER)
    assert not may_reopen(None, roles, OWNER)
    assert not may_reopen(OTHER, roles, None)
