import json

from sqlmodel import Session, func, select

from cycles_service.db import MIGRATIONS_DIR
from cycles_service.models import Account, Network, Person, School
from cycles_service.seed import seed_demo
from mejora_common.db import make_engine, upgrade
from mejora_common.testing import DEMO_FILE


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
    seed_demo(database_url, DEMO_FILE)
    assert counts(database_url) == first
    assert first == {"Network": 1, "School": 6, "Person": 22, "Account": 22, "teachers": 17}


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
