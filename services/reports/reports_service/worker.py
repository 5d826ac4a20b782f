"""The job worker: ``python -m reports_service worker`` renders the report documents queued in the reports database.

It claims one job at a time (``service/job_queue.py``), renders it (``service/job_render.py``) while a heartbeat
thread keeps its lease, stores the file or a readable failure, and every minute deletes the files past their
retention. Any number of workers may run (replicas, ``make run``'s one): a job is taken by exactly one, and a job
whose worker died is taken again when its lease ends. SIGTERM lets the current job finish, then the worker exits.

With ``MEJORA_REPORTS_WORKER_PORT`` set it answers, on ``MEJORA_REPORTS_WORKER_HOST``, ``GET /health`` (the
process is up) and ``GET /ready`` (the database is migrated and the loop has turned recently) for compose's
healthcheck and Kubernetes' probes.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .db import build_engine, check_ready
from .domain.jobs import RENDER_FAILED, pdf_layout_step
from .service import job_queue
from .service.job_render import STEPS, render
from .settings import Settings

log = logging.getLogger("reports_service.worker")

#: Seconds between clean-ups of expired files.
CLEANUP_EVERY = 60.0
#: Seconds between two progress writes while a PDF is laid out.
PROGRESS_EVERY = 0.5
#: WeasyPrint's progress log (its steps and pages), read for the progress bar and kept out of the worker's output.
WEASYPRINT_PROGRESS = logging.getLogger("weasyprint.progress")


class LeaseLostError(Exception):
    """Another worker took the job (this one was too slow to heartbeat): stop without writing."""


class Heartbeat:
    """Keeps the lease of one job while it renders; records the steps it goes through."""

    def __init__(self, engine: Engine, job_id: uuid.UUID, owner: str, lease_seconds: float) -> None:
        self.engine, self.job_id, self.owner, self.lease_seconds = engine, job_id, owner, lease_seconds
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            try:
                held = job_queue.heartbeat(self.engine, self.job_id, self.owner, lease_seconds=self.lease_seconds)
            except OperationalError:  # a busy or briefly unreachable database: the next beat tries again
                log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)
                continue
            if not held:
                self.lost = True
                return

    def progress(self, percent: int, message: str) -> None:
        """Store the progress; never raises (a lost lease is only recorded)."""
        try:
            held = job_queue.heartbeat(
                self.engine,
                self.job_id,
                self.owner,
                lease_seconds=self.lease_seconds,
                progress=percent,
                message=message,
            )
        except OperationalError:
            return
        self.lost = self.lost or not held

    def step(self, percent: int, message: str) -> None:
        if self.lost or not job_queue.heartbeat(
            self.engine,
            self.job_id,
            self.owner,
            lease_seconds=self.lease_seconds,
            progress=percent,
            message=message,
        ):
            self.lost = True
            raise LeaseLostError(str(self.job_id))


class PdfProgress(logging.Handler):
    """Turns WeasyPrint's progress log into the job's progress while a PDF is laid out (at most every
    :data:`PROGRESS_EVERY` seconds; a lost lease is noticed at the next step, since a log handler must not raise)."""

    def __init__(self, beat: Heartbeat) -> None:
        super().__init__(level=logging.INFO)
        self.beat = beat
        self.last = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        step = pdf_layout_step(record.getMessage())
        now = time.monotonic()
        if step is None or self.beat.lost or now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.beat.progress(step.percent, step.message)


@contextmanager
def pdf_progress(beat: Heartbeat) -> Iterator[None]:
    """WeasyPrint's progress log read into the job while it renders, and kept out of the worker's output."""
    handler = PdfProgress(beat)
    level, propagate = WEASYPRINT_PROGRESS.level, WEASYPRINT_PROGRESS.propagate
    WEASYPRINT_PROGRESS.setLevel(logging.INFO)
    WEASYPRINT_PROGRESS.propagate = False
    WEASYPRINT_PROGRESS.addHandler(handler)
    try:
        yield
    finally:
        WEASYPRINT_PROGRESS.removeHandler(handler)
        WEASYPRINT_PROGRESS.setLevel(level)
        WEASYPRINT_PROGRESS.propagate = propagate


def run_one(engine: Engine, settings: Settings, owner: str) -> bool:
    """Claim and render one job; ``False`` when there was none."""
    job = job_queue.claim(engine, owner, lease_seconds=settings.job_lease_seconds)
    if job is None:
        return False
    steps = STEPS.get(job.kind, {})
    started = time.monotonic()
    try:
        with Heartbeat(engine, job.id, owner, settings.job_lease_seconds) as beat:
            first = steps.get("claimed")
            if first:
                beat.step(first.percent, first.message)

            def on_step(name: str) -> None:
                step = steps.get(name)
                if step:
                    beat.step(step.percent, step.message)

            with pdf_progress(beat):
                body, content_type = render(job.kind, job.format, job.payload, on_step)
            store = steps.get("store")
            if store:
                beat.step(store.percent, store.message)
        stored = job_queue.finish(
            engine, job.id, owner, body=body, content_type=content_type, retention_hours=settings.job_retention_hours
        )
        _log("job_done" if stored else "job_lost", job.id, seconds=time.monotonic() - started, size=len(body))
    except LeaseLostError:
        _log("job_lost", job.id)
    except Exception:  # a failed render must fail the job readably, never kill the worker
        log.exception("job %s failed", job.id)
        job_queue.fail(engine, job.id, owner, reason=RENDER_FAILED, retention_hours=settings.job_retention_hours)
        _log("job_failed", job.id)
    return True


def _log(event: str, job_id: uuid.UUID, **fields: Any) -> None:
    print(json.dumps({"event": event, "job_id": str(job_id), **fields}), flush=True)


class Worker:
    """The loop, its stop flag and what ``/ready`` reads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = build_engine(settings.effective_database_url())
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]
        self.stop = threading.Event()
        self.last_turn = time.monotonic()

    def alive(self) -> bool:
        """The loop turned within a lease (a job renders within its lease, heartbeats aside)."""
        limit = 3 * self.settings.worker_poll_seconds + 4 * self.settings.job_lease_seconds
        return time.monotonic() - self.last_turn < limit

    def run(self) -> None:
        last_cleanup = 0.0
        while not self.stop.is_set():
            self.last_turn = time.monotonic()
            if self.last_turn - last_cleanup > CLEANUP_EVERY:
                job_queue.expire_finished(self.engine)
                last_cleanup = self.last_turn
            try:
                worked = run_one(self.engine, self.settings, self.owner)
            except Exception:  # the database went away: wait and try again, as a supervised process would
                log.exception("claiming a job failed")
                worked = False
            if not worked:
                self.stop.wait(self.settings.worker_poll_seconds)


