"""The services keep their boundaries and their layers: checked on the source, with ``ast``.

- No service imports another service's package: they talk over HTTP only.
- Only a service's ``clients/`` package talks to siblings (``ServiceClient``, ``service_url``, sibling URLs,
  sibling API paths, ``httpx``).
- A service calls only the siblings the call graph allows (``gateway/topology.py``: cycles calls no one,
  observations calls cycles, reports calls cycles and observations), and every edge of the graph is used.
- ``domain/`` is pure: no web, database or HTTP library, none of the service's impure layers.
- ``api/`` routers hold no SQL: queries live in the service layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from gateway.routes import API_PREFIX, resolve
from gateway.topology import CALL_GRAPH, SERVICES, package

ROOT = Path(__file__).resolve().parents[1]

IMPURE_LIBRARIES = ("fastapi", "sqlmodel", "sqlalchemy", "httpx", "starlette", "mejora_common.db")
# The service's own layers that do I/O: a domain module must not need them.
IMPURE_LAYERS = ("api", "service", "crud", "clients", "db", "models", "main", "settings", "migrations")
SQL_CALLS = {"select", "exec", "execute", "scalar", "scalars", "query"}
SESSION_METHODS = {"get", "add", "add_all", "delete", "commit", "flush", "refresh", "rollback"}
# Outside clients/ a module may hold a ServiceClient (as a type) but never build one or speak HTTP itself.
SIBLING_TRANSPORT = ("httpx",)


@dataclass(frozen=True)
class Finding:
    where: str  # path inside the service package, with the line
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class Module:
    service: str
    path: Path
    relative: Path  # inside the service package
    tree: ast.Module
    imports: list[tuple[int, str]] = field(default_factory=list)  # absolute module names (and module.name)

    @property
    def layer(self) -> str:
        """The top-level folder (``api``, ``domain``, ...) or module name (``main``) inside the package."""
        return self.relative.parts[0].removesuffix(".py")

    def at(self, node: ast.AST) -> str:
        return f"{self.relative.as_posix()}:{getattr(node, 'lineno', 0)}"


def _package_parts(module: Module) -> list[str]:
    return [package(module.service), *module.relative.parts[:-1]]


def _collect_imports(module: Module) -> None:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            module.imports.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = _package_parts(module)
                base = parts[: len(parts) - (node.level - 1)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            module.imports.append((node.lineno, name))
            module.imports.extend((node.lineno, f"{name}.{alias.name}") for alias in node.names)


@cache
def service_modules(service: str) -> tuple[Module, ...]:
    root = ROOT / "services" / service / package(service)
    modules = []
    for path in sorted(root.rglob("*.py")):
        module = Module(service, path, path.relative_to(root), ast.parse(path.read_text(encoding="utf-8"), str(path)))
        _collect_imports(module)
        modules.append(module)
    assert modules, f"no modules found under {root}"
    return tuple(modules)


def imports_of(modules: Iterable[Module], prefixes: Iterable[str]) -> list[Finding]:
    """One finding per import statement that names one of ``prefixes`` (a module or a module inside it)."""
    found: dict[str, Finding] = {}
    for module in modules:
        for line, name in module.imports:
            where = f"{module.relative.as_posix()}:{line}"
            if where not in found and any(_is(name, prefix) for prefix in prefixes):
                found[where] = Finding(where, f"imports {name}")
    return list(found.values())


def _is(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _first_argument(node: ast.Call, keyword: str) -> ast.expr | None:
    if node.args:
        return node.args[0]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def _router_prefixes(tree: ast.Module) -> set[int]:
    """``APIRouter(prefix="/api/v1/...")`` strings: a path prefix, not a path to call."""
    return {
        id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call) for k in node.keywords if k.arg == "prefix"
    }


def _api_paths(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Public API paths written in the code, f-string parts filled with a placeholder."""
    prefixes = _router_prefixes(tree)
    formatted = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if id(node) in prefixes:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in formatted:
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x1" for v in node.values)
        else:
            continue
        if text.startswith(API_PREFIX):
            yield node, text.split("?", 1)[0]


def sibling_references(module: Module) -> Iterator[tuple[ast.AST, str | None, str]]:
    """Every place a module names a sibling: (node, sibling or None when it cannot be told, how)."""
    own = module.service
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and _call_name(node) in {"ServiceClient", "service_url"}:
            argument = _first_argument(node, "service")
            target = argument.value if isinstance(argument, ast.Constant) else None
            yield node, target if isinstance(target, str) else None, f"{_call_name(node)}(...)"
        elif isinstance(node, ast.Attribute) and node.attr in {f"{s}_url" for s in SERVICES}:
            yield node, node.attr.removesuffix("_url"), f".{node.attr}"
    for node, path in _api_paths(module.tree):
        owner = resolve(path)
        if owner is not None and owner != own:
            yield node, owner, f"the path {path!r}"


# --- boundaries between services -------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_never_imports_another_service(service: str) -> None:
    found = imports_of(service_modules(service), [package(s) for s in SERVICES if s != service])
    assert not found, f"{service} imports a sibling's code (talk over HTTP, through clients/):\n" + "\n".join(
        map(str, found)
    )


# Known places outside clients/ that still build a ServiceClient; strict, so the mark must go once they move.
PENDING_OUTSIDE_CLIENTS: dict[tuple[str, str], str] = {}


