import asyncio

import httpx
import pytest

from mejora_common.errors import ProblemError
from mejora_common.service_client import ServiceClient


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_down_service_is_503_naming_it_after_get_retries() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.ConnectError("refused", request=request)

    async def scenario() -> None:
        client = ServiceClient("cycles", "http://cycles", transport=httpx.MockTransport(handler), get_retries=2)
        try:
            await client.get_json("/api/v1/networks/x")
        finally:
            await client.aclose()

    with pytest.raises(ProblemError) as info:
        run(scenario())
    assert info.value.status == 503
    assert info.value.extra["service"] == "cycles"
    assert "ciclos" in info.value.detail
    assert calls == ["GET", "GET", "GET"]


def test_post_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        raise httpx.ConnectError("refused", request=request)

    async def scenario() -> None:
        client = ServiceClient("observations", "http://o", transport=httpx.MockTransport(handler))
        try:
            await client.request("POST", "/x", json={})
        finally:
            await client.aclose()

    with pytest.raises(ProblemError):
        run(scenario())
    assert calls == ["POST"]


def test_token_is_forwarded_and_404_is_none() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["auth"] = request.headers.get("authorization")
        return httpx.Response(404, json={})

    async def scenario() -> object:
        client = ServiceClient("cycles", "http://c", transport=httpx.MockTransport(handler))
        try:
            return await client.get_json("/x", token="tok")
        finally:
            await client.aclose()

    assert run(scenario()) is None
    assert seen["auth"] == "Bearer tok"


def test_timeout_is_504() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async def scenario() -> None:
        client = ServiceClient("reports", "http://r", transport=httpx.MockTransport(handler), get_retries=0)
        try:
            await client.get_json("/x")
        finally:
            await client.aclose()

    with pytest.raises(ProblemError) as info:
        run(scenario())
    assert info.value.status == 504


def test_retries_stop_when_the_budget_is_spent() -> None:
    """In a burst against a down sibling, retries add at most the budget, not get_retries per request."""
    from mejora_common.service_client import RetryBudget

    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(503, json={})

    async def scenario() -> None:
        budget = RetryBudget(ratio=0.1, cap=3.0, initial=3.0)
        client = ServiceClient("cycles", "http://c", transport=httpx.MockTransport(handler), budget=budget)
        try:
            for _ in range(20):
                with pytest.raises(ProblemError):
                    await client.get_json("/api/v1/networks")
        finally:
            await client.aclose()

    run(scenario())
    # 20 first attempts; 3 saved retries plus 0.1 earned per request (2 more), never 2 retries each (60 calls).
    assert 20 < len(calls) <= 25


def test_backoff_is_jittered_and_capped() -> None:
    from mejora_common.service_client import backoff_seconds

    waits = [backoff_seconds(attempt) for attempt in range(12) for _ in range(20)]
    assert all(0.0 <= w <= 1.0 for w in waits)
    assert len({round(w, 6) for w in waits}) > 100
