"""Demo improvement work of the demo network: aim, two driver diagram versions (October 2023 and
October 2024), PHEA cycles in every stage (with a ramp of three), three measures with monthly data (one
with a visible shift), the 2024 calendar and barriers. Fixed UUIDs (uuid5), so seeding twice inserts
nothing new and other services can refer to the same records."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel

from .domain.cycle_stages import STAGES
from .models import (
    NETWORK_SCOPE,
    Aim,
    Barrier,
    Cycle,
    CycleTransition,
    DiagramLink,
    DiagramNode,
    DriverDiagram,
    Event,
    Measure,
    MeasurePoint,
)

SANTIAGO = ZoneInfo("America/Santiago")
_NS = uuid.UUID("3f9d3c1e-5b0a-4c59-9a43-6d8f0c1e2b7a")

SCHOOLS = {
    "aromos": uuid.UUID("36110edf-0411-5139-acde-e69a973b3d36"),
    "neruda": uuid.UUID("0dde0b3d-df14-54b7-a601-98df18fcd9d1"),
    "san_miguel": uuid.UUID("6a67fdca-e102-556b-b90c-d4c7094f7203"),
    "santa_fe": uuid.UUID("60722121-c396-5886-88ea-d6b623f678ce"),
    "israel": uuid.UUID("7ea7d7fa-8469-5783-8c6c-d0a8a34ece71"),
    "copihues": uuid.UUID("4d469c17-eb8b-5a37-aff9-2dcbe5df0ba0"),
}
PEOPLE = {
    "coordinadora": uuid.UUID("801ae5c9-e2c8-50ec-9347-fd0c39444f17"),
    "facilitador": uuid.UUID("f34d13d4-9db5-57e9-adfd-41d82ff81db3"),
    "acompanante": uuid.UUID("212c1b0c-9a08-572c-92f2-767cfc78dcc0"),
    "acompanante2": uuid.UUID("6c3b49c7-a622-59fe-bc7c-043bc1a66f98"),
    "directora": uuid.UUID("5f712f9c-fe54-5df8-aa2a-19138db501fb"),
    "javiera": uuid.UUID("61354fe3-417e-5c93-87df-20e4ad859d39"),
    "constanza": uuid.UUID("c6c2978a-ae8d-5158-91f1-307ff3012660"),
    "francisca": uuid.UUID("33e11219-af51-52ee-9d65-dbb58a4649d1"),
    "camila": uuid.UUID("c7e9a528-8b5d-5ee3-b59e-30660bc22016"),
    "catalina": uuid.UUID("28fd94bb-7236-5920-ac4d-d825dae0ec7a"),
    "fernanda": uuid.UUID("107c82eb-ab39-5d59-bfeb-dfa5e379d2ed"),
    "barbara": uuid.UUID("74b894db-6c86-5848-bd4f-457ce93b486e"),
    "natalia": uuid.UUID("c391fadd-e25c-50e8-850b-9151d78b7d4f"),
    "loreto": uuid.UUID("5f3fbcbb-dba1-5a4f-8fe6-3721efb70eba"),
    "rocio": uuid.UUID("d2a5fd6b-796a-56a8-9dab-04bc62366bf0"),
}
TEACHERS = [
    "61354fe3-417e-5c93-87df-20e4ad859d39",
    "c6c2978a-ae8d-5158-91f1-307ff3012660",
    "577c5944-b51c-58bb-aa90-60a4fc31a9d3",
    "33e11219-af51-52ee-9d65-dbb58a4649d1",
    "c7e9a528-8b5d-5ee3-b59e-30660bc22016",
    "6c939e53-51a6-5e22-8619-a69edc4667a8",
    "28fd94bb-7236-5920-ac4d-d825dae0ec7a",
    "107c82eb-ab39-5d59-bfeb-dfa5e379d2ed",
    "cc626c28-4670-543f-8ab9-9bf7bc466ba6",
    "74b894db-6c86-5848-bd4f-457ce93b486e",
    "cbc678e9-56e0-580b-be8b-3d3e8a5ba53c",
    "599f490f-4b39-583a-b031-f33e124b900b",
    "c391fadd-e25c-50e8-850b-9151d78b7d4f",
    "5f3fbcbb-dba1-5a4f-8fe6-3721efb70eba",
    "8a8f2d45-3cd0-5d42-8058-3ad020d8bd57",
    "d2a5fd6b-796a-56a8-9dab-04bc62366bf0",
    "95f23617-bbe2-5d8f-9775-ceb5e4fd7e7f",
]


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(_NS, name)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SANTIAGO).astimezone(UTC)


# --------------------------------------------------------------------------------------------- diagrams
# (name, kind, text, tags, parents)
DIAGRAM_2023: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "meta",
        "aim",
        "Mejorar el desarrollo integral de niños y niñas, y sus habilidades de lenguaje y matemática, "
        "de prekínder a 2° básico, mejorando las interacciones de aula",
        [],
        [],
    ),
    ("p1", "primary", "Interacciones pedagógicas que promueven el pensamiento y el lenguaje", [], ["meta"]),
    ("p2", "primary", "Clima de aula y organización para el aprendizaje", [], ["meta"]),
    ("p3", "primary", "Colaboración profesional entre educadoras y docentes de la red", [], ["meta"]),
    ("s11", "secondary", "Preguntas abiertas y conversaciones extendidas", [], ["p1"]),
    ("s12", "secondary", "Retroalimentación que amplía el aprendizaje", [], ["p1"]),
    ("s21", "secondary", "Rutinas predecibles y transiciones breves", [], ["p2"]),
    ("s31", "secondary", "Tiempo protegido para planificar y observarse entre pares", [], ["p3"]),
    (
        "i_tarjetas",
        "change_idea",
        "Tarjetas de preguntas abiertas en la lectura compartida",
        ["CD", "LM"],
        ["s11", "s12"],
    ),
    ("i_grupos", "change_idea", "Conversaciones de ida y vuelta en grupos pequeños", ["LM", "QF"], ["s11"]),
    ("i_bucle", "change_idea", "Retroalimentación en bucle: preguntar, escuchar y ampliar", ["QF"], ["s12"]),
    ("i_bienvenida", "change_idea", "Rutina de bienvenida con registro de emociones", ["PC", "TS"], ["s21"]),
    ("i_transiciones", "change_idea", "Transiciones con canciones y señales visuales", ["PD", "BM"], ["s21"]),
    ("i_pares", "change_idea", "Observación entre pares con pauta breve", ["QF"], ["s31"]),
]
DIAGRAM_2024_CHANGES: dict[str, str] = {
    "i_tarjetas": "Preguntas abiertas en la lectura compartida, con tarjetas y espera de cinco segundos",
}
DIAGRAM_2024_ADDED: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "i_modelamiento",
        "change_idea",
        "Modelamiento del lenguaje con autoconversación y conversación paralela",
        ["LM"],
        ["s11"],
    ),
    ("s32", "secondary", "Uso de datos de aula en las sesiones de aprendizaje", [], ["p3"]),
    (
        "i_devolucion",
        "change_idea",
        "Devolución de datos con tres fortalezas y un área prioritaria",
        ["QF", "CD"],
        ["s32"],
    ),
]
DIAGRAM_2024_REMOVED = {"i_transiciones"}


def node_id(version: int, name: str) -> uuid.UUID:
    return demo_id(f"diagram-{version}:{name}")


def _diagram_rows(network_id: uuid.UUID) -> list[SQLModel]:
    rows: list[SQLModel] = []
    versions: list[tuple[int, str, date, list[tuple[str, str, str, list[str], list[str]]]]] = [
        (1, "Diagrama conductor 1ª versión (octubre 2023)", date(2023, 10, 20), DIAGRAM_2023),
        (
            2,
            "Diagrama conductor 2ª versión (octubre 2024)",
            date(2024, 10, 18),
            [
                (n, k, DIAGRAM_2024_CHANGES.get(n, t), tags, parents)
                for n, k, t, tags, parents in DIAGRAM_2023
                if n not in DIAGRAM_2024_REMOVED
            ]
            + DIAGRAM_2024_ADDED,
        ),
    ]
    for version, title, published, nodes in versions:
        diagram_id = demo_id(f"diagram-{version}")
        rows.append(
            DriverDiagram(
                id=diagram_id,
                network_id=network_id,
                version=version,
                title=title,
                status="published",
                based_on_id=demo_id("diagram-1") if version == 2 else None,
                published_at=_at(published, 12),
                created_at=_at(published.replace(day=1)),
                updated_at=_at(published, 12),
            )
        )
        for order, (name, kind, text, tags, _) in enumerate(nodes):
            rows.append(
                DiagramNode(
                    id=node_id(version, name),
                    diagram_id=diagram_id,
                    key=str(demo_id(f"node-key:{name}")),
                    kind=kind,
                    text=text,
                    tags=tags,
                    order=order,
                )
            )
        for name, _, _, _, parents in nodes:
            rows.extend(
                DiagramLink(diagram_id=diagram_id, parent_id=node_id(version, p), child_id=node_id(version, name))
                for p in parents
            )
    return rows


# --------------------------------------------------------------------------------------------- measures
MONTHS = [date(2023 + (m // 12), m % 12 + 1, 1) for m in range(2, 28)]  # March 2023 → April 2025 (26 months)


def _wiggle(index: int, seed: int) -> float:
    """Deterministic noise in [-1, 1]."""
    return math.sin(index * 2.3 + seed * 1.7) * 0.6 + math.sin(index * 0.9 + seed) * 0.4


def _measure_rows(network_id: uuid.UUID) -> list[SQLModel]:
    rows: list[SQLModel] = []
    definitions: list[dict[str, Any]] = [
        {
            "name": "Niños y niñas que responden con oraciones completas a preguntas abiertas",
            "kind": "outcome",
            "operational_definition": (
                "En una lectura compartida de 15 minutos observada por la dupla, número de niños y niñas que "
                "responden al menos una pregunta abierta con una oración completa, dividido por los presentes."
            ),
            "unit": "%",
            "value_type": "proportion",
            "direction": "up",
            "frequency": "monthly",
        },
        {
            "name": "Preguntas abiertas por experiencia de lectura compartida",
            "kind": "process",
            "operational_definition": (
                "Promedio, en las salas de la red, de preguntas abiertas formuladas por la educadora en una "
                "experiencia de lectura compartida (registro de la técnica)."
            ),
            "unit": "preguntas",
            "value_type": "continuous",
            "direction": "up",
            "frequency": "monthly",
        },
        {
            "name": "Minutos semanales de planificación fuera de la jornada",
            "kind": "balancing",
            "operational_definition": (
                "Promedio de minutos por semana que las educadoras declaran planificar fuera de su jornada "
                "(encuesta breve mensual). Vigila que los cambios no recarguen a los equipos."
            ),
            "unit": "minutos",
            "value_type": "continuous",
            "direction": "down",
            "frequency": "monthly",
        },
    ]
    for index, definition in enumerate(definitions):
        measure_id = demo_id(f"measure-{index}")
        rows.append(Measure(id=measure_id, network_id=network_id, **definition))
        for month_index, period in enumerate(MONTHS):
            numerator = denominator = None
            if index == 0:
                # A shift: from April 2024 (after the first learning session on open questions) the level rises.
                denominator = 180.0 + (month_index % 4) * 5
                rate = (0.58 if period >= date(2024, 4, 1) else 0.36) + 0.035 * _wiggle(month_index, 1)
                numerator = float(round(denominator * rate))
                value = numerator / denominator
            elif index == 1:
                value = round(3.2 + month_index * 0.09 + 0.5 * _wiggle(month_index, 2), 2)
            else:
                value = round(95 + 12 * _wiggle(month_index, 3), 1)
            note = "Sesión de aprendizaje sobre preguntas abiertas" if period == date(2024, 4, 1) and index == 0 else ""
            rows.append(
                MeasurePoint(
                    id=demo_id(f"measure-{index}:{period.isoformat()}"),
                    measure_id=measure_id,
                    period=period,
                    school_id=None,
                    scope=NETWORK_SCOPE,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    note=note,
                )
            )
    return rows


# ----------------------------------------------------------------------------------------------- cycles
Q = dict[str, str]


def _cycle(
    name: str,
    *,
    title: str,
    owner: str,
    school: str | None,
    idea: str,
    stage: str,
    started: date,
    fields: dict[str, Any],
    previous: str | None = None,
) -> list[SQLModel]:
    cycle_id = demo_id(f"cycle:{name}")
    owner_id = PEOPLE[owner]
    rows: list[SQLModel] = [
        Cycle(
            id=cycle_id,
            network_id=uuid.UUID(int=0),  # replaced by the caller
            school_id=SCHOOLS[school] if school else None,
            change_idea_id=node_id(2, idea),
            owner_id=owner_id,
            previous_cycle_id=demo_id(f"cycle:{previous}") if previous else None,
            title=title,
            stage=stage,
            revision=1 + STAGES.index(stage),  # type: ignore[arg-type]
            created_at=_at(started),
            updated_at=_at(started),
            **fields,
        )
    ]
    for step in range(STAGES.index(stage)):  # type: ignore[arg-type]
        day = date.fromordinal(started.toordinal() + 7 * (step + 1))
        rows.append(
            CycleTransition(
                id=demo_id(f"cycle:{name}:t{step}"),
                cycle_id=cycle_id,
                kind="advance",
                from_stage=STAGES[step],
                to_stage=STAGES[step + 1],
                actor_id=owner_id,
                actor_name="",
                at=_at(day, 16),
            )
        )
    return rows


def _plan(  # noqa: PLR0917 - mirrors the plan fields
    objective: str, questions: Sequence[Q], who: str, what: str, when: str, where: str, data: str
) -> dict[str, Any]:
    return {
        "objective": objective,
        "questions": [dict(q) for q in questions],
        "plan_who": who,
        "plan_what": what,
        "plan_when": when,
        "plan_where": where,
        "plan_data_collection": data,
    }


def _do(day: date, happened: str, problems: str, observations: str) -> dict[str, Any]:
    return {
        "do_carried_out_on": day,
        "do_what_happened": happened,
        "do_problems": problems,
        "do_observations": observations,
    }


def _cycle_rows() -> list[SQLModel]:
    q_open = {
        "text": "¿Cuántos niños y niñas responden con oraciones completas cuando uso tarjetas de preguntas abiertas?",
        "prediction": "Al menos la mitad del grupo responderá con oraciones completas",
    }
    ramp1 = _cycle(
        "ramp-1",
        title="Tarjetas de preguntas abiertas en NT2 A",
        owner="javiera",
        school="aromos",
        idea="i_tarjetas",
        stage="closed",
        started=date(2024, 4, 15),
        fields={
            **_plan(
                "Aumentar la participación verbal de niños y niñas durante la lectura compartida",
                [
                    {
                        **q_open,
                        "result": "Respondieron 9 de 24 (38 %): menos de lo predicho; muchas respuestas de una palabra",
                    }
                ],
                "Javiera Morales, educadora de NT2 A, con la técnica en párvulos",
                "Usar 5 tarjetas con preguntas abiertas (¿qué crees que…?, ¿por qué…?) en la lectura del cuento",
                "Semana del 22 de abril, tres lecturas",
                "Sala NT2 A, Escuela Básica Los Aromos",
                "La técnica registra en una pauta quién responde y si usa oración completa",
            ),
            **_do(
                date(2024, 4, 24),
                "Se hicieron las tres lecturas con tarjetas; en la tercera los niños ya esperaban las preguntas",
                "El cuento elegido era largo y se perdió la atención al final",
                "Los niños más callados respondieron más cuando la pregunta era sobre sus propias experiencias",
            ),
            "study_learning": "Las tarjetas ayudan, pero hace falta esperar más tiempo antes de dar la palabra",
            "act_decision": "adapt",
            "act_next_steps": "Repetir con cuentos más breves y esperar cinco segundos antes de dar la palabra",
        },
    )
    ramp2 = _cycle(
        "ramp-2",
        title="Tarjetas de preguntas abiertas en NT2 A (ciclo 2)",
        owner="javiera",
        school="aromos",
        idea="i_tarjetas",
        stage="closed",
        started=date(2024, 5, 20),
        previous="ramp-1",
        fields={
            **_plan(
                "Repetir con cuentos más breves y esperar cinco segundos antes de dar la palabra",
                [
                    {
                        **q_open,
                        "prediction": "Más de 12 de 24 responderán con oraciones completas",
                        "result": "Respondieron 15 de 23 (65 %): se cumplió la predicción",
                    }
                ],
                "Javiera Morales y la técnica en párvulos",
                "Tarjetas de preguntas abiertas con espera de cinco segundos y cuentos de no más de 8 páginas",
                "Semanas del 27 de mayo y 3 de junio",
                "Sala NT2 A, Escuela Básica Los Aromos",
                "Misma pauta del ciclo 1, más el tiempo de espera cronometrado",
            ),
            **_do(
                date(2024, 6, 5),
                "Cuatro lecturas con tarjetas y espera; la técnica cronometró la espera",
                "Un día hubo simulacro de evacuación y se suspendió una lectura",
                "Aparecieron preguntas de los propios niños a sus compañeros",
            ),
            "study_learning": "El tiempo de espera fue la clave: la participación subió en todas las lecturas",
            "act_decision": "adapt",
            "act_next_steps": "Probar la misma estrategia en NT1 con la educadora Constanza Reyes",
        },
    )
    ramp3 = _cycle(
        "ramp-3",
        title="Tarjetas de preguntas abiertas en NT1 (ciclo 3)",
        owner="javiera",
        school="aromos",
        idea="i_tarjetas",
        stage="study",
        started=date(2024, 8, 5),
        previous="ramp-2",
        fields={
            **_plan(
                "Probar la estrategia de tarjetas y espera en NT1",
                [
                    {
                        "text": "¿Funciona la espera de cinco segundos con niños de 4 años?",
                        "prediction": "Sí, aunque con respuestas más breves que en NT2",
                    }
                ],
                "Constanza Reyes (NT1) acompañada por Javiera Morales",
                "Tarjetas con imágenes y preguntas abiertas simples; espera de cinco segundos",
                "Semana del 12 de agosto",
                "Sala NT1, Escuela Básica Los Aromos",
                "Pauta de participación; video de una lectura para revisar en la sesión de aprendizaje",
            ),
            **_do(
                date(2024, 8, 14),
                "Se realizaron dos lecturas; Javiera modeló la primera y Constanza condujo la segunda",
                "Las tarjetas con texto no sirven en NT1: se cambiaron por imágenes",
                "Los niños imitaban las preguntas de la educadora entre ellos",
            ),
        },
    )
    others: list[list[SQLModel]] = [
        _cycle(
            "bienvenida-neruda",
            title="Rutina de bienvenida con registro de emociones",
            owner="camila",
            school="neruda",
            idea="i_bienvenida",
            stage="closed",
            started=date(2024, 5, 6),
            fields={
                **_plan(
                    "Iniciar la jornada con un momento de conexión emocional que reduzca los conflictos de la mañana",
                    [
                        {
                            "text": "¿Disminuyen los conflictos en la primera hora?",
                            "prediction": "Bajarán de 6 a 3 por mañana",
                            "result": "Bajaron a 2 por mañana en promedio: mejor de lo predicho",
                        }
                    ],
                    "Camila Herrera, educadora de NT2",
                    "Saludo individual en la puerta y registro de emociones con caritas en un panel",
                    "Dos semanas desde el 13 de mayo",
                    "Sala NT2, Escuela Poeta Pablo Neruda",
                    "Conteo de conflictos en la primera hora (registro de la técnica)",
                ),
                **_do(
                    date(2024, 5, 20),
                    "La rutina se hizo todos los días en 10 minutos",
                    "Los días de lluvia la llegada es desordenada",
                    "Las familias comenzaron a preguntar por el panel",
                ),
                "study_learning": "La rutina es breve y sostenible; ayuda a anticipar a los niños que llegan alterados",
                "act_decision": "adopt",
                "act_next_steps": "Compartirla en la próxima sesión de aprendizaje y en la visita entre escuelas",
            },
        ),
        _cycle(
            "transiciones-israel",
            title="Transiciones con canciones en 1° básico",
            owner="natalia",
            school="israel",
            idea="i_bienvenida",
            stage="closed",
            started=date(2024, 4, 8),
            fields={
                **_plan(
                    "Reducir el tiempo perdido en las transiciones entre experiencias",
                    [
                        {
                            "text": "¿Cuántos minutos toma cada transición?",
                            "prediction": "Bajará de 6 a 3 minutos",
                            "result": "Siguió en 5 minutos: no se cumplió",
                        }
                    ],
                    "Natalia Alarcón",
                    "Canción de orden y señal visual con semáforo",
                    "Semana del 15 de abril",
                    "1° básico A, Escuela República de Israel",
                    "Cronometraje de transiciones por la técnica",
                ),
                **_do(
                    date(2024, 4, 17),
                    "Se usaron canción y semáforo en todas las transiciones",
                    "El curso es numeroso (34) y la canción no se escucha al fondo",
                    "Los niños del fondo seguían a sus compañeros más que a la señal",
                ),
                "study_learning": "Con cursos numerosos la señal auditiva no basta",
                "act_decision": "abandon",
                "act_next_steps": "Buscar otra idea de cambio en la sesión de aprendizaje",
            },
        ),
        _cycle(
            "bucle-santa-fe",
            title="Retroalimentación en bucle en matemática",
            owner="barbara",
            school="santa_fe",
            idea="i_bucle",
            stage="act",
            started=date(2024, 9, 2),
            fields={
                **_plan(
                    "Que la retroalimentación amplíe el razonamiento de los niños al contar y comparar",
                    [
                        {
                            "text": "¿Cuántos intercambios de ida y vuelta logro por experiencia?",
                            "prediction": "Al menos tres intercambios con cuatro niños distintos",
                            "result": "Se lograron en promedio 4 intercambios con 5 niños",
                        }
                    ],
                    "Bárbara Jara, educadora de NT2",
                    "Preguntar, escuchar y ampliar en experiencias de conteo",
                    "Semana del 9 de septiembre",
                    "Sala NT2, Escuela Básica Santa Fe",
                    "Grabación de audio de 10 minutos y conteo de intercambios",
                ),
                **_do(
                    date(2024, 9, 11),
                    "Tres experiencias de conteo con material concreto",
                    "Fiestas Patrias redujeron la asistencia",
                    "Los niños explicaron sus estrategias de conteo",
                ),
                "study_learning": "Ampliar con '¿cómo lo sabes?' invita a explicar la estrategia",
            },
        ),
        _cycle(
            "pares-red",
            title="Observación entre pares con pauta breve",
            owner="coordinadora",
            school=None,
            idea="i_pares",
            stage="act",
            started=date(2024, 8, 19),
            fields={
                **_plan(
                    "Que cada educadora observe y sea observada una vez por período de acción",
                    [
                        {
                            "text": "¿Cuántas duplas completan la observación?",
                            "prediction": "8 de 17 educadoras",
                            "result": "11 de 17 completaron: más de lo predicho",
                        }
                    ],
                    "Coordinación de la red con las directoras",
                    "Pauta breve de 3 preguntas y 20 minutos de observación",
                    "Período de acción agosto–octubre",
                    "Todos los establecimientos de la red",
                    "Registro de pautas entregadas",
                ),
                **_do(
                    date(2024, 10, 4),
                    "Se formaron duplas entre salas del mismo establecimiento",
                    "Faltan reemplazos para liberar a la educadora que observa",
                    "Las educadoras valoraron ver otras salas",
                ),
                "study_learning": "La observación entre pares es bien valorada pero depende de reemplazos",
                "act_decision": "adapt",
            },
        ),
        _cycle(
            "grupos-san-miguel",
            title="Conversaciones en grupos pequeños en NT1",
            owner="catalina",
            school="san_miguel",
            idea="i_grupos",
            stage="study",
            started=date(2024, 10, 7),
            fields={
                **_plan(
                    "Aumentar las conversaciones extendidas con niños que hablan poco",
                    [{"text": "¿Participan más los niños que hablan poco?", "prediction": "Sí, al menos 4 de 6"}],
                    "Catalina Rojas",
                    "Grupos de 6 niños con una pregunta abierta y objetos concretos",
                    "Semana del 14 de octubre",
                    "Sala NT1, Escuela Villa San Miguel",
                    "Pauta de turnos de habla",
                ),
                **_do(
                    date(2024, 10, 16),
                    "Dos grupos por día durante tres días",
                    "El resto del curso necesitaba más supervisión",
                    "Surgieron conversaciones sobre sus familias",
                ),
            },
        ),
        _cycle(
            "modelamiento-copihues",
            title="Autoconversación durante el juego de rincones",
            owner="rocio",
            school="copihues",
            idea="i_modelamiento",
            stage="do",
            started=date(2024, 10, 28),
            fields=_plan(
                "Enriquecer el vocabulario durante el juego de rincones",
                [
                    {
                        "text": "¿Usan los niños palabras nuevas modeladas por la educadora?",
                        "prediction": "Al menos 5 palabras nuevas en la semana",
                    }
                ],
                "Rocío Sandoval",
                "Autoconversación y conversación paralela en el rincón de construcción",
                "Semana del 4 de noviembre",
                "Sala NT1, Escuela Jardín Infantil Los Copihues",
                "Registro anecdótico de palabras nuevas",
            ),
        ),
        _cycle(
            "devolucion-red",
            title="Devolución de datos con tres fortalezas y un área prioritaria",
            owner="facilitador",
            school=None,
            idea="i_devolucion",
            stage="do",
            started=date(2024, 11, 4),
            fields=_plan(
                "Que la devolución de datos sea formativa y termine en un ciclo PHEA",
                [
                    {
                        "text": "¿Cuántas educadoras inician un ciclo tras la devolución?",
                        "prediction": "Al menos 10 de 17",
                    }
                ],
                "Equipo facilitador y acompañantes",
                "Informe individual con tres fortalezas y un área prioritaria",
                "Noviembre de 2024",
                "Visitas de acompañamiento",
                "Ciclos creados en la plataforma por educadora",
            ),
        ),
        _cycle(
            "bienvenida-santa-fe",
            title="Rutina de bienvenida en prekínder",
            owner="barbara",
            school="santa_fe",
            idea="i_bienvenida",
            stage="plan",
            started=date(2024, 11, 11),
            fields={"objective": "Adaptar la rutina de bienvenida de la Escuela Pablo Neruda a prekínder"},
        ),
        _cycle(
            "preguntas-israel",
            title="Preguntas abiertas en la lectura compartida de 1° básico",
            owner="loreto",
            school="israel",
            idea="i_tarjetas",
            stage="plan",
            started=date(2024, 11, 18),
            fields={
                "objective": "Probar la estrategia de Los Aromos en 1° básico",
                "questions": [
                    {"text": "¿Funciona la espera de cinco segundos en 1° básico?", "prediction": "", "result": ""}
                ],
            },
        ),
    ]
    return ramp1 + ramp2 + ramp3 + [row for rows in others for row in rows]


# ------------------------------------------------------------------------------------------- calendar
def _event_rows(network_id: uuid.UUID) -> list[SQLModel]:
    rows: list[SQLModel] = []
    sessions = [
        (
            date(2024, 4, 12),
            "Sesión de aprendizaje 1: preguntas abiertas y conversación",
            "1. Bienvenida y resultados de la red\n2. Video: preguntas abiertas en la lectura\n"
            "3. Planificación de ciclos PHEA",
            "Cada equipo inicia un ciclo PHEA sobre preguntas abiertas antes de mayo",
        ),
        (
            date(2024, 7, 26),
            "Sesión de aprendizaje 2: retroalimentación que amplía",
            "1. Galería de ciclos PHEA\n2. Retroalimentación en bucle\n3. Barreras del período",
            "Compartir la rutina de bienvenida; llevar las barreras de tiempo al SLEP",
        ),
        (
            date(2024, 11, 29),
            "Sesión de aprendizaje 3: aprendizajes del año y diagrama 2025",
            "1. Resultados agregados de la red\n2. Revisión del diagrama conductor\n3. Celebración",
            "",
        ),
    ]
    for index, (day, title, agenda, agreements) in enumerate(sessions):
        rows.append(
            Event(
                id=demo_id(f"event:sa{index + 1}"),
                network_id=network_id,
                kind="learning_session",
                title=title,
                starts_at=_at(day, 8, 30),
                ends_at=_at(day, 12, 30),
                place="Centro de Innovación del SLEP Gabriela Mistral, La Granja",
                school_ids=[str(s) for s in SCHOOLS.values()],
                agenda=agenda,
                attendance=TEACHERS[: 15 - index] if agreements else [],
                notes="Asistieron equipos de los seis establecimientos" if agreements else "",
                agreements=agreements,
            )
        )
    rows.append(
        Event(
            id=demo_id("event:expertos"),
            network_id=network_id,
            kind="expert_meeting",
            title="Reunión de expertos: lenguaje oral en el nivel de transición",
            starts_at=_at(date(2024, 3, 21), 15),
            ends_at=_at(date(2024, 3, 21), 17),
            place="Centro de Justicia Educacional UC",
            agenda="Evidencia sobre conversación extendida y ajustes al plan de sesiones",
            attendance=[str(PEOPLE["coordinadora"]), str(PEOPLE["facilitador"])],
            agreements="Priorizar preguntas abiertas en la SA 1",
        )
    )
    visit_days = [(4, 22), (6, 17), (8, 26), (10, 21)]
    for school_index, (name, school_id) in enumerate(SCHOOLS.items()):
        coach = "acompanante" if school_index % 2 == 0 else "acompanante2"
        for round_index, (month, month_day) in enumerate(visit_days):
            visit_day = date(2024, month, month_day + school_index % 3)
            rows.append(
                Event(
                    id=demo_id(f"event:visita:{name}:{round_index}"),
                    network_id=network_id,
                    kind="coaching_visit",
                    title=f"Acompañamiento situado {round_index + 1}",
                    starts_at=_at(visit_day, 9 + school_index % 2),
                    ends_at=_at(visit_day, 12),
                    school_ids=[str(school_id)],
                    agenda="Observación de aula, conversación reflexiva y revisión del ciclo PHEA en curso",
                    attendance=[str(PEOPLE[coach])],
                )
            )
    pairs = [("aromos", "copihues", 5), ("neruda", "israel", 12), ("san_miguel", "santa_fe", 19)]
    for host, guest, nov_day in pairs:
        rows.append(
            Event(
                id=demo_id(f"event:entre-escuelas:{host}"),
                network_id=network_id,
                kind="school_visit",
                title="Visita entre escuelas con retroalimentación entre pares",
                starts_at=_at(date(2024, 11, nov_day), 9),
                ends_at=_at(date(2024, 11, nov_day), 12),
                school_ids=[str(SCHOOLS[host]), str(SCHOOLS[guest])],
                agenda="Observación de una experiencia de lectura compartida y conversación con pauta de pares",
            )
        )
    return rows


def _barrier_rows(network_id: uuid.UUID) -> list[SQLModel]:
    return [
        Barrier(
            id=demo_id("barrier:tiempo"),
            network_id=network_id,
            description="Las educadoras no tienen tiempo no lectivo común para planificar y revisar sus ciclos PHEA",
            level="slep",
            status="escalated",
            event_id=demo_id("event:sa2"),
            owner_id=PEOPLE["coordinadora"],
            raised_by_id=PEOPLE["coordinadora"],
            created_at=_at(date(2024, 7, 26), 12),
            updated_at=_at(date(2024, 8, 5), 10),
        ),
        Barrier(
            id=demo_id("barrier:reemplazos"),
            network_id=network_id,
            description="No hay reemplazos cuando una educadora sale de la sala para observar a una par",
            level="territory",
            status="resolved",
            event_id=demo_id("event:sa2"),
            owner_id=PEOPLE["coordinadora"],
            raised_by_id=PEOPLE["facilitador"],
            resolution="El SLEP destinó una asistente de párvulos volante por comuna para las observaciones",
            created_at=_at(date(2024, 7, 26), 12),
            updated_at=_at(date(2024, 9, 30), 10),
        ),
        Barrier(
            id=demo_id("barrier:espacio"),
            network_id=network_id,
            description="La sala de NT1 no tiene espacio para trabajar en grupos pequeños",
            level="classroom",
            status="open",
            school_id=SCHOOLS["san_miguel"],
            event_id=demo_id("event:visita:san_miguel:3"),
            raised_by_id=PEOPLE["acompanante"],
            created_at=_at(date(2024, 10, 22), 12),
            updated_at=_at(date(2024, 10, 22), 12),
        ),
        Barrier(
            id=demo_id("barrier:colacion"),
            network_id=network_id,
            description="El horario de colación corta la jornada de NT2 justo en la experiencia de lenguaje",
            level="school",
            status="open",
            school_id=SCHOOLS["aromos"],
            owner_id=PEOPLE["directora"],
            raised_by_id=PEOPLE["directora"],
            created_at=_at(date(2024, 6, 18), 12),
            updated_at=_at(date(2024, 6, 18), 12),
        ),
    ]


def _aim_row(network_id: uuid.UUID) -> SQLModel:
    return Aim(
        id=demo_id("aim"),
        network_id=network_id,
        statement=(
            "A diciembre de 2025, el 70 % de los niños y niñas de NT1 a 2° básico de la red responde con "
            "oraciones completas a preguntas abiertas, fortaleciendo el apoyo pedagógico en las salas"
        ),
        measure_id=demo_id("measure-0"),
        measure_description="Niños y niñas que responden con oraciones completas a preguntas abiertas (mensual)",
        baseline=0.36,
        target_value=0.7,
        target_date=date(2025, 12, 1),
        focus_domain="IS",
    )


def seed_work(session: Session, network_id: uuid.UUID) -> dict[str, int]:
    """Inserts what is missing (by primary key); returns counts of inserted rows by table."""
    created: dict[str, int] = {}
    cycles = _cycle_rows()
    for row in cycles:
        if isinstance(row, Cycle):
            row.network_id = network_id
    groups: list[list[SQLModel]] = [
        _diagram_rows(network_id),
        _measure_rows(network_id),
        [_aim_row(network_id)],
        cycles,
        _event_rows(network_id),
        _barrier_rows(network_id),
    ]
    for rows in groups:
        for row in rows:
            model = type(row)
            key: Any = (row.parent_id, row.child_id) if isinstance(row, DiagramLink) else getattr(row, "id")  # noqa: B009
            if session.get(model, key) is None:
                session.add(row)
                created[model.__name__] = created.get(model.__name__, 0) + 1
        session.flush()
    return created
