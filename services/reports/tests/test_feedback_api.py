"""Teacher feedback (JSON, HTML, PDF) and trajectory, against fake cycles and observations services."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from mejora_common.testing import DEMO_NETWORK_ID as NETWORK
from mejora_common.testing import free_port

Headers = Callable[..., dict[str, str]]
FakeWorld = Any

TEACHER = "11111111-1111-4111-8111-111111111111"
OTHER_TEACHER = "22222222-2222-4222-8222-222222222222"
COACH = "33333333-3333-4333-8333-333333333333"
OTHER_COACH = "44444444-4444-4444-8444-444444444444"
SCHOOL = "36110edf-0411-5139-acde-e69a973b3d36"
INSTRUMENT = "55555555-5555-4555-8555-555555555555"
OBS_BEFORE = "aaaaaaaa-0000-4000-8000-000000000001"
OBS_NOW = "aaaaaaaa-0000-4000-8000-000000000002"
OBS_OTHER = "aaaaaaaa-0000-4000-8000-000000000003"
IDEA_QF = "bbbbbbbb-0000-4000-8000-000000000001"

DOMAINS = {
    "ES": ("Apoyo emocional", ["PC", "NC", "TS", "RSP"]),
    "CO": ("Organización del aula", ["BM", "PD", "ILF"]),
    "IS": ("Apoyo pedagógico", ["CD", "QF", "LM"]),
}
NAMES = {
    "PC": "Clima positivo",
    "NC": "Clima negativo",
    "TS": "Sensibilidad docente",
    "RSP": "Consideración de la perspectiva de los estudiantes",
    "BM": "Manejo del comportamiento",
    "PD": "Productividad",
    "ILF": "Formatos de aprendizaje instruccional",
    "CD": "Desarrollo de conceptos",
    "QF": "Calidad de la retroalimentación",
    "LM": "Modelamiento del lenguaje",
}
ORDER = ["PC", "NC", "TS", "RSP", "BM", "PD", "ILF", "CD", "QF", "LM"]

# Now: NC 1.5 is reverse -> adjusted 8 - 1.5 = 6.5, tied with BM 6.5; NC comes first in the instrument.
# Strengths by adjusted value: NC (6.5, order 2), BM (6.5, order 5), PC (6.0). Lowest overall: RSP 2.0;
# lowest in the focus domain IS: QF 2.5.
NOW = {"PC": 6.0, "NC": 1.5, "TS": 5.5, "RSP": 2.0, "BM": 6.5, "PD": 5.0, "ILF": 4.5, "CD": 3.0, "QF": 2.5, "LM": 3.5}
BEFORE = {
    "PC": 5.0,
    "NC": 2.5,
    "TS": 5.5,
    "RSP": 2.0,
    "BM": 6.0,
    "PD": 5.0,
    "ILF": 4.0,
    "CD": 3.0,
    "QF": 2.0,
    "LM": 3.0,
}


def band(value: float) -> str:
    return "high" if value >= 5.5 else "mid" if value >= 2.5 else "low"


def scores(means: dict[str, float]) -> dict[str, Any]:
    dims = []
    for code in ORDER:
        mean = means[code]
        adjusted = 8 - mean if code == "NC" else mean
        domain = next(d for d, (_, codes) in DOMAINS.items() if code in codes)
        dims.append(
            {
                "code": code,
                "name": NAMES[code],
                "domain": domain,
                "mean": mean,
                "adjusted": adjusted,
                "band": band(mean),
                "reverse": code == "NC",
                "n_cycles": 4,
            }
        )
    domains = []
    for code, (name, codes) in DOMAINS.items():
        mean = sum(d["adjusted"] for d in dims if d["code"] in codes) / len(codes)
        domains.append({"code": code, "name": name, "mean": mean, "band": band(mean)})
    return {"scale": {"min": 1, "max": 7}, "instrument_code": "class-prek-k3", "dimensions": dims, "domains": domains}


def observation(obs_id: str, teacher: str, observed_on: str, wave: str, evidence: dict[str, str]) -> dict[str, Any]:
    return {
        "id": obs_id,
        "instrument_id": INSTRUMENT,
        "instrument_code": "class-prek-k3",
        "network_id": str(NETWORK),
        "school_id": SCHOOL,
        "teacher_id": teacher,
        "observer_id": COACH,
        "level": "kinder",
        "observed_on": observed_on,
        "wave": wave,
        "mode": "live",
        "status": "submitted",
        "evidence": evidence,
        "cycles": [],
    }


@pytest.fixture
def feedback_world(world: FakeWorld) -> FakeWorld:
    world.instruments[INSTRUMENT] = {
        "id": INSTRUMENT,
        "code": "class-prek-k3",
        "name": "CLASS® Pre-K / K–3",
        "version": 1,
        "scale": {"min": 1, "max": 7},
        "domains": [
            {
                "code": code,
                "name": name,
                "order": i + 1,
                "dimensions": [
                    {"code": c, "name": NAMES[c], "reverse": c == "NC", "order": ORDER.index(c) + 1} for c in codes
                ],
            }
            for i, (code, (name, codes)) in enumerate(DOMAINS.items())
        ],
    }
    world.people[TEACHER] = {"id": TEACHER, "name": "Valentina <b>Rojas</b>"}
    world.people[OTHER_TEACHER] = {"id": OTHER_TEACHER, "name": "Otra Docente Secreta"}
    world.people[COACH] = {"id": COACH, "name": "Paula Fuentes"}
    world.schools[SCHOOL] = {"id": SCHOOL, "name": "Escuela Básica Los Aromos", "rbd": 9102}
    world.observations[OBS_BEFORE] = observation(OBS_BEFORE, TEACHER, "2024-04-10", "2024-1", {})
    world.observations[OBS_NOW] = observation(
        OBS_NOW,
        TEACHER,
        "2024-09-12",
        "2024-2",
        {
            "NC": "Sin sarcasmo ni gritos; corrige en voz baja.",
            "BM": "Anticipa las transiciones con una canción.",
            "PC": "Ríe con los niños <img src=x onerror=alert(1)>",
            "QF": "Responde «muy bien» sin pedir que expliquen.",
            "RSP": "Evidencia de otra dimensión que no se destaca.",
        },
    )
    # Another teacher's observation, earlier, same instrument: must never appear in this teacher's feedback.
    world.observations[OBS_OTHER] = observation(OBS_OTHER, OTHER_TEACHER, "2024-05-01", "2024-1", {})
    world.scores[OBS_BEFORE] = scores(BEFORE)
    world.scores[OBS_NOW] = scores(NOW)
    world.scores[OBS_OTHER] = scores({c: 1.0 for c in ORDER})
    world.aims.append(
        {"id": "aim-1", "network_id": str(NETWORK), "statement": "Mejorar el apoyo pedagógico", "focus_domain": "IS"}
    )
    world.diagrams.append(
        {
            "id": "diagram-1",
            "network_id": str(NETWORK),
            "version": 1,
            "status": "published",
            "title": "Diagrama conductor, 1.ª versión",
            "tree": {
                "aim": {
                    "id": "n-aim",
                    "key": "k-aim",
                    "kind": "aim",
                    "text": "Meta",
                    "tags": [],
                    "order": 0,
                    "parent_ids": [],
                    "children": [
                        {
                            "id": "n-p1",
                            "key": "k-p1",
                            "kind": "primary",
                            "text": "Interacciones pedagógicas de calidad",
                            "tags": [],
                            "order": 0,
                            "parent_ids": ["n-aim"],
                            "children": [
                                {
                                    "id": "n-s1",
                                    "key": "k-s1",
                                    "kind": "secondary",
                                    "text": "Retroalimentación que amplía el aprendizaje",
                                    "tags": [],
                                    "order": 0,
                                    "parent_ids": ["n-p1"],
                                    "children": [
                                        {
                                            "id": IDEA_QF,
                                            "key": "k-qf",
                                            "kind": "change_idea",
                                            "text": "Preguntas de ida y vuelta <em>(loops)</em>",
                                            "tags": ["QF"],
                                            "order": 0,
                                            "parent_ids": ["n-s1"],
                                            "children": [],
                                        },
                                        {
                                            "id": "n-lm",
                                            "key": "k-lm",
                                            "kind": "change_idea",
                                            "text": "Hablar en voz alta lo que se piensa",
                                            "tags": ["LM"],
                                            "order": 1,
                                            "parent_ids": ["n-s1"],
                                            "children": [],
                                        },
                                    ],
                                }
                            ],
                        }
                    ],
                },
                "unlinked": [],
            },
        }
    )
    return world


def feedback(client: TestClient, headers: dict[str, str], obs: str = OBS_NOW, fmt: str = "json") -> Any:
    return client.get(f"/api/v1/reports/observations/{obs}/feedback", params={"format": fmt}, headers=headers)


def as_teacher(headers: Headers, person: str = TEACHER) -> dict[str, str]:
    return headers("teacher", person_id=person, school_id=SCHOOL)


def test_three_strengths_then_one_priority_area(
    client: TestClient, headers: Headers, feedback_world: FakeWorld
) -> None:
    response = feedback(client, as_teacher(headers))
    assert response.status_code == 200, response.text
    data = response.json()
    # Tie at 6.5 broken by instrument order: NC (2) before BM (5); NC counts by its adjusted value.
    assert [s["code"] for s in data["strengths"]] == ["NC", "BM", "PC"]
    nc = data["strengths"][0]
    assert nc["adjusted"] == 6.5
    assert nc["mean"] == 1.5
    assert nc["reverse"] is True
    assert nc["evidence"] == "Sin sarcasmo ni gritos; corrige en voz baja."
    # The aim's focus domain (IS) decides: QF 2.5, not RSP 2.0 (lower, but in another domain).
    assert data["priority_area"]["code"] == "QF"
    assert data["priority_area"]["evidence"].startswith("Responde")
    assert data["focus_domain"] == {"code": "IS", "name": "Apoyo pedagógico", "applied": True}
    summary = data["summary"]
    assert summary.index("fortalezas") < summary.index("área prioritaria")
    assert "Clima negativo (puntaje bajo)" in summary
    # Suggestions: the network's change ideas tagged with the priority dimension only.
    assert [(i["id"], i["driver"]) for i in data["suggested_change_ideas"]] == [
        (IDEA_QF, "Retroalimentación que amplía el aprendizaje")
    ]
    assert data["start_cycle"]["change_idea_id"] == IDEA_QF
    assert "Calidad de la retroalimentación" in data["start_cycle"]["title"]
    assert data["teacher"]["name"] == "Valentina <b>Rojas</b>"
    assert data["school"] == {"id": SCHOOL, "name": "Escuela Básica Los Aromos", "rbd": 9102}
    assert data["observation"]["date_label"] == "12 de septiembre de 2024"
    assert [d["code"] for d in data["dimensions"]] == ORDER
    assert [d["code"] for d in data["domains"]] == ["ES", "CO", "IS"]


def test_change_against_the_previous_observation(
    client: TestClient, headers: Headers, feedback_world: FakeWorld
) -> None:
    data = feedback(client, as_teacher(headers)).json()
    previous = data["previous"]
    assert previous["observation_id"] == OBS_BEFORE  # not the other teacher's earlier observation
    changes = {c["code"]: c for c in previous["changes"]}
    # NC 2.5 -> 1.5: the adjusted value rises 5.5 -> 6.5, an improvement.
    assert changes["NC"]["change"] == pytest.approx(1.0)
    assert changes["NC"]["raw_change"] == pytest.approx(-1.0)
    assert changes["NC"]["direction"] == "improved"
    assert changes["QF"]["change"] == pytest.approx(0.5)
    assert changes["TS"]["direction"] == "unchanged"
    # A second coding of the first session (reliability) is not an earlier observation.
    # Same date, an id that sorts before this one: without the rule it would be taken as the previous one.
    second = observation("0aaaaaaa-0000-4000-8000-000000000009", TEACHER, "2024-09-12", "2024-2", {})
    second["double_codes_id"] = OBS_NOW
    feedback_world.observations[second["id"]] = second
    feedback_world.scores[second["id"]] = scores({c: 1.0 for c in ORDER})
    assert feedback(client, as_teacher(headers)).json()["previous"]["observation_id"] == OBS_BEFORE
    # The first observation has no previous one.
    first = feedback(client, as_teacher(headers), OBS_BEFORE).json()
    assert first["previous"] is None


def test_without_a_focus_domain_the_lowest_remaining_dimension(
    client: TestClient, headers: Headers, feedback_world: FakeWorld
) -> None:
    feedback_world.aims.clear()
    data = feedback(client, as_teacher(headers)).json()
    assert data["priority_area"]["code"] == "RSP"
    assert data["focus_domain"] is None
    assert data["suggested_change_ideas"] == []
    assert data["start_cycle"]["change_idea_id"] is None


@pytest.mark.parametrize(
    ("role", "person", "status"),
    [
        ("teacher", TEACHER, 200),  # her own
        ("coach", COACH, 200),  # the coach who observed
        ("coordinator", None, 200),
        ("teacher", OTHER_TEACHER, 404),  # another teacher
        ("coach", OTHER_COACH, 404),  # a coach who did not observe
        ("leader", None, 404),  # school leaders do not see individual scores
        ("facilitator", None, 404),
    ],
)
def test_privacy_across_roles(
    client: TestClient,
    headers: Headers,
    feedback_world: FakeWorld,
    *,
    role: str,
    person: str | None,
    status: int,
) -> None:
    response = feedback(client, headers(role, person_id=person, school_id=SCHOOL))
    assert response.status_code == status
    # Every read of the observations service was made with the caller's own token, never a service token.
    assert {c.role for c in feedback_world.calls if c.service == "observations"} == {role}


def test_another_network_gets_404(client: TestClient, headers: Headers, feedback_world: FakeWorld) -> None:
    response = feedback(client, headers("coordinator", uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_html_escapes_every_user_string(client: TestClient, headers: Headers, feedback_world: FakeWorld) -> None:
    response = feedback(client, as_teacher(headers), fmt="html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Rojas</b>" not in html
    assert "Valentina &lt;b&gt;Rojas&lt;/b&gt;" in html
    assert "<em>(loops)</em>" not in html
    assert "Otra Docente Secreta" not in html
    assert html.index("Tres fortalezas") < html.index("Un área prioritaria")
    assert "<svg" in html  # the chart, inline


def test_pdf_is_a_valid_pdf_with_the_strengths(client: TestClient, headers: Headers, feedback_world: FakeWorld) -> None:
    response = feedback(client, as_teacher(headers), fmt="pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="devolucion-Valentina-b-Rojas-b-2024-09-12.pdf"' in response.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for name in ("Clima negativo", "Manejo del comportamiento", "Clima positivo", "Calidad de la retroalimentación"):
        assert name in text
    assert "Página 1 de" in text
    assert "12 de septiembre de 2024" in text
    assert "Otra Docente Secreta" not in text


def test_trajectory(client: TestClient, headers: Headers, feedback_world: FakeWorld) -> None:
    response = client.get(f"/api/v1/reports/teachers/{TEACHER}/trajectory", headers=as_teacher(headers))
    assert response.status_code == 200, response.text
    data = response.json()
    assert [o["id"] for o in data["observations"]] == [OBS_BEFORE, OBS_NOW]
    qf = next(d for d in data["dimensions"] if d["code"] == "QF")
    assert [p["mean"] for p in qf["points"]] == [2.0, 2.5]
    # Another teacher sees nothing of it.
    other = client.get(f"/api/v1/reports/teachers/{TEACHER}/trajectory", headers=as_teacher(headers, OTHER_TEACHER))
    assert other.status_code == 404


def test_observations_service_down_is_503(
    make_client: Callable[..., TestClient], siblings: Any, headers: Headers, feedback_world: FakeWorld
) -> None:
    with make_client(siblings.cycles.url, f"http://127.0.0.1:{free_port()}") as client:
        response = feedback(client, as_teacher(headers))
    assert response.status_code == 503
    assert response.json()["service"] == "observations"
    assert "observaciones" in response.json()["detail"]


def test_observation_without_scores_is_409(client: TestClient, headers: Headers, feedback_world: FakeWorld) -> None:
    feedback_world.scores[OBS_NOW] = {"dimensions": [], "domains": []}
    response = feedback(client, as_teacher(headers))
    assert response.status_code == 409
    assert response.json()["code"] == "observation_without_scores"
