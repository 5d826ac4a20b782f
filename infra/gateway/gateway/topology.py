"""The system's shape as data: the services and which siblings each one may call.

This is the one place the call graph is declared. ``docs/architecture.md``
("The service call graph") describes it, and ``tests/test_architecture.py`` fails when
a service's code calls a sibling that is not listed here (or calls one from
outside its ``clients/`` package). The graph has no cycles: a service only
calls services that were there before it.
"""

from __future__ import annotations

from collections.abc import Mapping

# The services behind the gateway, in dependency order.
SERVICES: tuple[str, ...] = ("cycles", "observations", "reports")

# service -> the siblings it calls over HTTP (through its ``clients/`` package).
CALL_GRAPH: Mapping[str, frozenset[str]] = {
    # Owns users, networks, schools and PHEA cycles: depends on no one.
    "cycles": frozenset(),
    # Checks that the schools, people and networks an observation names exist.
    "observations": frozenset({"cycles"}),
    # Reads both to build aggregate reports and feedback.
    "reports": frozenset({"cycles", "observations"}),
}


def package(service: str) -> str:
    """The Python package of a service (``cycles`` -> ``cycles_service``)."""
    return f"{service}_service"
