"""The prefix table: which service owns each public ``/api/v1`` path.

A rule is a tuple of path segments after ``/api/v1/``; ``*`` matches any one
segment, and a segment is compared without its ``:action`` suffix (so
``observations:export`` belongs to ``observations``). The longest matching
rule wins, which lets ``measures/*/run-chart`` go to reports while the rest of
``measures`` stays with cycles.
"""

from __future__ import annotations

API_PREFIX = "/api/v1/"
SERVICES = ("cycles", "observations", "reports")

ROUTES: dict[tuple[str, ...], str] = {
    ("auth",): "cycles",
    ("networks",): "cycles",
    ("schools",): "cycles",
    ("people",): "cycles",
    ("aims",): "cycles",
    ("driver-diagrams",): "cycles",
    ("driver-diagram-nodes",): "cycles",
    ("cycles",): "cycles",
    ("measures",): "cycles",
    ("events",): "cycles",
    ("barriers",): "cycles",
    ("integrations",): "cycles",
    ("instruments",): "observations",
    ("observations",): "observations",
    ("reliability",): "observations",
    ("spc",): "reports",
    ("reports",): "reports",
    ("measures", "*", "run-chart"): "reports",
}

# Reachable without a token (login, token renewal, health and the API description).
PUBLIC_PATHS = {"auth/token", "auth/refresh", "auth/logout", "health", "openapi.json"}


def _matches(rule: tuple[str, ...], segments: list[str]) -> bool:
    if len(segments) < len(rule):
        return False
    return all(r == "*" or r == s.split(":", 1)[0] for r, s in zip(rule, segments, strict=False))


def resolve(path: str) -> str | None:
    """The service that owns a public path, or ``None``."""
    if not path.startswith(API_PREFIX):
        return None
    segments = [s for s in path[len(API_PREFIX) :].split("/") if s]
    best: tuple[int, str] | None = None
    for rule, service in ROUTES.items():
        if _matches(rule, segments) and (best is None or len(rule) > best[0]):
            best = (len(rule), service)
    return best[1] if best else None


def is_public(path: str) -> bool:
    return path.startswith(API_PREFIX) and path[len(API_PREFIX) :].rstrip("/") in PUBLIC_PATHS
