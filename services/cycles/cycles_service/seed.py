"""Demo network seed: inserts what is missing, never duplicates, never overwrites.

The demo directory (``infra/demo/directory.json``) carries fixed UUIDs so the
other services' seeds can refer to the same schools and people; the improvement work
(``improvement_work.json``, in the same folder) is read by :mod:`.seed_work`.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from mejora_common.db import make_engine

from .models import Account, Network, Person, School
from .seed_work import seed_work
from .service.security import hash_password

WORK_FILE = "improvement_work.json"
"""The demo's improvement work, beside the directory file."""


def seed_demo(database_url: str, demo_file: Path) -> str:
    data: dict[str, Any] = json.loads(demo_file.read_text(encoding="utf-8"))
    work: dict[str, Any] = json.loads((demo_file.parent / WORK_FILE).read_text(encoding="utf-8"))
    engine = make_engine(database_url)
    created = {"network": 0, "school": 0, "person": 0, "account": 0}
    with Session(engine) as session:
        net = data["network"]
        network_id = uuid.UUID(net["id"])
        if session.get(Network, network_id) is None:
            session.add(Network(id=network_id, name=net["name"], slep=net["slep"], description=net["description"]))
            created["network"] += 1
        session.flush()
        for s in data["schools"]:
            if session.get(School, uuid.UUID(s["id"])) is None:
                session.add(
                    School(
                        id=uuid.UUID(s["id"]),
                        network_id=network_id,
                        rbd=s["rbd"],
                        name=s["name"],
                        commune=s["commune"],
                        region=s["region"],
                        levels=s["levels"],
                    )
                )
                created["school"] += 1
        session.flush()
        password_hash: str | None = None
        for p in data["people"]:
            account = None
            if p.get("email"):
                account = session.exec(select(Account).where(Account.email == p["email"])).first()
                if account is None:
                    password_hash = password_hash or hash_password(data["password"])
                    account = Account(email=p["email"], name=p["name"], password_hash=password_hash)
                    session.add(account)
                    session.flush()
                    created["account"] += 1
            if session.get(Person, uuid.UUID(p["id"])) is None:
                session.add(
                    Person(
                        id=uuid.UUID(p["id"]),
                        network_id=network_id,
                        account_id=account.id if account else None,
                        run=p["run"],
                        name=p["name"],
                        email=p.get("email"),
                        role=p["role"],
                        school_id=uuid.UUID(p["school_id"]) if p.get("school_id") else None,
                        levels=p.get("levels", []),
                    )
                )
                created["person"] += 1
        session.flush()
        created.update(seed_work(session, network_id, data, work))
        session.commit()
    engine.dispose()
    return "ciclos: " + ", ".join(f"{k} +{v}" for k, v in created.items())
