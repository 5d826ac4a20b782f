"""docker-compose.yml and the Dockerfiles, checked without a Docker engine (none runs on these machines)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from cycles_service.settings import Settings as CyclesSettings
from gateway.settings import GatewaySettings
from observations_service.settings import Settings as ObservationsSettings
from reports_service.settings import Settings as ReportsSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DCLINT = ROOT / "infra" / "node_modules" / ".bin" / "dclint"
SETTINGS: dict[str, type[BaseSettings]] = {
    "cycles": CyclesSettings,
    "observations": ObservationsSettings,
    "reports": ReportsSettings,
    "gateway": GatewaySettings,
}


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def variables_read(settings: type[BaseSettings]) -> set[str]:
    names: set[str] = set()
    for field in settings.model_fields.values():
        alias = field.validation_alias
        choices = getattr(alias, "choices", [alias]) if alias is not None else []
        names.update(str(choice) for choice in choices)
    return names


def test_compose_file_is_valid_for_the_compose_specification() -> None:
    result = subprocess.run([str(DCLINT), str(COMPOSE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_rejects_an_invalid_file(tmp_path: Path) -> None:
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  web:\n    image: 12\n    portz: [1]\n", encoding="utf-8")
    result = subprocess.run([str(DCLINT), str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "invalid-schema" in result.stdout


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_every_service_has_a_multistage_non_root_dockerfile(service: str) -> None:
    spec = compose()["services"][service]
    dockerfile = ROOT / spec["build"]["context"] / spec["build"]["dockerfile"]
    text = dockerfile.read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^FROM ", text)) >= 2, "multi-stage"
    assert re.search(r"(?m)^USER (?!root)\S+", text), "non-root"
    for source in re.findall(r"(?m)^COPY (?!--from)(\S+)", text):
        assert (ROOT / source).exists(), f"{dockerfile.name} copies {source}, which does not exist"
    assert "healthcheck" in spec


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_environment_set_by_compose_is_read_by_the_service(service: str) -> None:
    environment = compose()["services"][service]["environment"]
    set_by_compose = {name for name in environment if name.startswith("MEJORA_")}
    assert set_by_compose, "the service gets its configuration from the environment"
    assert set_by_compose <= variables_read(SETTINGS[service])


def test_only_the_gateway_is_published_and_on_loopback() -> None:
    services = compose()["services"]
    published = {name for name, spec in services.items() if spec.get("ports")}
    assert published == {"gateway"}
    assert all(str(port).startswith("127.0.0.1:") for port in services["gateway"]["ports"])


def test_one_postgres_database_per_service_on_a_volume() -> None:
    data = compose()
    assert "pgdata" in data["volumes"]
    init = (ROOT / "infra" / "postgres" / "init.sql").read_text(encoding="utf-8")
    for service in ("cycles", "observations", "reports"):
        assert f"CREATE DATABASE {service};" in init
        url = data["services"][service]["environment"][f"MEJORA_{service.upper()}_DATABASE_URL"]
        assert url.endswith(f"@postgres:5432/{service}")


def test_the_readme_configuration_table_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    variables = set().union(*(variables_read(settings) for settings in SETTINGS.values()))
    missing = sorted(name for name in variables if f"`{name}`" not in table)
    assert missing == [], f"README: faltan en la tabla de configuración: {missing}"
