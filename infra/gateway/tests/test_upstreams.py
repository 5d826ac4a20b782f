"""Several instances of one service behind the gateway: round-robin, a refused one skipped, tried again later."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.settings import GatewaySettings
from gateway.upstreams import UpstreamPool, split_upstreams
from mejora_common.testing import ServerThread, auth_header, free_port, make_token


def instance(name: str, seen: list[str]) -> Starlette:
    async def results(request: Request) -> JSONResponse:
        seen.append(name)
        return JSONResponse({"instance": name})

    return Starlette(routes=[Route("/api/v1/reports/networks/x/results", results)])


def test_the_list_is_split_and_the_first_instance_named_for_health() -> None:
    assert split_upstreams(" http://a:1/, ,http://b:2 ") == ("http://a:1", "http://b:2")
    settings = GatewaySettings(reports_url="http://a:1,http://b:2", cycles_url="", port=9000)
    assert settings.upstreams("reports") == ("http://a:1", "http://b:2")
    assert settings.service_url("reports") == "http://a:1"
    assert settings.upstreams("cycles") == ("http://127.0.0.1:9001",)


def test_round_robin_skips_an_instance_in_its_cooldown_until_it_ends() -> None:
    now = [0.0]
    pool = UpstreamPool(["a", "b", "c"], cooldown=5.0, clock=lambda: now[0])
    assert [pool.candidates()[0] for _ in range(4)] == ["a", "b", "c", "a"]
    pool.mark_down("c")
    assert [pool.candidates() for _ in range(2)] == [["b", "a", "c"], ["a", "b", "c"]]
    assert pool.candidates() == ["a", "b", "c"]  # c's turn: still down, so last
    now[0] = 6.0
    assert not pool.is_down("c")
    pool.mark_down("a")
    pool.mark_up("a")
    assert not pool.is_down("a")


def test_both_instances_serve_and_a_refusing_one_is_skipped(start_gateway: Any) -> None:
    seen: list[str] = []
    with ServerThread(instance("one", seen)) as one, ServerThread(instance("two", seen)) as two:
        refused = f"http://127.0.0.1:{free_port()}"
        client = start_gateway(reports=f"{one.url},{refused},{two.url}")
        headers = auth_header(make_token())
        answers = [client.get("/api/v1/reports/networks/x/results", headers=headers) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    assert set(seen) == {"one", "two"}, "requests are spread over the instances"
    assert seen.count("one") >= 2 and seen.count("two") >= 2
