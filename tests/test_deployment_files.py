"""docker-compose.yml, its overrides and the Dockerfiles, checked as files (``make deploy-check`` runs them)."""

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
PUBLISHED = ROOT / "docker-compose.override.yml"
HOST_NETWORK = ROOT / "deploy" / "compose" / "host-network.yml"
DCLINT = ROOT / "infra" / "node_modules" / ".bin" / "dclint"
DOCKERFILES = {
    "cycles": "services/cycles/Dockerfile",
    "observations": "services/observations/Dockerfile",
    "reports": "services/reports/Dockerfile",
    "gateway": "infra/gateway/Dockerfile",
}
SETTINGS: dict[str, type[BaseSettings]] = {
    "cycles": CyclesSettings,
    "observations": ObservationsSettings,
    "reports": ReportsSettings,
    "gateway": GatewaySettings,
}


def compose(path: Path = COMPOSE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def variables_read(settings: type[BaseSettings]) -> set[str]:
    names: set[str] = set()
    for field in settings.model_fields.values():
        alias = field.validation_alias
        choices = getattr(alias, "choices", [alias]) if alias is not None else []
        names.update(str(choice) for choice in choices)
    return names


@pytest.mark.parametrize("path", [COMPOSE, PUBLISHED, HOST_NETWORK], ids=lambda p: p.name)
def test_compose_file_is_valid_for_the_compose_specification(path: Path) -> None:
    result = subprocess.run([str(DCLINT), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_rejects_an_invalid_file(tmp_path: Path) -> None:
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  web:\n    image: 12\n    portz: [1]\n", encoding="utf-8")
    result = subprocess.run([str(DCLINT), str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "invalid-schema" in result.stdout


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_every_service_has_a_hardened_multistage_dockerfile(service: str) -> None:
    spec = compose()["services"][service]
    assert spec["image"] == f"${{MEJORA_IMAGE_PREFIX:-mejora-en-red}}/{service}:${{MEJORA_IMAGE_TAG:-local}}"
    dockerfile = ROOT / DOCKERFILES[service]
    assert DOCKERFILES[service] in (ROOT / "deploy" / "images" / "build.sh").read_text(encoding="utf-8")
    text = dockerfile.read_text(encoding="utf-8")
    stages = re.split(r"(?m)^FROM ", text)
    assert len(stages) >= 3, "multi-stage"
    final = stages[-1]
    assert re.search(r"(?m)^USER \d+", final), "a numeric non-root user (Kubernetes' runAsNonRoot checks it)"
    assert "HEALTHCHECK" in final
    assert "pip install" not in final and "gcc" not in final, "no build tools in the final stage"
    assert "pip uninstall -y -q pip setuptools" in text, "the copied venv carries no installer"
    for source in re.findall(r"(?m)^COPY (?!--from)(\S+)", text):
        assert (ROOT / source).exists(), f"{dockerfile.name} copies {source}, which does not exist"
    assert spec["read_only"] is True
    assert spec["restart"] == "unless-stopped"
    assert spec["cap_drop"] == ["ALL"]


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_environment_set_by_compose_is_read_by_the_service(service: str) -> None:
    environment = compose()["services"][service]["environment"]
    set_by_compose = {name for name in environment if name.startswith("MEJORA_")}
    assert set_by_compose, "the service gets its configuration from the environment"
    assert set_by_compose <= variables_read(SETTINGS[service])


def test_the_job_worker_is_the_reports_image_with_its_own_command() -> None:
    """Issue 13: the worker is a compose service, restarted, health-checked, reading only what reports reads."""
    services = compose()["services"]
    worker, reports = services["reports-worker"], services["reports"]
    assert worker["image"] == reports["image"]
    assert worker["command"] == ["python", "-m", "reports_service", "worker"]
    for key in ("restart", "read_only", "cap_drop", "security_opt", "tmpfs"):
        assert worker[key] == reports[key], key
    assert worker["depends_on"]["reports"] == {"condition": "service_healthy"}  # reports migrated the database
    assert "/ready" in " ".join(worker["healthcheck"]["test"])
    assert "MEJORA_REPORTS_WORKER_PORT" in " ".join(worker["healthcheck"]["test"])
    environment = worker["environment"]
    assert environment["MEJORA_REPORTS_DATABASE_URL"] == reports["environment"]["MEJORA_REPORTS_DATABASE_URL"]
    assert set(environment) <= variables_read(ReportsSettings)
    assert "MEJORA_SIGNING_KEY_FILE" not in environment, "the worker verifies no token and calls no service"
    assert "secrets" not in worker


def test_each_service_gets_only_its_own_signing_key() -> None:
    """Issue 11: cycles' private key (it signs every user token) is in no other container's configuration."""
    data = compose()
    for service in ("cycles", "observations", "reports"):
        spec = data["services"][service]
        assert spec["secrets"] == [f"{service}_signing_key"]
        assert spec["environment"]["MEJORA_SIGNING_KEY_FILE"] == f"/run/secrets/{service}_signing_key"
        assert data["secrets"][f"{service}_signing_key"]["file"] == f"./secrets/{service}-signing-key.pem"
    assert "secrets" not in data["services"]["gateway"]
    assert not any(name.startswith("MEJORA_SIGNING") for name in data["services"]["gateway"]["environment"])
    assert "MEJORA_JWT_SECRET" not in COMPOSE.read_text(encoding="utf-8")
    for process in ("gateway", "cycles", "observations", "reports", "reports-worker"):
        text = (ROOT / "deploy" / "k8s" / "base" / f"{process}.yaml").read_text(encoding="utf-8")
        keys = set(re.findall(r"(\w+)-signing-key", text))
        assert keys == ({process} if process in ("cycles", "observations", "reports") else set()), process


def test_only_the_gateway_is_published_and_on_loopback() -> None:
    assert not any(spec.get("ports") for spec in compose()["services"].values())
    services = compose(PUBLISHED)["services"]
    assert set(services) == {"gateway"}
    assert all(str(port).startswith("127.0.0.1:") for port in services["gateway"]["ports"])


def test_the_host_network_override_listens_on_loopback_only() -> None:
    services = compose(HOST_NETWORK)["services"]
    assert set(services) == {*SETTINGS, "postgres", "reports-2", "reports-worker"}
    worker = services["reports-worker"]["environment"]
    assert worker["MEJORA_REPORTS_WORKER_HOST"] == "127.0.0.1"
    ports = {worker["MEJORA_REPORTS_WORKER_PORT"]}
    for name, spec in services.items():
        assert spec["network_mode"] == "host"
        assert not spec.get("ports")
        if name not in ("postgres", "reports-worker"):
            assert spec["environment"]["UVICORN_HOST"] == "127.0.0.1"
            ports.add(spec["environment"]["UVICORN_PORT"])
    assert len(ports) == len(services) - 1, "one port per process"
    assert services["postgres"]["command"][-1] == "listen_addresses=127.0.0.1"
    upstreams = services["gateway"]["environment"]["MEJORA_REPORTS_URL"].split(",")
    assert upstreams == [
        f"http://127.0.0.1:{services[name]['environment']['UVICORN_PORT']}" for name in ("reports", "reports-2")
    ]


def test_one_postgres_database_per_service_on_a_volume() -> None:
    data = compose()
    assert "pgdata" in data["volumes"]
    init = (ROOT / "infra" / "postgres" / "init.sql").read_text(encoding="utf-8")
    for service in ("cycles", "observations", "reports"):
        assert f"CREATE DATABASE {service};" in init
        url = data["services"][service]["environment"][f"MEJORA_{service.upper()}_DATABASE_URL"]
        assert url.endswith(f"@${{MEJORA_DATABASE_HOST:-postgres:5432}}/{service}")
    dockerfile = (ROOT / "deploy" / "postgres" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY infra/postgres/init.sql /docker-entrypoint-initdb.d/" in dockerfile


def test_the_readme_configuration_table_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    variables = set().union(*(variables_read(settings) for settings in SETTINGS.values()))
    missing = sorted(name for name in variables if f"`{name}`" not in table)
    assert missing == [], f"README: faltan en la tabla de configuración: {missing}"
