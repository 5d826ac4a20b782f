import json
from datetime import date
from typing import Any

from sqlmodel import Session, func, select

from cycles_service.db import MIGRATIONS_DIR
from cycles_service.models import Account, Measure, MeasurePoint, Network, Person, School
from cycles_service.seed import WORK_FILE, seed_demo
from mejora_common.db import make_engine, upgrade
from mejora_common.testing import DEMO_FILE, DEMO_NETWORK_ID


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        result = {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Network, School, Person, Account)
        }
        result["teachers"] = session.exec(
            select(func.count()).select_from(Person).where(Person.role == "teacher")
        ).one()
    engine.dispose()
    return result


def test_seed_is_realistic_and_never_duplicates(database_url: str) -> None:
    upgrade(MIGRATIONS_DIR, database_url)
    seed_demo(database_url, DEMO_FILE)
    first = counts(database_url)
    again = seed_demo(database_url, DEMO_FILE)
    assert counts(database_url) == first
    assert "+" not in again.replace("+0", "")
    assert first == {"Network": 1, "School": 6, "Person": 22, "Account": 22, "teachers": 17}


def test_seed_inserts_the_whole_improvement_work_from_the_demo_folder(database_url: str) -> None:
    upgrade(MIGRATIONS_DIR, database_url)
    assert (DEMO_FILE.parent / WORK_FILE).is_file()  # all demo data in one folder, beside the directory
    message = seed_demo(database_url, DEMO_FILE)
    assert message.endswith(
        "DriverDiagram +2, DiagramNode +30, DiagramLink +30, Measure +3, MeasurePoint +78, Aim +1, "
        "Cycle +12, CycleTransition +28, Event +31, Barrier +4"
    )
    engine = make_engine(database_url)
    with Session(engine) as session:
        [outcome] = session.exec(select(Measure).where(Measure.kind == "outcome")).all()
        points = session.exec(select(MeasurePoint).where(MeasurePoint.measure_id == outcome.id)).all()
    engine.dispose()
    # The visible shift: the level rises from April 2024.
    before = [p.value for p in points if p.period < date(2024, 4, 1)]
    after = [p.value for p in points if p.period >= date(2024, 4, 1)]
    assert len(points) == 26 and max(before) < min(after)


def test_demo_directory_has_the_required_people() -> None:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    roles = [p["role"] for p in data["people"]]
    assert roles.count("teacher") == 17
    assert roles.count("coach") == 2
    assert roles.count("facilitator") == roles.count("coordinator") == roles.count("leader") == 1
    emails = {p["email"]: p["role"] for p in data["people"]}
    assert emails["coordinacion@demo.cl"] == "coordinator"
    assert emails["facilitacion@demo.cl"] == "facilitator"
    assert emails["acompanante@demo.cl"] == "coach"
    assert emails["direccion@demo.cl"] == "leader"
    assert emails["educadora@demo.cl"] == "teacher"
    assert len({s["rbd"] for s in data["schools"]}) == 6


def test_demo_improvement_work(client: Any, bearer: Any) -> None:
    headers = bearer("coordinacion@demo.cl")
    net = f"/api/v1/networks/{DEMO_NETWORK_ID}"
    [aim] = client.get(f"{net}/aims", headers=headers).json()["items"]
    assert aim["focus_domain"] == "IS" and aim["measure_id"]
    versions = client.get(f"{net}/driver-diagrams?status=published", headers=headers).json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    assert "octubre 2024" in versions[0]["title"] and "octubre 2023" in versions[1]["title"]
    latest = client.get(f"/api/v1/driver-diagrams/{versions[0]['id']}", headers=headers).json()
    assert any("QF" in idea["tags"] for idea in latest["change_ideas"])
    diff = client.get(f"/api/v1/driver-diagrams/{versions[0]['id']}/diff?against={versions[1]['id']}", headers=headers)
    assert diff.json()["added"] and diff.json()["removed"] and diff.json()["changed"]
    cycles = client.get(f"/api/v1/cycles?network_id={DEMO_NETWORK_ID}&limit=200", headers=headers).json()["items"]
    assert len(cycles) >= 12
    assert {c["stage"] for c in cycles} == {"plan", "do", "study", "act", "closed"}
    assert {c["act_decision"] for c in cycles} >= {"adopt", "adapt", "abandon"}
    last = next(c for c in cycles if c["title"].endswith("(ciclo 3)"))
    ramp = client.get(f"/api/v1/cycles/{last['id']}/ramp", headers=headers).json()["items"]
    assert len(ramp) == 3
    measures = client.get(f"{net}/measures", headers=headers).json()["items"]
    assert len(measures) == 3 and all(m["point_count"] >= 24 for m in measures)
    assert {m["kind"] for m in measures} == {"outcome", "process", "balancing"}
    plan = client.get(f"{net}/calendar?year=2024", headers=headers).json()
    assert plan["counts"]["learning_session"] == 3
    assert all(s["visits"] >= 4 for s in plan["schools"])
    november = plan["months"][10]
    assert november["counts"]["school_visit"] >= 3
    assert plan["flags"] == []
    assert client.get(f"{net}/barriers", headers=headers).json()["total"] >= 3
