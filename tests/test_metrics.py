"""Metrics: each service serves them at /metrics on its own port, the gateway on an internal port; never publicly."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gateway.main import create_app as create_gateway
from gateway.metrics import is_metrics_path
from gateway.settings import GatewaySettings
from mejora_common.app import create_service_app
from mejora_common.db import make_engine
from mejora_common.metrics import find_shedding
from mejora_common.settings import CommonSettings
from mejora_common.testing import TEST_KEYS, ServerThread, auth_header, free_port, make_token

ROOT = Path(__file__).resolve().parents[1]
LEAK = "métricas internas de un servicio"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def service_app(tmp_path: Path, release: asyncio.Event | None = None) -> FastAPI:
    router = APIRouter()

    @router.get("/api/v1/things")
    def read() -> dict[str, str]:
        return {"status": "ok"}

    @router.post("/api/v1/things:import")
    async def slow_import() -> dict[str, str]:
        if release is not None:
            await release.wait()
        return {"status": "imported"}

    app = create_service_app(
        service="cycles",
        title="t",
        description="d",
        settings=CommonSettings(**TEST_KEYS.settings("cycles")),
        routers=[router],
        ready_check=lambda: (True, "ok"),
        configure_logs=False,
    )
    app.state.engine = make_engine(f"sqlite:///{tmp_path / 'cycles.db'}")
    return app


def test_a_service_counts_requests_errors_and_latency_by_route_class(tmp_path: Path) -> None:
    with TestClient(service_app(tmp_path)) as client:
        for _ in range(3):
            assert client.get("/api/v1/things").status_code == 200
        assert client.get("/api/v1/nothing-here").status_code == 404
        assert client.get("/health").status_code == 200
        answer = client.get("/metrics")
        again = client.get("/metrics")
    assert answer.status_code == 200
    assert samples(again.text) == samples(answer.text) | {
        k: v for k, v in samples(again.text).items() if k[0].startswith("mejora_db_pool")
    }, "a scrape is not counted as a request"
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    read = {"service": "cycles", "route_class": "read"}
    assert value(text, "mejora_http_requests_total", **read, status_class="2xx") == 3
    assert value(text, "mejora_http_requests_total", **read, status_class="4xx") == 1
    assert value(text, "mejora_http_requests_total", service="cycles", route_class="health", status_class="2xx") == 1
    assert value(text, "mejora_http_request_duration_seconds_count", **read) == 4
    assert value(text, "mejora_http_requests_in_progress", **read) == 0
    # The pool: sized to the load-shedding gates, nothing checked out between requests.
    assert value(text, "mejora_db_pool_size", service="cycles") == 24
    assert value(text, "mejora_db_pool_connections", service="cycles", state="checked_out") == 0


def test_shed_requests_are_counted_where_load_shedding_decides(tmp_path: Path) -> None:
    async def main() -> str:
        release = asyncio.Event()
        app = service_app(tmp_path, release)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = asyncio.create_task(client.post("/api/v1/things:import"))
            while find_shedding(app) is None or find_shedding(app).gates["import"].active == 0:  # type: ignore[union-attr]
                await asyncio.sleep(0.01)
            shed = await client.post("/api/v1/things:import")  # the one import slot is taken: shed after its wait
            assert shed.status_code == 503 and shed.json()["code"] == "overloaded"
            release.set()
            assert (await first).status_code == 200
            return (await client.get("/metrics")).text

    text = asyncio.run(main())
    assert value(text, "mejora_http_requests_shed_total", service="cycles", route_class="import") == 1
    assert value(text, "mejora_http_requests_shed_total", service="cycles", route_class="read") == 0
    assert value(text, "mejora_http_requests_total", service="cycles", route_class="import", status_class="5xx") == 1


def leaky_service() -> Starlette:
    """A service that answers every path, /metrics too: the gateway must never let one of these through."""

    async def anything(request: Request) -> PlainTextResponse:
        return PlainTextResponse(LEAK)

    return Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST"])])


def gateway_settings(tmp_path: Path, upstream: str) -> GatewaySettings:
    return GatewaySettings(
        **TEST_KEYS.settings("gateway"),
        data_dir=tmp_path,
        frontend_dir=tmp_path / "dist",
        cycles_url=upstream,
        observations_url=upstream,
        reports_url=upstream,
    )


PUBLIC_METRICS_PATHS = [
    "/metrics",
    "/METRICS",
    "/metrics/",
    "/%6Detrics",
    "/api/metrics",
    "/api/v1/metrics",
    "/api/v1/networks/metrics",
    "/api/v1/networks/x1/metrics",
    "/api/v1/reports/metrics",
    "/api/v1/observations/metrics?format=prometheus",
]


def test_the_public_gateway_never_routes_metrics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    metrics_port = free_port()
    monkeypatch.setenv("MEJORA_GATEWAY_METRICS_PORT", str(metrics_port))  # read by GatewaySettings
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<html>app</html>", encoding="utf-8")
    headers = auth_header(make_token())
    with ServerThread(leaky_service()) as upstream:
        assert httpx.get(f"{upstream.url}/metrics").text == LEAK  # the fake would leak if it were reached
        with ServerThread(create_gateway(gateway_settings(tmp_path, upstream.url))) as gateway:
            assert httpx.get(f"{gateway.url}/api/v1/networks", headers=headers).text == LEAK  # routing works
            for path in PUBLIC_METRICS_PATHS:
                for method in ("GET", "POST"):
                    answer = httpx.request(method, f"{gateway.url}{path}", headers=headers)
                    assert answer.status_code == 404, (method, path)
                    assert answer.headers["content-type"].startswith("application/problem+json")
                    assert LEAK not in answer.text and "mejora_http" not in answer.text
            internal = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
    assert internal.status_code == 200
    gateway_read = {"service": "gateway", "route_class": "read"}
    assert value(internal.text, "mejora_http_requests_total", **gateway_read, status_class="2xx") == 1
    refused = sum(
        count
        for (name, labels), count in samples(internal.text).items()
        if name == "mejora_http_requests_total" and ("status_class", "4xx") in labels
    )
    assert refused == 2 * len(PUBLIC_METRICS_PATHS), "every refusal is counted (read, write, expensive)"
    assert value(internal.text, "mejora_http_requests_shed_total", service="gateway", route_class="read") == 0


def test_the_internal_port_stops_with_the_gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    metrics_port = free_port()
    monkeypatch.setenv("MEJORA_GATEWAY_METRICS_PORT", str(metrics_port))  # read by GatewaySettings
    app = create_gateway(gateway_settings(tmp_path, f"http://127.0.0.1:{free_port()}"))
    with TestClient(app):
        assert httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")


def test_without_a_port_the_gateway_serves_no_metrics_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEJORA_GATEWAY_METRICS_PORT", raising=False)
    app = create_gateway(gateway_settings(tmp_path, f"http://127.0.0.1:{free_port()}"))
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404
    assert not hasattr(app.state, "metrics_server")


def test_no_public_api_path_has_a_metrics_segment() -> None:
    """The gateway's refusal can never hide a real endpoint."""
    for snapshot in sorted(ROOT.glob("services/*/openapi.json")):
        for path in json.loads(snapshot.read_text(encoding="utf-8"))["paths"]:
            assert not is_metrics_path(path), (snapshot, path)
    assert is_metrics_path("/api/v1/x/%4D%45TRICS")
    assert not is_metrics_path("/api/v1/measures/x1/run-chart")


