"""deploy/k8s: every overlay rendered by ``kubectl kustomize`` and validated against the Kubernetes schemas."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic_settings import BaseSettings

from cycles_service.settings import Settings as CyclesSettings
from gateway.settings import GatewaySettings
from gateway.topology import CALL_GRAPH, SERVICES
from observations_service.settings import Settings as ObservationsSettings
from reports_service.settings import Settings as ReportsSettings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("staging", "production")
KUBERNETES_VERSION = "1.30.0"
SETTINGS: dict[str, type[BaseSettings]] = {
    "cycles": CyclesSettings,
    "observations": ObservationsSettings,
    "reports": ReportsSettings,
    "gateway": GatewaySettings,
    "reports-worker": ReportsSettings,
}
WORKERS = {"reports-worker": ["python", "-m", "reports_service", "worker"]}
# Read by the image's server (uvicorn), not by the settings classes.
SERVER_VARIABLES = {"UVICORN_HOST", "UVICORN_PORT"}


def variables_read(settings: type[BaseSettings]) -> set[str]:
    names: set[str] = set()
    for field in settings.model_fields.values():
        alias = field.validation_alias
        names.update(str(choice) for choice in getattr(alias, "choices", [alias]) if alias is not None)
    return names


@cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed (Debian's kubernetes-client) to render the overlays"
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def of_kind(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in rendered(overlay) if doc["kind"] == kind}


def test_the_generated_base_is_current() -> None:
    sys.path.insert(0, str(K8S))
    import generate  # the generator lives beside the manifests

    for name, docs in generate.documents().items():
        assert (K8S / "base" / name).read_text(encoding="utf-8") == generate.render(docs), (
            f"deploy/k8s/base/{name} is out of date: run .venv/bin/python deploy/k8s/generate.py"
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_document_is_valid_for_kubernetes(overlay: str) -> None:
    for doc in rendered(overlay):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_an_invalid_document() -> None:
    deployment = json.loads(json.dumps(of_kind("staging", "Deployment")["reports"]))
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_is_replicated_probed_bounded_and_hardened(overlay: str) -> None:
    deployments = of_kind(overlay, "Deployment")
    assert set(deployments) == {*SERVICES, "gateway", *WORKERS}
    budgets = of_kind(overlay, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        assert deployment["metadata"]["namespace"].startswith("mejora")
        assert deployment["spec"]["replicas"] >= 2
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        (main,) = pod["containers"]
        assert main["securityContext"]["readOnlyRootFilesystem"] is True
        assert main["resources"]["requests"] and main["resources"]["limits"]
        assert main["readinessProbe"]["httpGet"]["path"] == ("/" if name == "gateway" else "/ready")
        assert main["livenessProbe"]["httpGet"]["path"] == ("/" if name == "gateway" else "/health")
        if name in SERVICES:
            (migrate,) = pod["initContainers"]
            assert migrate["command"] == ["python", "-m", f"{name}_service", "migrate"]
        if name in WORKERS:
            # The reports image with the worker's command; reports' own init container migrates its database.
            assert main["command"] == WORKERS[name]
            (reports,) = deployments["reports"]["spec"]["template"]["spec"]["containers"]
            assert main["image"] == reports["image"], "the reports image, tagged by the overlay like reports"
        assert budgets[name]["spec"]["selector"] == deployment["spec"]["selector"]
    assert set(of_kind(overlay, "HorizontalPodAutoscaler")) == {"gateway", "reports"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_the_manifests_set_is_read_by_the_process(overlay: str) -> None:
    config = of_kind(overlay, "ConfigMap")["mejora-config"]["data"]
    secrets = of_kind(overlay, "Secret")["mejora-secrets"]["stringData"]
    for name, deployment in of_kind(overlay, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        for container in [*pod["containers"], *pod.get("initContainers", [])]:
            names = {variable["name"] for variable in container["env"]}
            unread = names - variables_read(SETTINGS[name]) - SERVER_VARIABLES
            assert not unread, f"{name}/{container['name']} sets {sorted(unread)}, which it never reads"
            for variable in container["env"]:
                source = variable["valueFrom"]
                if "configMapKeyRef" in source:
                    assert source["configMapKeyRef"]["key"] in config
                else:
                    assert source["secretKeyRef"]["key"] in secrets


def allowed_peers(rules: list[dict[str, Any]], direction: str) -> set[str]:
    return {
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for rule in rules
        for peer in rule.get(direction, [])
        if "matchLabels" in peer.get("podSelector", {})
        and "app.kubernetes.io/name" in peer["podSelector"]["matchLabels"]
    }


def test_the_worker_reaches_only_dns_and_its_database() -> None:
    policy = of_kind("production", "NetworkPolicy")["reports-worker"]["spec"]
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    assert policy["ingress"] == [{"from": [monitoring], "ports": [{"protocol": "TCP", "port": 8000}]}]
    assert allowed_peers(policy["egress"], "to") == set()
    ports = {port["port"] for rule in policy["egress"] for port in rule["ports"]}
    assert ports == {53, 5432}
    assert "reports-worker" not in of_kind("production", "Service")


def test_network_policies_follow_the_call_graph() -> None:
    policies = of_kind("production", "NetworkPolicy")
    assert policies["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert allowed_peers(policies["gateway"]["spec"]["egress"], "to") == set(SERVICES)
    for service in SERVICES:
        spec = policies[service]["spec"]
        callers = {caller for caller, callees in CALL_GRAPH.items() if service in callees}
        # Both ways between a caller and a callee: the callee fetches the caller's public keys (JWKS) to verify
        # the service tokens it sends.
        assert allowed_peers(spec["egress"], "to") == set(CALL_GRAPH[service]) | callers - {"gateway"}
        assert allowed_peers(spec["ingress"], "from") == {"gateway"} | callers | set(CALL_GRAPH[service])
        database = [rule for rule in spec["egress"] if any(p["port"] == 5432 for p in rule.get("ports", []))]
        assert database, f"{service} reaches its database"
    assert not any(
        any(p["port"] == 5432 for p in rule.get("ports", [])) for rule in policies["gateway"]["spec"]["egress"]
    ), "the gateway has no database"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_serves_the_gateway_over_tls(overlay: str) -> None:
    (ingress,) = of_kind(overlay, "Ingress").values()
    host = ingress["spec"]["rules"][0]["host"]
    assert ingress["spec"]["tls"][0]["hosts"] == [host]
    assert overlay in host or overlay == "production"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "gateway"
