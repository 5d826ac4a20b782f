"""pytest plugin for the phases of ``make test``: ``-p pytest_phase --phase NAME`` keeps one phase's tests.

Every collected test belongs to exactly one phase, so the phases together run each test once:

- ``fuzz``: marked ``fuzz`` (schemathesis over the public API, ``tests/fuzz``), on the one database it starts;
- ``browser``: drives Chromium (uses the ``browser`` fixture, directly or through ``page``, or is marked
  ``browser``), on whichever database its ``system`` runs;
- ``postgresql``: any other test with a ``"postgresql"`` parameter (the ``database_url`` and ``system``
  fixtures run each test on SQLite and on PostgreSQL);
- ``sqlite``: every other test: the SQLite runs, and the tests that use no database.

The fixture is checked, not only the marker, because some browser test modules are marked only ``e2e``.
"""

from __future__ import annotations

import pytest

PHASES = ("sqlite", "postgresql", "browser", "fuzz")


def phase_of(item: pytest.Item) -> str:
    if item.get_closest_marker("fuzz") is not None:
        return "fuzz"
    if item.get_closest_marker("browser") is not None or "browser" in getattr(item, "fixturenames", ()):
        return "browser"
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():
        return "postgresql"
    return "sqlite"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--phase", choices=PHASES, help="run only the tests of this phase of `make test`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    phase = config.getoption("--phase")
    if phase is None:
        return
    kept = [item for item in items if phase_of(item) == phase]
    dropped = [item for item in items if phase_of(item) != phase]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
