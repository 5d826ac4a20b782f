import pytest

from gateway.routes import ROUTES, SERVICES, is_public, owning_rule, resolve


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/networks", "cycles"),
        ("/api/v1/networks/abc/schools", "cycles"),
        ("/api/v1/auth/token", "cycles"),
        ("/api/v1/measures/123/points", "cycles"),
        ("/api/v1/measures/123/run-chart", "reports"),
        ("/api/v1/observations:export", "observations"),
        ("/api/v1/observations/1/submit", "observations"),
        ("/api/v1/instruments", "observations"),
        ("/api/v1/spc/run-chart", "reports"),
        ("/api/v1/reports/networks/1/results", "reports"),
        ("/api/v1/desconocido", None),
        ("/api/v2/networks", None),
        ("/networks", None),
    ],
)
def test_prefix_table(path: str, service: str | None) -> None:
    assert resolve(path) == service


def test_public_paths() -> None:
    assert is_public("/api/v1/auth/token")
    assert is_public("/api/v1/health")
    assert not is_public("/api/v1/auth/me")
    assert not is_public("/api/v1/networks")


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/api/v1/measures/123/run-chart", ("measures", "*", "run-chart")),
        ("/api/v1/measures/123/points", ("measures",)),
        ("/api/v1/reports/charts:render", ("reports",)),
        ("/api/v1/desconocido", None),
        ("/api/v2/networks", None),
    ],
)
def test_the_longest_matching_rule_decides(path: str, rule: tuple[str, ...] | None) -> None:
    assert owning_rule(path) == rule


def test_every_rule_names_a_known_service() -> None:
    assert set(ROUTES.values()) <= set(SERVICES)
