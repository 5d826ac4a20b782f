"""The layers keep their shape: pure ``domain/``, routers without SQL (docs/architecture.md, "Conventions")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cycles_service.domain import access
from mejora_common.auth import INTEGRATION_ROLE

PACKAGE = Path(__file__).resolve().parents[1] / "cycles_service"
IMPURE_IN_DOMAIN = ("fastapi", "starlette", "sqlmodel", "sqlalchemy", "httpx", "mejora_common")
SQL_IN_ROUTERS = ("select(", "session.exec", "session.get(", "session.add(", "session.commit(")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_modules_import_no_framework_or_database(path: Path) -> None:
    impure = {name for name in _imported_modules(path) if name.split(".")[0] in IMPURE_IN_DOMAIN}
    assert not impure, f"domain/{path.name} imports {sorted(impure)}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "api").glob("*.py")), ids=lambda p: p.name)
def test_routers_hold_no_sql(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [snippet for snippet in SQL_IN_ROUTERS if snippet in text]
    assert not found, f"api/{path.name} runs queries itself: {found}"


def test_the_integration_role_is_the_one_tokens_carry() -> None:
    assert access.INTEGRATION == INTEGRATION_ROLE
