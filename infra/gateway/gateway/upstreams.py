"""Several instances of one service behind the gateway: round-robin over a comma-separated list, health-checked.

``MEJORA_REPORTS_URL=http://10.0.0.5:8000,http://10.0.0.6:8000`` gives the gateway two reports instances. Each
request goes to the next instance in turn. An instance that refuses the connection (or does not accept it in
time) is marked down and the request goes to the next one at once: nothing reached the service, so this is safe for
every method. A down instance gets no requests for ``COOLDOWN_SECONDS``; after that the next request tries it
again, and its answer marks it up (the passive check of every proxy; the instances' own ``/ready`` is what the
engine's health checks and Kubernetes' probes use to restart them or take them out of a Service).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence

COOLDOWN_SECONDS = 5.0


def split_upstreams(value: str) -> tuple[str, ...]:
    """The base URLs of a comma-separated list (trailing slashes and blanks dropped)."""
    return tuple(url.strip().rstrip("/") for url in value.split(",") if url.strip())


class UpstreamPool:
    """The instances of one service, in round-robin order, the ones marked down last."""

    def __init__(
        self,
        urls: Sequence[str],
        cooldown: float = COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("an upstream pool needs at least one URL")
        self.urls = tuple(urls)
        self._cooldown = cooldown
        self._clock = clock
        self._turn = itertools.count()
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def candidates(self) -> list[str]:
        """Every instance, starting with this request's turn; the ones in their cooldown after the others."""
        start = next(self._turn) % len(self.urls)
        ordered = [*self.urls[start:], *self.urls[:start]]
        now = self._clock()
        with self._lock:
            up = [url for url in ordered if self._down_until.get(url, 0.0) <= now]
        return up + [url for url in ordered if url not in up]

    def mark_down(self, url: str) -> None:
        with self._lock:
            self._down_until[url] = self._clock() + self._cooldown

    def mark_up(self, url: str) -> None:
        with self._lock:
            self._down_until.pop(url, None)

    def is_down(self, url: str) -> bool:
        with self._lock:
            return self._down_until.get(url, 0.0) > self._clock()


_pools: dict[tuple[str, ...], UpstreamPool] = {}
_pools_lock = threading.Lock()


def pool_for(urls: Sequence[str]) -> UpstreamPool:
    """The one pool of these URLs in this process (its turn and health are shared by every request)."""
    key = tuple(urls)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = UpstreamPool(key)
        return pool
