#!/usr/bin/env python3
"""The phases of ``make test``, each one timed, with a table of seconds per phase at the end.

Usage: ``python3 infra/ci/phases.py [PHASE ...]`` (no argument: every phase, in order).

Lint and every test phase always run, so one report shows every problem; any failure makes the exit status 1.
Only a failed install stops the run: nothing after it could work. The test phases are disjoint pytest
selections (see ``pytest_phase.py``), so together they run each test exactly once. To add a phase (a deploy
check), add a ``Phase`` to ``PHASES``.

Standard library only: it starts before the virtual environment exists.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
MAKE = os.environ.get("MAKE", "make")
POSTGRES_ENV = "TEST_DATABASE_URL"
# pytest exits with 5 when it selects no test. A phase that is empty (say a run limited to one service, which has
# no browser test) has nothing to report, so 5 is counted as "no tests", not as a failure.
PYTEST_NO_TESTS = 5
DEPLOY_CHECK_ENV = "MEJORA_DEPLOY_CHECK"
DEPLOY_TITLE = "deploy check"


def always() -> str | None:
    return None


def without_postgresql() -> str | None:
    """Why the PostgreSQL phase does not run, or None when it does."""
    return None if os.environ.get(POSTGRES_ENV, "").strip() else f"{POSTGRES_ENV} not set"


def deploy_check_skipped() -> str | None:
    """Why the deploy check does not run (only ``MEJORA_DEPLOY_CHECK=skip``), or None when it does."""
    return f"{DEPLOY_CHECK_ENV}=skip" if os.environ.get(DEPLOY_CHECK_ENV, "").strip().lower() == "skip" else None


@dataclass(frozen=True)
class Phase:
    name: str
    title: str
    command: tuple[str, ...]
    is_pytest: bool = False
    stops_the_run: bool = False
    skip_reason: Callable[[], str | None] = always


def pytest_command(phase: str) -> tuple[str, ...]:
    return (str(VENV_PYTHON), "-m", "pytest", "-p", "pytest_phase", "--phase", phase)


PHASES = (
    Phase("install", "install", (MAKE, "--no-print-directory", "test-install"), stops_the_run=True),
    Phase("lint", "lint", (MAKE, "--no-print-directory", "lint")),
    # Vitest over the frontend's pure functions and offline queue (frontend/vitest.config.ts), from the repository root.
    Phase(
        "frontend",
        "frontend unit tests",
        (str(ROOT / "frontend" / "node_modules" / ".bin" / "vitest"), "run", "--root", str(ROOT / "frontend")),
    ),
    Phase("sqlite", "tests on SQLite", pytest_command("sqlite"), is_pytest=True),
    Phase(
        "postgresql",
        "tests on PostgreSQL",
        pytest_command("postgresql"),
        is_pytest=True,
        skip_reason=without_postgresql,
    ),
    Phase("browser", "browser tests", pytest_command("browser"), is_pytest=True),
    # Schemathesis over the public API through the real gateway (tests/fuzz); `make fuzz` runs it on SQLite too.
    Phase(
        "fuzz",
        "fuzzing on PostgreSQL",
        (*pytest_command("fuzz"), "tests/fuzz"),
        is_pytest=True,
        skip_reason=without_postgresql,
    ),
    # Last: the compose deployment built, started, used, broken and torn down (`make deploy-check`, docs/deployment.md).
    Phase("deploy", DEPLOY_TITLE, (MAKE, "--no-print-directory", "deploy-check"), skip_reason=deploy_check_skipped),
)


@dataclass(frozen=True)
class Outcome:
    title: str
    result: str
    seconds: float | None = None

    @property
    def failed(self) -> bool:
        return self.result.startswith("FAILED")


def environment() -> dict[str, str]:
    """The caller's environment, with the phase plugin importable by pytest."""
    env = dict(os.environ)
    plugin_dir = str(Path(__file__).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join(part for part in (plugin_dir, env.get("PYTHONPATH", "")) if part)
    return env


def run(phase: Phase) -> Outcome:
    reason = phase.skip_reason()
    if reason is not None:
        print(f"\n==> {phase.title}: skipped ({reason})", flush=True)
        return Outcome(phase.title, f"skipped: {reason}")
    print(f"\n==> {phase.title}: {' '.join(phase.command)}", flush=True)
    started = time.monotonic()
    code = subprocess.call(phase.command, cwd=ROOT, env=environment())
    seconds = time.monotonic() - started
    if code == 0:
        return Outcome(phase.title, "ok", seconds)
    if phase.is_pytest and code == PYTEST_NO_TESTS:
        return Outcome(phase.title, "no tests", seconds)
    return Outcome(phase.title, f"FAILED (exit {code})", seconds)


def summary(outcomes: list[Outcome]) -> str:
    width = max(len("total"), *(len(outcome.title) for outcome in outcomes))
    lines = [f"{'phase':<{width}}  {'seconds':>8}  result"]
    for outcome in outcomes:
        seconds = "-" if outcome.seconds is None else f"{outcome.seconds:.1f}"
        lines.append(f"{outcome.title:<{width}}  {seconds:>8}  {outcome.result}")
    total = sum(outcome.seconds or 0.0 for outcome in outcomes)
    verdict = "FAILED" if any(outcome.failed for outcome in outcomes) else "ok"
    lines.append(f"{'total':<{width}}  {total:>8.1f}  {verdict}")
    return "\n".join(lines)


def deploy_check_line(outcomes: list[Outcome]) -> str:
    """The run's last line: whether the deploy check ran, and how it ended."""
    outcome = next((o for o in outcomes if o.title == DEPLOY_TITLE), None)
    if outcome is None:
        return "deploy check: did not run (interrupted)"
    if outcome.seconds is None:
        reason = outcome.result.removeprefix("skipped: ").removeprefix("not run (").removesuffix(")")
        return f"deploy check: did not run ({reason})"
    return f"deploy check: ran, {outcome.result}"


def selected(names: list[str]) -> list[Phase]:
    known = {phase.name for phase in PHASES}
    unknown = [name for name in names if name not in known]
    if unknown:
        sys.exit(f"unknown phase {', '.join(unknown)}; phases: {', '.join(phase.name for phase in PHASES)}")
    return [phase for phase in PHASES if not names or phase.name in names]


def main(names: list[str]) -> int:
    outcomes: list[Outcome] = []
    phases = selected(names)
    try:
        for index, phase in enumerate(phases):
            outcome = run(phase)
            outcomes.append(outcome)
            if outcome.failed and phase.stops_the_run:
                skipped = phases[index + 1 :]
                outcomes.extend(Outcome(later.title, f"not run ({phase.title} failed)") for later in skipped)
                break
    except KeyboardInterrupt:
        outcomes.append(Outcome("(interrupted)", "FAILED (interrupted)"))
    print(f"\n==> make test: seconds per phase\n{summary(outcomes)}", flush=True)
    if any(phase.name == "deploy" for phase in phases):
        print(deploy_check_line(outcomes), flush=True)
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
