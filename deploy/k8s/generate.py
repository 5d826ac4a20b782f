"""Writes deploy/k8s/base/*.yaml: a Deployment, Service and PodDisruptionBudget per process, and NetworkPolicies
generated from the service call graph (infra/gateway/gateway/topology.py, described in docs/architecture.md).

Run ``.venv/bin/python deploy/k8s/generate.py`` after changing the call graph or a service's settings here;
tests/test_k8s.py fails when the committed files differ from what this writes. Overlays (staging, production)
change replicas, resources, hosts and image tags with kustomize patches. The job worker (``WORKERS``) is the reports
image with another command: a Deployment and a PodDisruptionBudget, no Service (nothing calls it), probes on its own
``/ready`` and ``/health``, and a NetworkPolicy that lets it reach only DNS and the reports database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra" / "gateway"))
from gateway.topology import CALL_GRAPH, SERVICES  # noqa: E402

BASE = Path(__file__).resolve().parent / "base"
PORT = 8000
# Prometheus metrics: each service at /metrics on its own port; the gateway on an internal port of its own, which
# neither its Service nor the Ingress exposes (the public gateway refuses /metrics). Only the monitoring namespace
# reaches them (network_policies), and the pods carry the usual prometheus.io scrape annotations.
GATEWAY_METRICS_PORT = 9100
MONITORING_NAMESPACE = "monitoring"
APP = "mejora-en-red"
# Outside the cluster (examples: set the real ranges in an overlay): the PostgreSQL server, SMTP, the identity provider.
DATABASE_CIDR = "10.20.0.0/24"
SMTP_PORT = 587
HTTPS_PORT = 443
SERVICE_ENV = {
    "cycles": [
        "MEJORA_ACCESS_TOKEN_MINUTES",
        "MEJORA_REFRESH_TOKEN_DAYS",
        "MEJORA_LOGIN_MAX_FAILURES",
        "MEJORA_LOGIN_LOCK_MINUTES",
    ],
    "observations": [],
    "reports": [],
    "gateway": ["MEJORA_GATEWAY_METRICS_PORT", "MEJORA_GATEWAY_METRICS_HOST"],
    "reports-worker": [
        "MEJORA_REPORTS_WORKER_PORT",
        "MEJORA_REPORTS_WORKER_HOST",
        "MEJORA_REPORTS_JOB_RETENTION_HOURS",
    ],
}
# Background processes: name -> (the service whose image and database they use, their command).
WORKERS = {"reports-worker": ("reports", ["python", "-m", "reports_service", "worker"])}
# A worker finishes the document it renders on SIGTERM (its lease lets another take it if it cannot).
WORKER_GRACE_SECONDS = 60
# A stateless process: at least two replicas; reports and the gateway scale on CPU.
AUTOSCALED = {"gateway": (2, 8), "reports": (2, 6)}
RESOURCES = {
    "gateway": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"cpu": "1", "memory": "384Mi"}},
    "cycles": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
    "observations": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
    "reports": {"requests": {"cpu": "200m", "memory": "384Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}},
    # WeasyPrint lays out the large PDFs here: CPU-bound, a few hundred MB for a 200-school document.
    "reports-worker": {"requests": {"cpu": "250m", "memory": "384Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}},
}


def labels(process: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": process, "app.kubernetes.io/part-of": APP}


def secret_env(name: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": "mejora-secrets", "key": key}}}


def config_env(name: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"configMapKeyRef": {"name": "mejora-config", "key": name}}}


def environment(process: str) -> list[dict[str, Any]]:
    if process in WORKERS:
        # No token to verify, no sibling to call: only its database and its own settings.
        owner = WORKERS[process][0]
        env = [
            config_env("MEJORA_LOG_LEVEL"),
            secret_env(f"MEJORA_{owner.upper()}_DATABASE_URL", f"{owner}-database-url"),
        ]
        return env + [config_env(name) for name in SERVICE_ENV[process]]
    env = [config_env("MEJORA_LOG_LEVEL")]
    if process in SERVICES:
        # Its own private key only: cycles' (which signs every user token) is in no other process's environment.
        env.insert(0, secret_env("MEJORA_SIGNING_KEY", f"{process}-signing-key"))
    env += [config_env(f"MEJORA_{service.upper()}_URL") for service in SERVICES]
    if process in SERVICES:
        env.append(secret_env(f"MEJORA_{process.upper()}_DATABASE_URL", f"{process}-database-url"))
    env += [config_env(name) for name in SERVICE_ENV[process]]
    return env


def metrics_port(process: str) -> int:
    return GATEWAY_METRICS_PORT if process == "gateway" else PORT


def scrape_annotations(process: str) -> dict[str, str]:
    return {"prometheus.io/scrape": "true", "prometheus.io/port": str(metrics_port(process)),
            "prometheus.io/path": "/metrics"}  # fmt: skip


def probe(path: str, period: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": 3,
    }


def container(process: str, command: list[str] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": process,
        "image": f"{APP}/{WORKERS[process][0] if process in WORKERS else process}:local",
        "imagePullPolicy": "IfNotPresent",
        "env": environment(process),
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108 (a pod-private emptyDir)
    }
    if command is not None:
        spec["command"] = command
    return spec


def deployment(process: str) -> dict[str, Any]:
    app = "gateway.main:create_app" if process == "gateway" else f"{process}_service.main:create_app"
    command = WORKERS[process][1] if process in WORKERS else ["uvicorn", "--factory", app, "--no-access-log",
                                                              "--proxy-headers"]  # fmt: skip
    main = container(process, command)
    main["ports"] = [{"name": "http", "containerPort": PORT}]
    if process == "gateway":
        main["ports"].append({"name": "metrics", "containerPort": GATEWAY_METRICS_PORT})
    main["resources"] = RESOURCES[process]
    # The gateway's own page (not /api/v1/health, which is 503 while any one service is down: one service's outage
    # must not take every gateway out of the Service).
    main["readinessProbe"] = probe("/" if process == "gateway" else "/ready", 5)
    main["livenessProbe"] = {**probe("/" if process == "gateway" else "/health", 10),
                             "initialDelaySeconds": 10}  # fmt: skip
    pod: dict[str, Any] = {
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "automountServiceAccountToken": False,
        "containers": [main],
        "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}],
    }
    if process in SERVICES:
        # Migrations run before a new version serves: the init container applies them, then the server starts.
        # Replicas starting at once wait for each other: migrations take a lock (mejora_common.migrations_env).
        migrate = container(process, ["python", "-m", f"{process}_service", "migrate"])
        migrate["name"] = "migrate"
        migrate["resources"] = RESOURCES[process]
        pod["initContainers"] = [migrate]
    if process in WORKERS:
        pod["terminationGracePeriodSeconds"] = WORKER_GRACE_SECONDS
    template_metadata: dict[str, Any] = {"labels": labels(process), "annotations": scrape_annotations(process)}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": process, "labels": labels(process)},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels(process)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {"metadata": template_metadata, "spec": pod},
        },
    }


def service(process: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": process, "labels": labels(process)},
        "spec": {"selector": labels(process), "ports": [{"name": "http", "port": PORT, "targetPort": "http"}]},
    }


def disruption_budget(process: str) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": process, "labels": labels(process)},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": labels(process)}},
    }


def autoscaler(process: str) -> dict[str, Any]:
    low, high = AUTOSCALED[process]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": process, "labels": labels(process)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": process},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    }


def callers() -> dict[str, set[str]]:
    """callee -> the processes that call it: the gateway calls every service, then the call graph."""
    called: dict[str, set[str]] = {s: {"gateway"} for s in SERVICES}
    for caller, callees in CALL_GRAPH.items():
        for callee in callees:
            called[callee].add(caller)
    return called


def peer(process: str) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": {"app.kubernetes.io/name": process}}}


def network_policies() -> list[dict[str, Any]]:
    dns = {"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
           "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}  # fmt: skip
    policies: list[dict[str, Any]] = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        }
    ]
    called = callers()
    for process in ("gateway", *SERVICES):
        ingress = (
            [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]}]
            if process == "gateway"
            # ... and the siblings it calls, which fetch its public keys (JWKS) to verify its service tokens.
            else [{"from": [peer(c) for c in sorted(called[process] | CALL_GRAPH[process])]}]
        )
        ingress[0]["ports"] = [{"protocol": "TCP", "port": PORT}]
        monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}}}
        ingress.append({"from": [monitoring], "ports": [{"protocol": "TCP", "port": metrics_port(process)}]})
        # Out: the siblings it calls, and those that call it (their JWKS, to verify the service tokens they send).
        callees = (
            sorted(SERVICES) if process == "gateway" else sorted(CALL_GRAPH[process] | called[process] - {"gateway"})
        )
        egress: list[dict[str, Any]] = [dns]
        if callees:
            egress.append({"to": [peer(c) for c in callees], "ports": [{"protocol": "TCP", "port": PORT}]})
        if process in SERVICES:
            egress.append({"to": [{"ipBlock": {"cidr": DATABASE_CIDR}}], "ports": [{"protocol": "TCP", "port": 5432}]})
        if process == "cycles":
            # Account e-mail (SMTP) and the identity provider (HTTPS) are cycles' (it owns the accounts).
            outside = [{"protocol": "TCP", "port": SMTP_PORT}, {"protocol": "TCP", "port": HTTPS_PORT}]
            egress.append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": outside})
        policies.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": process, "labels": labels(process)},
                "spec": {
                    "podSelector": {"matchLabels": labels(process)},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": ingress,
                    "egress": egress,
                },
            }
        )
    for process in WORKERS:
        # In: only the metrics scraper (the kubelet's probes are not subject to NetworkPolicies); out: DNS and the
        # database.
        database = {"to": [{"ipBlock": {"cidr": DATABASE_CIDR}}], "ports": [{"protocol": "TCP", "port": 5432}]}
        monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}}}
        policies.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": process, "labels": labels(process)},
                "spec": {
                    "podSelector": {"matchLabels": labels(process)},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": [{"from": [monitoring], "ports": [{"protocol": "TCP", "port": metrics_port(process)}]}],
                    "egress": [dns, database],
                },
            }
        )
    return policies


def documents() -> dict[str, list[dict[str, Any]]]:
    files: dict[str, list[dict[str, Any]]] = {}
    for process in ("gateway", *SERVICES):
        docs = [deployment(process), service(process), disruption_budget(process)]
        if process in AUTOSCALED:
            docs.append(autoscaler(process))
        files[f"{process}.yaml"] = docs
    for process in WORKERS:
        files[f"{process}.yaml"] = [deployment(process), disruption_budget(process)]
    files["network-policies.yaml"] = network_policies()
    return files


HEADER = "# Generated by deploy/k8s/generate.py (tests/test_k8s.py checks it is current): do not edit by hand.\n"


def render(docs: list[dict[str, Any]]) -> str:
    # JSON is valid YAML: the output needs no YAML library and kustomize reads it as is.
    return HEADER + "".join(f"---\n{json.dumps(doc, indent=2, ensure_ascii=False)}\n" for doc in docs)


def main() -> None:
    for name, docs in documents().items():
        (BASE / name).write_text(render(docs), encoding="utf-8")


if __name__ == "__main__":
    main()
