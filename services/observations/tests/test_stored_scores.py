"""Stored scores (issue 12, point 1): the rows written at submit and amendment equal the scores computed from the
raw codes, for every shipped instrument, on both engines; a draft has none; the backfill of migration 0005."""

from __future__ import annotations

import importlib.util
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from mejora_common.db import make_engine
from observations_service.db import MIGRATIONS_DIR
from observations_service.domain.completeness import CycleScores
from observations_service.domain.instrument import InstrumentSpec, load_instrument
from observations_service.domain.scoring import score_observation
from observations_service.instruments import instrument_uuid, shipped_documents
from observations_service.models import ObservationScore

Headers = Callable[[str], dict[str, str]]
COACH = "acompanante@demo.cl"
SPECS: list[InstrumentSpec] = [load_instrument(d) for d in shipped_documents()]


def random_body(draft: Any, spec: InstrumentSpec, rng: random.Random) -> dict[str, Any]:
    n = max(spec.min_cycles, 1) + rng.randint(0, 2)
    body: dict[str, Any] = draft(n_cycles=n, instrument_id=str(instrument_uuid(spec.code, spec.version)))
    for cycle in body["cycles"]:
        cycle["scores"] = {d.code: rng.randint(spec.scale_min, spec.scale_max) for d in spec.dimensions}
    body["evidence"] = {spec.dimensions[0].code: "Evidencia observada en el aula."}
    return body


def expected(spec: InstrumentSpec, cycles: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The scores computed from the raw codes with the domain's rule (domain.scoring)."""
    score = score_observation(spec, [CycleScores(number=c["number"], scores=c["scores"]) for c in cycles])
    rows = {("dimension", d.code): (d.mean, d.adjusted, d.band, d.n_cycles, d.domain_code) for d in score.dimensions}
    rows.update({("domain", d.code): (d.mean, d.mean, d.band, None, None) for d in score.domains})
    return rows


def stored(client: TestClient, oid: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        rows = session.exec(select(ObservationScore).where(ObservationScore.observation_id == uuid.UUID(oid))).all()
    return {(r.kind, r.code): (r.mean, r.adjusted, r.band, r.n_cycles, r.domain_code) for r in rows}


def etag(client: TestClient, headers: Headers, oid: str) -> str:
    return client.get(f"/api/v1/observations/{oid}", headers=headers(COACH)).headers["etag"]


def submit(client: TestClient, headers: Headers, oid: str) -> None:
    tag = etag(client, headers, oid)
    response = client.post(f"/api/v1/observations/{oid}/submit", headers={**headers(COACH), "If-Match": tag})
    assert response.status_code == 200, response.text


def test_stored_scores_equal_the_scores_from_the_raw_codes_for_every_instrument(
    client: TestClient, headers: Headers, draft: Any
) -> None:
    rng = random.Random(12)
    assert {s.code for s in SPECS} == {"class-prek-k3", "class-2e-prek3", "peer-visit"}
    for spec in SPECS:
        for _ in range(4):
            oid = str(uuid.uuid4())
            body = random_body(draft, spec, rng)
            created = client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
            assert created.status_code == 201, created.text
            assert stored(client, oid) == {}  # a draft has no stored scores
            submit(client, headers, oid)
            assert stored(client, oid) == expected(spec, body["cycles"])


def test_an_amendment_replaces_the_stored_scores(client: TestClient, headers: Headers, draft: Any) -> None:
    rng = random.Random(7)
    for spec in SPECS:
        oid = str(uuid.uuid4())
        body = random_body(draft, spec, rng)
        client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
        submit(client, headers, oid)
        before = stored(client, oid)
        cycles = body["cycles"]
        first = spec.dimensions[0].code
        cycles[0]["scores"][first] = spec.scale_max if cycles[0]["scores"][first] != spec.scale_max else spec.scale_min
        payload = {"reason": "Error de digitación en el ciclo 1", "cycles": cycles}
        tag = etag(client, headers, oid)
        response = client.post(
            f"/api/v1/observations/{oid}/amendments", json=payload, headers={**headers(COACH), "If-Match": tag}
        )
        assert response.status_code == 201, response.text
        after = stored(client, oid)
        assert after == expected(spec, cycles)
        assert after != before


def test_an_amendment_of_other_fields_keeps_the_stored_scores(client: TestClient, headers: Headers, draft: Any) -> None:
    oid = str(uuid.uuid4())
    body = random_body(draft, SPECS[0], random.Random(3))
    client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
    submit(client, headers, oid)
    before = stored(client, oid)
    tag = etag(client, headers, oid)
    payload = {"reason": "Fue por video, no en vivo", "mode": "video"}
    response = client.post(
        f"/api/v1/observations/{oid}/amendments", json=payload, headers={**headers(COACH), "If-Match": tag}
    )
    assert response.status_code == 201, response.text
    assert stored(client, oid) == before == expected(SPECS[0], body["cycles"])


def test_migration_0005_backfills_submitted_observations(
    client: TestClient, headers: Headers, draft: Any, database_url: str
) -> None:
    """Scores deleted, then the migration's backfill run again on the same rows writes the same values."""
    rng = random.Random(5)
    ids = []
    for spec in SPECS:
        oid = str(uuid.uuid4())
        body = random_body(draft, spec, rng)
        client.put(f"/api/v1/observations/{oid}", json=body, headers=headers(COACH))
        submit(client, headers, oid)
        ids.append((oid, spec, body["cycles"]))
    path = Path(MIGRATIONS_DIR) / "versions" / "0005_stored_scores.py"
    module_spec = importlib.util.spec_from_file_location("migration_0005", path)
    assert module_spec is not None and module_spec.loader is not None
    migration = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(migration)
    engine = make_engine(database_url)
    table = ObservationScore.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(sa.delete(table))
        with Operations.context(MigrationContext.configure(connection)):
            migration._backfill(table)
    engine.dispose()
    for oid, spec, cycles in ids:
        assert stored(client, oid) == expected(spec, cycles)