class QueueCollector:
    """The job queue's length, read from the database at each scrape (every worker reports the same queue)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("mejora_jobs", "Report jobs by state (queued: waiting; running: being rendered).",
                                  labels=["state"])  # fmt: skip
        try:
            lengths = job_queue.queue_lengths(self.engine)
        except OperationalError:
            lengths = {}  # the database is away: /ready says so; the scrape still answers
        for state, count in lengths.items():
            gauge.add_metric([state], count)
        yield gauge


def _metrics_registry(worker: Worker) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(QueueCollector(worker.engine))  # type: ignore[arg-type]
    return registry


def _health_server(worker: Worker, port: int) -> ThreadingHTTPServer:
    registry = _metrics_registry(worker)

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(registry))
                return
            if self.path == "/health":
                ok, message = True, "ok"
            elif self.path == "/ready":
                ok, message = check_ready(worker.engine)
                if ok and not worker.alive():
                    ok, message = False, "el proceso de trabajos no avanza"
            else:
                self.send_error(404)
                return
            body = json.dumps({"status": "ok" if ok else "unavailable", "detail": message}).encode()
            self._send(200 if ok else 503, "application/json", body)

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer((worker.settings.worker_host, port), Handler)
    threading.Thread(target=server.serve_forever, name="worker-health", daemon=True).start()
    return server


def main(settings: Settings) -> str:
    """Run until SIGTERM or SIGINT; returns what the command prints at the end."""
    logging.basicConfig(level=logging.INFO)
    worker = Worker(settings)

    def on_signal(_signum: int, _frame: object) -> None:
        worker.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = _health_server(worker, settings.worker_port) if settings.worker_port else None
    print(json.dumps({"event": "worker_started", "owner": worker.owner}), flush=True)
    try:
        worker.run()
    finally:
        if server is not None:
            server.shutdown()
    return "proceso de trabajos detenido"