def _layers_outside_clients() -> list[object]:
    cases: list[object] = []
    for service in SERVICES:
        for layer in sorted({m.layer for m in service_modules(service)} - {"clients"}):
            reason = PENDING_OUTSIDE_CLIENTS.get((service, layer))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(service, layer, marks=marks, id=f"{service}-{layer}"))
    return cases


@pytest.mark.parametrize(("service", "layer"), _layers_outside_clients())
def test_only_the_clients_package_talks_to_siblings(service: str, layer: str) -> None:
    modules = [m for m in service_modules(service) if m.layer == layer]
    found = imports_of(modules, SIBLING_TRANSPORT)
    found += [Finding(m.at(node), f"names {how}") for m in modules for node, _, how in sibling_references(m)]
    assert not found, f"{service}'s {layer} talks to a sibling outside {package(service)}/clients/:\n" + "\n".join(
        map(str, sorted(found, key=str))
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_calls_only_the_siblings_the_call_graph_allows(service: str) -> None:
    allowed = CALL_GRAPH[service]
    found = [
        Finding(module.at(node), f"{how} calls {target or 'a sibling that cannot be told from the source'}")
        for module in service_modules(service)
        for node, target, how in sibling_references(module)
        if target not in allowed
    ]
    assert not found, f"{service} may call only {sorted(allowed) or 'no one'} (gateway/topology.py):\n" + "\n".join(
        map(str, found)
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_edge_of_the_call_graph_is_used(service: str) -> None:
    called = {target for module in service_modules(service) for _, target, _ in sibling_references(module)}
    unused = sorted(CALL_GRAPH[service] - called)
    assert not unused, f"gateway/topology.py says {service} calls {unused}, but its code never does"


def test_the_call_graph_names_known_services_and_has_no_cycle() -> None:
    assert set(CALL_GRAPH) == set(SERVICES)
    for service, callees in CALL_GRAPH.items():
        assert callees <= set(SERVICES) - {service}
        # SERVICES is in dependency order: a service calls only services listed before it.
        assert all(SERVICES.index(callee) < SERVICES.index(service) for callee in callees)


# --- layers inside a service -----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_layer_is_pure(service: str) -> None:
    impure_layers = [f"{package(service)}.{layer}" for layer in IMPURE_LAYERS]
    domain = [m for m in service_modules(service) if m.layer == "domain"]
    found = imports_of(domain, (*IMPURE_LIBRARIES, *impure_layers))
    assert not found, f"{service}'s domain/ must stay pure (no I/O):\n" + "\n".join(map(str, found))


def _sql_in(module: Module) -> Iterator[Finding]:
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if name in SQL_CALLS:
            yield Finding(module.at(node), f"{name}(...)")
        elif name in SESSION_METHODS and isinstance(receiver, ast.Name) and receiver.id == "session":
            yield Finding(module.at(node), f"session.{name}(...)")


@pytest.mark.parametrize("service", SERVICES)
def test_routers_hold_no_sql(service: str) -> None:
    found = [finding for m in service_modules(service) if m.layer == "api" for finding in _sql_in(m)]
    assert not found, f"{service}'s api/ runs SQL (move it to the service layer):\n" + "\n".join(map(str, found))


# --- the checks themselves -------------------------------------------------------------------------------------


def _module(source: str, relative: str, service: str = "reports") -> Module:
    module = Module(service, Path(relative), Path(relative), ast.parse(source))
    _collect_imports(module)
    return module


def test_the_checks_see_what_they_look_for() -> None:
    client = _module(
        'from mejora_common.service_client import ServiceClient\nc = ServiceClient("cycles", url)\n'
        "u = settings.service_url(name)\nv = settings.observations_url\n"
        'router = APIRouter(prefix="/api/v1/measures")\n'
        'async def f(c, i): return await c.get_json(f"/api/v1/networks/{i}/events?x=1")\n',
        "service/uses.py",
    )
    assert [(target, how) for _, target, how in sibling_references(client)] == [
        ("cycles", "ServiceClient(...)"),
        (None, "service_url(...)"),
        ("observations", ".observations_url"),
        ("cycles", "the path '/api/v1/networks/x1/events'"),
    ]
    relative = _module("from ..models import Thing\nfrom . import rules\nfrom .. import db\n", "domain/a/b.py")
    assert {name for _, name in relative.imports} >= {
        "reports_service.domain.models",
        "reports_service.domain.models.Thing",
        "reports_service.domain.a.rules",
        "reports_service.domain.db",
    }
    top = _module("from ...models import Thing\n", "domain/a/b.py")
    assert (1, "reports_service.models.Thing") in top.imports
    router = _module("rows = session.exec(select(Thing)).all()\nsession.commit()\nother.get(1)\n", "api/x.py")
    assert sorted(f.what for f in _sql_in(router)) == ["exec(...)", "select(...)", "session.commit(...)"]
    impure = _module("import httpx\nfrom sqlmodel import select, col\nfrom ..db import engine\n", "domain/x.py")
    assert [f.what for f in imports_of([impure], (*IMPURE_LIBRARIES, "reports_service.db"))] == [
        "imports httpx",
        "imports sqlmodel",
        "imports reports_service.db",
    ]
    sibling = _module("import cycles_service.models\nfrom observations_service import main\n", "service/x.py")
    assert len(imports_of([sibling], ["cycles_service", "observations_service"])) == 2
