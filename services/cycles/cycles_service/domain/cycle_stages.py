"""PHEA cycle (Planificar-Hacer-Estudiar-Actuar, the Spanish PDSA) state machine.

Stages, in order: ``plan`` → ``do`` → ``study`` → ``act`` → ``closed``.

A cycle advances one stage at a time, and only when everything the current
stage asks for is filled in (:func:`can_advance` returns what is missing,
for the current stage *and all earlier ones*, so a closed cycle is always
complete). A cycle may be *reopened*: sent back to any earlier stage, from any
later stage including ``closed`` (:func:`can_reopen`); only the cycle's owner
or a network coordinator may do it (:func:`may_reopen`).

Cycle fields (the API uses exactly these names)
-----------------------------------------------

Plan (Planificar)
    ``objective``               str   what the cycle is for
    ``questions``               list  at least one item; each item is a mapping
                                      ``{"text": str, "prediction": str,
                                      "result": str}`` -- the question, what we
                                      predict will happen, and (filled in at
                                      study) what actually happened compared
                                      with the prediction
    ``plan_who``                str   who carries out the test
    ``plan_what``               str   what will be done (the change idea in action)
    ``plan_when``               str   when (free text: "semana del 12 de mayo")
    ``plan_where``              str   where (course, classroom, school)
    ``plan_data_collection``    str   what data will be collected, and how

Do (Hacer)
    ``do_carried_out_on``       date  when the test was carried out
                                      (``datetime.date`` or ISO ``"YYYY-MM-DD"``)
    ``do_what_happened``        str   what happened
    ``do_problems``             str   problems found
    ``do_observations``         str   unexpected observations

Study (Estudiar)
    ``questions[i].result``     str   every question's result, compared with
                                      its prediction
    ``study_learning``          str   what was learned

Act (Actuar)
    ``act_decision``            str   ``"adopt"`` | ``"adapt"`` | ``"abandon"``
                                      (Adoptar / Adaptar / Abandonar)
    ``act_next_steps``          str   next steps (e.g. the next cycle)

Texts count as filled when they contain something other than spaces.
:class:`Missing` ``field`` values use the names above; per-question problems
use ``questions[0].text``, ``questions[0].prediction`` and
``questions[0].result`` (0-based index; the Spanish message counts from 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, get_args
from uuid import UUID

__all__ = [
    "DECISIONS",
    "DECISION_LABELS",
    "STAGES",
    "STAGE_FIELDS",
    "STAGE_LABELS",
    "Decision",
    "InvalidStageError",
    "Missing",
    "Stage",
    "can_advance",
    "can_reopen",
    "decision_error",
    "may_reopen",
    "missing_for_stage",
    "next_stage",
    "parse_stage",
    "reopen_error",
]

Stage = Literal["plan", "do", "study", "act", "closed"]
STAGES: Final[tuple[Stage, ...]] = get_args(Stage)

STAGE_LABELS: Final[Mapping[Stage, str]] = {
    "plan": "Planificar",
    "do": "Hacer",
    "study": "Estudiar",
    "act": "Actuar",
    "closed": "Cerrado",
}

Decision = Literal["adopt", "adapt", "abandon"]
DECISIONS: Final[tuple[Decision, ...]] = get_args(Decision)
DECISION_LABELS: Final[Mapping[Decision, str]] = {
    "adopt": "Adoptar",
    "adapt": "Adaptar",
    "abandon": "Abandonar",
}

STAGE_FIELDS: Final[Mapping[Stage, tuple[str, ...]]] = {
    "plan": (
        "objective",
        "questions",
        "plan_who",
        "plan_what",
        "plan_when",
        "plan_where",
        "plan_data_collection",
    ),
    "do": ("do_carried_out_on", "do_what_happened", "do_problems", "do_observations"),
    "study": ("questions", "study_learning"),
    "act": ("act_decision", "act_next_steps"),
    "closed": (),
}
"""Fields completed in each stage (``questions`` appears in plan for text and
prediction, and in study for each question's ``result``)."""

_ORDER: Final[Mapping[Stage, int]] = {stage: index for index, stage in enumerate(STAGES)}

_TEXT_MESSAGES: Final[Mapping[str, str]] = {
    "objective": "Falta el objetivo del ciclo",
    "plan_who": "Falta indicar quién realizará la prueba",
    "plan_what": "Falta indicar qué se hará",
    "plan_when": "Falta indicar cuándo se hará",
    "plan_where": "Falta indicar dónde se hará",
    "plan_data_collection": "Falta indicar qué datos se recogerán",
    "do_what_happened": "Falta describir qué ocurrió",
    "do_problems": "Falta registrar los problemas encontrados (o indicar que no hubo)",
    "do_observations": ("Falta registrar las observaciones inesperadas (o indicar que no hubo)"),
    "study_learning": "Falta indicar qué se aprendió",
    "act_next_steps": "Falta indicar los próximos pasos",
}


class InvalidStageError(ValueError):
    """A text that is not a stage code."""


@dataclass(frozen=True)
class Missing:
    """Something a stage still needs."""

    field: str
    """Field name as in the module docstring, e.g. ``"questions[0].prediction"``."""
    message: str
    """Spanish (es-CL) explanation."""


def parse_stage(value: str) -> Stage:
    """Return ``value`` as a :data:`Stage`; raise :class:`InvalidStageError` otherwise."""
    for stage in STAGES:
        if stage == value:
            return stage
    valid = ", ".join(STAGES)
    raise InvalidStageError(f"Etapa desconocida: «{value}». Las etapas son: {valid}")


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _questions(fields: Mapping[str, object]) -> list[Mapping[str, object]] | None:
    """The questions as mappings, or ``None`` when absent or not a list."""
    raw = fields.get("questions")
    if not isinstance(raw, list | tuple):
        return None
    items: list[Mapping[str, object]] = []
    for item in raw:
        if isinstance(item, Mapping):
            items.append(item)
        elif isinstance(item, str):
            items.append({"text": item})
        else:
            items.append({})
    return items


def _missing_texts(fields: Mapping[str, object], names: Iterable[str]) -> list[Missing]:
    return [Missing(name, _TEXT_MESSAGES[name]) for name in names if not _filled(fields.get(name))]


def _missing_plan(fields: Mapping[str, object]) -> list[Missing]:
    missing = _missing_texts(fields, ["objective"])
    questions = _questions(fields)
    if not questions:
        missing.append(Missing("questions", "Falta al menos una pregunta"))
    else:
        for index, question in enumerate(questions):
            number = index + 1
            if not _filled(question.get("text")):
                missing.append(
                    Missing(
                        f"questions[{index}].text",
                        f"Falta el texto de la pregunta {number}",
                    )
                )
            if not _filled(question.get("prediction")):
                missing.append(
                    Missing(
                        f"questions[{index}].prediction",
                        f"Falta la predicción de la pregunta {number}",
                    )
                )
    missing += _missing_texts(
        fields,
        ["plan_who", "plan_what", "plan_when", "plan_where", "plan_data_collection"],
    )
    return missing


def _missing_do(fields: Mapping[str, object]) -> list[Missing]:
    missing: list[Missing] = []
    carried_out_on = fields.get("do_carried_out_on")
    if carried_out_on is None or (isinstance(carried_out_on, str) and not carried_out_on.strip()):
        missing.append(Missing("do_carried_out_on", "Falta la fecha en que se realizó la prueba"))
    elif _as_date(carried_out_on) is None:
        missing.append(
            Missing(
                "do_carried_out_on",
                "La fecha en que se realizó la prueba no es válida (use el formato AAAA-MM-DD)",
            )
        )
    missing += _missing_texts(fields, ["do_what_happened", "do_problems", "do_observations"])
    return missing


def _missing_study(fields: Mapping[str, object]) -> list[Missing]:
    missing: list[Missing] = []
    for index, question in enumerate(_questions(fields) or []):
        if not _filled(question.get("result")):
            missing.append(
                Missing(
                    f"questions[{index}].result",
                    f"Falta comparar el resultado con la predicción de la pregunta {index + 1}",
                )
            )
    missing += _missing_texts(fields, ["study_learning"])
    return missing


def _missing_act(fields: Mapping[str, object]) -> list[Missing]:
    missing: list[Missing] = []
    decision = fields.get("act_decision")
    if decision is None or (isinstance(decision, str) and not decision.strip()):
        missing.append(
            Missing(
                "act_decision",
                "Falta la decisión: adoptar, adaptar o abandonar el cambio",
            )
        )
    elif decision not in DECISIONS:
        missing.append(
            Missing(
                "act_decision",
                f"La decisión «{decision}» no es válida: debe ser adoptar (adopt), "
                "adaptar (adapt) o abandonar (abandon)",
            )
        )
    missing += _missing_texts(fields, ["act_next_steps"])
    return missing


def missing_for_stage(stage: Stage, cycle_fields: Mapping[str, object]) -> list[Missing]:
    """What ``stage`` itself still needs (earlier stages are not checked).

    ``closed`` needs nothing.
    """
    if stage == "plan":
        return _missing_plan(cycle_fields)
    if stage == "do":
        return _missing_do(cycle_fields)
    if stage == "study":
        return _missing_study(cycle_fields)
    if stage == "act":
        return _missing_act(cycle_fields)
    if stage == "closed":
        return []
    raise InvalidStageError(f"Etapa desconocida: «{stage}»")


def next_stage(stage: Stage) -> Stage | None:
    """The stage after ``stage``; ``None`` after ``closed``."""
    index = _ORDER[stage] + 1
    return STAGES[index] if index < len(STAGES) else None


def can_advance(stage: Stage, fields: Mapping[str, object]) -> list[Missing]:
    """What prevents moving from ``stage`` to :func:`next_stage`; ``[]`` = may advance.

    Checks ``stage`` and every earlier stage (a reopened cycle whose earlier
    fields were emptied cannot move on). A closed cycle cannot advance.
    """
    if stage == "closed":
        return [Missing("stage", "El ciclo está cerrado; no hay una etapa siguiente")]
    missing: list[Missing] = []
    for earlier in STAGES[: _ORDER[stage] + 1]:
        missing += missing_for_stage(earlier, fields)
    return missing


def reopen_error(stage_from: Stage, stage_to: Stage) -> str | None:
    """Spanish reason why a cycle cannot go back from ``stage_from`` to ``stage_to``.

    ``None`` when it can (``stage_to`` is earlier than ``stage_from``).
    """
    if stage_to == "closed":
        return "Para cerrar el ciclo hay que avanzar por sus etapas, no reabrirlo"
    if _ORDER[stage_to] >= _ORDER[stage_from]:
        return (
            f"No se puede reabrir el ciclo en «{STAGE_LABELS[stage_to]}»: "
            f"debe ser una etapa anterior a «{STAGE_LABELS[stage_from]}»"
        )
    return None


def decision_error(stage: Stage, current: str | None, new: str | None) -> str | None:
    """Spanish reason why the decision (adopt, adapt, abandon) cannot be set now; ``None`` when it can.

    The decision belongs to the Act stage: it answers the study of the data against the prediction, so it can
    be set only once the cycle reaches Act (issue 15, point 7). Clearing it, or leaving it as stored (a cycle
    reopened after Act keeps its decision), is always allowed.
    """
    if new is None or new == current or _ORDER[stage] >= _ORDER["act"]:
        return None
    return (
        f"La decisión (adoptar, adaptar o abandonar) se toma en la etapa «{STAGE_LABELS['act']}»; "
        f"el ciclo está en «{STAGE_LABELS[stage]}»"
    )


def can_reopen(stage_from: Stage, stage_to: Stage) -> bool:
    """``True`` when ``stage_to`` is earlier than ``stage_from`` (any later stage,
    including ``closed``, may go back to any earlier one)."""
    return reopen_error(stage_from, stage_to) is None


def may_reopen(
    actor_person_id: UUID | str | None,
    actor_roles: Iterable[str],
    owner_id: UUID | str | None,
) -> bool:
    """Whether the actor may reopen a cycle: its owner, or a coordinator.

    IDs may be :class:`uuid.UUID` or text (compared case-insensitively).
    ``actor_roles`` are role codes (``"coordinator"``...) the actor holds in
    the cycle's network.
    """
    if "coordinator" in set(actor_roles):
        return True
    if actor_person_id is None or owner_id is None:
        return False
    return _id_key(actor_person_id) == _id_key(owner_id)


def _id_key(value: UUID | str) -> str:
    if isinstance(value, UUID):
        return str(value)
    text = value.strip()
    try:
        return str(UUID(text))
    except ValueError:
        return text.lower()