def documents(name: str) -> list[dict[str, Any]]:
    text = (ROOT / "deploy" / "k8s" / "base" / name).read_text(encoding="utf-8")
    return [doc for doc in yaml.safe_load_all(text) if doc]


def test_deployments_never_publish_metrics() -> None:
    """Compose publishes only the gateway's public port; Kubernetes lets only the monitoring namespace scrape."""
    published = yaml.safe_load((ROOT / "docker-compose.override.yml").read_text(encoding="utf-8"))["services"]
    assert [str(port).rsplit(":", 1)[-1] for port in published["gateway"]["ports"]] == ["8000"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    assert not any(spec.get("ports") for spec in compose.values())
    assert "9100" in compose["gateway"]["environment"]["MEJORA_GATEWAY_METRICS_PORT"]
    host = yaml.safe_load((ROOT / "deploy" / "compose" / "host-network.yml").read_text(encoding="utf-8"))
    assert host["services"]["gateway"]["environment"]["MEJORA_GATEWAY_METRICS_HOST"] == "127.0.0.1"

    gateway = {doc["kind"]: doc for doc in documents("gateway.yaml")}
    assert [p["targetPort"] for p in gateway["Service"]["spec"]["ports"]] == ["http"], "the Service: public port only"
    (container,) = gateway["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert {"name": "metrics", "containerPort": 9100} in container["ports"]
    ingress = documents("ingress.yaml")[0]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["name"] == "http"
    for policy in documents("network-policies.yaml")[1:]:
        process = policy["metadata"]["name"]
        port = 9100 if process == "gateway" else 8000
        annotations = {doc["kind"]: doc for doc in documents(f"{process}.yaml")}["Deployment"]["spec"]["template"]
        assert annotations["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
        assert {"from": [monitoring], "ports": [{"protocol": "TCP", "port": port}]} in policy["spec"]["ingress"]
        if process == "gateway":
            metrics_rules = [r for r in policy["spec"]["ingress"] if {"protocol": "TCP", "port": 9100} in r["ports"]]
            assert [rule["from"] for rule in metrics_rules] == [[monitoring]], "only the scraper reaches it"
