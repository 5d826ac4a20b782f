"""The prefix table: the one place that says which service owns each public ``/api/v1`` path.

A rule is a tuple of path segments after ``/api/v1/``; ``*`` matches any one
segment, and a segment is compared without its ``:action`` suffix (so
``observations:export`` belongs to ``observations``). The longest matching
rule wins, which lets ``measures/*/run-chart`` go to reports while the rest of
``measures`` stays with cycles.

``tests/test_route_ownership.py`` checks the table against the services' own
OpenAPI documents: every path template resolves to the service that declares
it, no concrete path of it can reach another service, no template is declared
twice and every rule decides at least one template. The merged OpenAPI
document (``gateway.openapi``) refuses a path whose owner the table disagrees with.
"""

from __future__ import annotations

from .topology import SERVICES

API_PREFIX = "/api/v1/"

Rule = tuple[str, ...]

ROUTES: dict[Rule, str] = {
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
    ("me", "access-log"): "observations",
    ("spc",): "reports",
    ("reports",): "reports",
    ("measures", "*", "run-chart"): "reports",
    ("measures", "*", "phase-proposals"): "reports",
}

# Reachable without a token (login, token renewal, health and the API description).
PUBLIC_PATHS = {"auth/token", "auth/refresh", "auth/logout", "health", "openapi.json"}
# The account lifecycle (cycles' api/account_lifecycle.py, api/mfa.py): authorised by the link or challenge sent.
PUBLIC_PATHS |= {
    "auth/invitation/check",
    "auth/invitation/accept",
    "auth/password-reset",
    "auth/password-reset/confirm",
    "auth/mfa/challenge",
    "auth/mfa/challenge/enrolment",
}
# Cycles' public keys (JWKS): what verifies a user token is no secret (docs/adr/0009-asymmetric-tokens.md).
PUBLIC_PATHS |= {"auth/jwks.json"}


def segments(path: str) -> list[str]:
    """The segments of a public path after ``/api/v1/`` (empty segments dropped)."""
    return [s for s in path[len(API_PREFIX) :].split("/") if s]


def matches(rule: Rule, path_segments: list[str]) -> bool:
    if len(path_segments) < len(rule):
        return False
    return all(r == "*" or r == s.split(":", 1)[0] for r, s in zip(rule, path_segments, strict=False))


def owning_rule(path: str) -> Rule | None:
    """The rule that decides a public path's owner (the longest that matches), or ``None``."""
    if not path.startswith(API_PREFIX):
        return None
    path_segments = segments(path)
    best: Rule | None = None
    for rule in ROUTES:
        if matches(rule, path_segments) and (best is None or len(rule) > len(best)):
            best = rule
    return best


def resolve(path: str) -> str | None:
    """The service that owns a public path, or ``None``."""
    rule = owning_rule(path)
    return ROUTES[rule] if rule is not None else None


def is_public(path: str) -> bool:
    return path.startswith(API_PREFIX) and path[len(API_PREFIX) :].rstrip("/") in PUBLIC_PATHS


__all__ = ["API_PREFIX", "PUBLIC_PATHS", "ROUTES", "SERVICES", "Rule", "is_public", "matches", "owning_rule", "resolve"]
