"""Claims, leases and heartbeats of the job queue, on SQLite and on PostgreSQL (``service/job_queue.py``)."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from mejora_common.db import make_engine, upgrade, utcnow
from reports_service.db import MIGRATIONS_DIR
from reports_service.domain.jobs import GAVE_UP, MAX_ATTEMPTS, JobState, is_claimable
from reports_service.models.jobs import ReportJob
from reports_service.service import job_queue

T = ReportJob.__table__  # type: ignore[attr-defined]
LEASE = 30.0


@pytest.fixture
def engine(database_url: str) -> Engine:
    upgrade(MIGRATIONS_DIR, database_url)
    return make_engine(database_url)


def queue(engine: Engine, n: int = 1) -> list[uuid.UUID]:
    """``n`` queued jobs, oldest first."""
    ids = []
    start = utcnow() - timedelta(minutes=10)
    with engine.begin() as conn:
        for i in range(n):
            job_id = uuid.uuid4()
            conn.execute(
                T.insert().values(
                    id=job_id,
                    version=1,
                    kind="results",
                    format="csv",
                    network_id=uuid.uuid4(),
                    created_by_account_id=uuid.uuid4(),
                    state="queued",
                    progress=0,
                    message="En cola",
                    attempts=0,
                    created_at=start + timedelta(seconds=i),
                    filename=f"f{i}.csv",
                    payload={"i": i},
                )
            )
            ids.append(job_id)
    return ids


def row(engine: Engine, job_id: uuid.UUID) -> object:
    with engine.begin() as conn:
        return conn.execute(select(T).where(T.c.id == job_id)).one()


def test_claim_heartbeat_finish(engine: Engine) -> None:
    (job_id,) = queue(engine)
    claimed = job_queue.claim(engine, "a", lease_seconds=LEASE)
    assert claimed is not None
    assert (claimed.id, claimed.payload, claimed.attempts) == (job_id, {"i": 0}, 1)
    running = row(engine, job_id)
    assert (running.state, running.lease_owner, running.version) == ("running", "a", 2)  # type: ignore[attr-defined]

    assert job_queue.heartbeat(engine, job_id, "a", lease_seconds=LEASE, progress=140, message="Componiendo")
    beat = row(engine, job_id)
    assert (beat.progress, beat.message) == (100, "Componiendo")  # type: ignore[attr-defined]  # clamped
    assert beat.lease_expires_at > running.lease_expires_at  # type: ignore[attr-defined]

    assert job_queue.finish(engine, job_id, "a", body=b"x;y", content_type="text/csv", retention_hours=24)
    done = row(engine, job_id)
    assert (done.state, done.result, done.result_size, done.payload) == ("done", b"x;y", 3, None)  # type: ignore[attr-defined]
    assert done.expires_at - done.finished_at == timedelta(hours=24)  # type: ignore[attr-defined]
    assert done.lease_owner is None  # type: ignore[attr-defined]
    assert job_queue.claim(engine, "b", lease_seconds=LEASE) is None


def test_a_second_worker_does_not_take_a_claimed_job(engine: Engine) -> None:
    first, second = queue(engine, 2)
    a = job_queue.claim(engine, "a", lease_seconds=LEASE)
    b = job_queue.claim(engine, "b", lease_seconds=LEASE)
    assert a is not None and b is not None
    assert (a.id, b.id) == (first, second)
    assert job_queue.claim(engine, "c", lease_seconds=LEASE) is None
    # Only the holder writes.
    assert not job_queue.heartbeat(engine, first, "b", lease_seconds=LEASE, progress=50)
    assert not job_queue.finish(engine, first, "b", body=b"", content_type="text/csv", retention_hours=1)
    assert not job_queue.fail(engine, first, "c", reason="no", retention_hours=1)
    assert row(engine, first).state == "running"  # type: ignore[attr-defined]


def test_concurrent_claims_take_each_job_once(engine: Engine) -> None:
    ids = queue(engine, 12)
    taken: list[uuid.UUID] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        start.wait()
        while True:
            try:
                job = job_queue.claim(engine, name, lease_seconds=LEASE)
            except Exception as exc:  # SQLite: "database is locked" is a retry, never a double claim
                if "locked" not in str(exc):
                    raise
                continue
            if job is None:
                return
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(ids)  # every job once, none twice


def test_skip_locked_passes_over_a_row_another_transaction_holds(engine: Engine, database_url: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite has one writer (the version check is tested above)")
    first, second = queue(engine, 2)
    other = make_engine(database_url)
    with other.connect() as admin:  # without SKIP LOCKED the claim below would wait: make that an error, not a hang
        admin.execute(text(f"ALTER DATABASE \"{engine.url.database}\" SET lock_timeout = '5s'"))
        admin.commit()
    claimer = make_engine(database_url)
    with other.connect() as holder:
        holder.execute(select(T.c.id).where(T.c.id == first).with_for_update())  # held until the rollback
        # The claim neither waits for the held row nor takes it: it takes the next job.
        claimed = job_queue.claim(claimer, "b", lease_seconds=LEASE)
        assert claimed is not None and claimed.id == second
        holder.rollback()
    claimed = job_queue.claim(claimer, "c", lease_seconds=LEASE)
    assert claimed is not None and claimed.id == first


def test_an_expired_lease_is_reclaimed(engine: Engine) -> None:
    (job_id,) = queue(engine)
    assert job_queue.claim(engine, "dead", lease_seconds=LEASE) is not None
    assert job_queue.claim(engine, "b", lease_seconds=LEASE) is None  # lease still running
    later = utcnow() + timedelta(seconds=LEASE + 1)
    again = job_queue.claim(engine, "b", lease_seconds=LEASE, now=later)
    assert again is not None and (again.id, again.attempts) == (job_id, 2)
    # The dead worker, were it to wake up, writes nothing.
    assert not job_queue.finish(engine, job_id, "dead", body=b"old", content_type="text/csv", retention_hours=1)
    assert job_queue.finish(engine, job_id, "b", body=b"new", content_type="text/csv", retention_hours=1)
    assert row(engine, job_id).result == b"new"  # type: ignore[attr-defined]


def test_a_job_that_kills_every_worker_is_given_up(engine: Engine) -> None:
    (job_id,) = queue(engine)
    at = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        claimed = job_queue.claim(engine, f"w{attempt}", lease_seconds=LEASE, now=at)
        assert claimed is not None and claimed.attempts == attempt + 1
        at += timedelta(seconds=LEASE + 1)
    assert job_queue.claim(engine, "last", lease_seconds=LEASE, now=at) is None
    failed = row(engine, job_id)
    assert (failed.state, failed.error, failed.payload) == ("failed", GAVE_UP, None)  # type: ignore[attr-defined]


def test_failure_keeps_the_reason_and_expiry_deletes_files(engine: Engine) -> None:
    ok, bad = queue(engine, 2)
    assert job_queue.claim(engine, "a", lease_seconds=LEASE) is not None
    assert job_queue.claim(engine, "a", lease_seconds=LEASE) is not None
    assert job_queue.finish(engine, ok, "a", body=b"pdf", content_type="application/pdf", retention_hours=1)
    assert job_queue.fail(engine, bad, "a", reason="No se pudo generar el documento.", retention_hours=1)
    assert row(engine, bad).error == "No se pudo generar el documento."  # type: ignore[attr-defined]
    assert job_queue.expire_finished(engine) == 0
    assert job_queue.expire_finished(engine, now=utcnow() + timedelta(hours=1, seconds=1)) == 2
    assert row(engine, ok).state == "expired" and row(engine, ok).result is None  # type: ignore[attr-defined]
    job_queue.expire_finished(engine, now=utcnow() + job_queue.FORGET_EXPIRED_AFTER + timedelta(hours=2))
    with engine.begin() as conn:
        assert conn.execute(select(T.c.id)).all() == []


def test_the_sql_claim_rule_is_the_domain_rule() -> None:
    now = utcnow()
    assert is_claimable(JobState.queued, None, now)
    assert not is_claimable(JobState.running, now + timedelta(seconds=1), now)
    assert is_claimable(JobState.running, now, now)
    assert not is_claimable(JobState.done, None, now)
    assert not is_claimable(JobState.running, None, now)


def test_the_queue_length_counts_waiting_and_running_jobs(engine: Engine) -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from reports_service.worker import QueueCollector

    assert job_queue.queue_lengths(engine) == {"queued": 0, "running": 0}
    queue(engine, 3)
    assert job_queue.claim(engine, "a", lease_seconds=LEASE) is not None
    assert job_queue.queue_lengths(engine) == {"queued": 2, "running": 1}
    registry = CollectorRegistry()
    registry.register(QueueCollector(engine))  # type: ignore[arg-type]
    scraped = generate_latest(registry).decode()
    assert 'mejora_jobs{state="queued"} 2.0' in scraped and 'mejora_jobs{state="running"} 1.0' in scraped
