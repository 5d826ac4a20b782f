"""The one HTTP client services use to call each other.

Propagates the caller's token and request id, applies timeouts, and turns a
sibling that is down or slow into a 503/504 problem naming it.

Retries never amplify an overload: only safe methods are retried (GET, HEAD,
OPTIONS), after a jittered exponential backoff ("full jitter"), and only while the
client's retry budget lasts — a token bucket that earns a tenth of a retry per
request, so in a burst at most about 10 % more requests reach the sibling.

**On whose behalf.** A client built with ``delegate_as`` (this service's name) and the process's
:class:`~mejora_common.keys.TokenKeys` never forwards a person's own token: it verifies it and sends instead a
short service token, signed with this service's own key and addressed to the sibling (``aud``), whose ``act`` claim
names that person (:func:`mejora_common.auth.issue_service_token`). The sibling then authorises the person's
rights and its view log names both the person and the service the call came through; what the service reads for
(:data:`delegation_purpose`, e.g. ``feedback``) goes in the token's ``purpose``. A service token handed to the
client (e.g. reports' aggregate token) is re-addressed to the sibling it goes to when this service minted it (a
client given ``keys``), and sent as it is otherwise.
"""

from __future__ import annotations

import asyncio
import random
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx

from . import deadlines
from .auth import issue_service_token, readdress_service_token, token_signer, verify_access_token
from .errors import ProblemError
from .keys import TokenKeys
from .observability import REQUEST_ID_HEADER, current_request_id

SERVICE_NAMES_ES = {
    "cycles": "ciclos",
    "observations": "observaciones",
    "reports": "reportes",
}


def service_down(service: str, *, timeout: bool = False) -> ProblemError:
    label = SERVICE_NAMES_ES.get(service, service)
    if timeout:
        return ProblemError(
            504,
            "service_timeout",
            f"El servicio de {label} no respondió a tiempo. Intenta nuevamente en unos minutos.",
            extra={"service": service},
        )
    return ProblemError(
        503,
        "service_unavailable",
        f"El servicio de {label} no está disponible. Intenta nuevamente en unos minutos.",
        extra={"service": service},
    )


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

delegation_purpose: ContextVar[str | None] = ContextVar("delegation_purpose", default=None)
"""What the current request reads on the person's behalf for (``feedback``, ``trajectory``); set by the endpoint,
sent in the ``purpose`` of the tokens a delegating client mints, so the sibling's view log can say it."""


@dataclass
class RetryBudget:
    """Retries allowed: ``ratio`` of a retry earned per request, at most ``cap`` saved, ``initial`` at start."""

    ratio: float = 0.1
    cap: float = 10.0
    initial: float = 10.0

    def __post_init__(self) -> None:
        self.tokens = self.initial

    def earn(self) -> None:
        self.tokens = min(self.cap, self.tokens + self.ratio)

    def spend(self) -> bool:
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


def backoff_seconds(attempt: int, base: float = 0.05, cap: float = 1.0) -> float:
    """Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015)."""
    return random.uniform(0.0, min(cap, base * 2**attempt))  # noqa: S311 - jitter, not security


class ServiceClient:
    """Calls one sibling service. Create one per service per app; close it on shutdown."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        timeout: float = 10.0,
        get_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RetryBudget | None = None,
        delegate_as: str | None = None,
        keys: TokenKeys | None = None,
    ) -> None:
        if delegate_as is not None and keys is None:
            raise ValueError("delegate_as needs the keys that sign service tokens")
        self.service = service
        self.delegate_as = delegate_as
        self._keys = keys
        self.get_retries = get_retries
        self.budget = budget or RetryBudget()
        self._configured_timeout = timeout
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def outgoing_token(self, token: str | None) -> str | None:
        """The token sent for ``token``: with ``delegate_as``, a person's token becomes a service token acting for
        them (verified first: an invalid one is a 401 here, as it would be there); a service token this service
        minted is minted again for this sibling (``aud``); any other token goes as it is."""
        if token is None or self._keys is None:
            return token
        signer, _kid, is_service = token_signer(token)
        if is_service and signer == self._keys.service:
            return readdress_service_token(token, self._keys, self.service)
        if self.delegate_as is None or is_service:
            return token
        caller = verify_access_token(token, self._keys)
        return issue_service_token(
            self.delegate_as, self._keys.signer, audience=self.service, actor=caller, purpose=delegation_purpose.get()
        )

    def _headers(self, token: str | None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        deadline = deadlines.header_value()
        if deadline is not None:
            headers[deadlines.DEADLINE_HEADER] = deadline
        return headers

    def _timeout(self) -> float | None:
        """The configured timeout, shortened to the request's time left; 504 at once when none is left."""
        left = deadlines.time_left()
        if left is None:
            return None
        if left <= 0:
            raise service_down(self.service, timeout=True)
        return min(left, self._configured_timeout)

    async def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        attempts = 1 + (self.get_retries if method.upper() in SAFE_METHODS else 0)
        self.budget.earn()
        last_exc: Exception | None = None
        timed_out = False
        token = self.outgoing_token(token)
        for attempt in range(attempts):
            timeout = self._timeout()
            if timeout is not None:
                kwargs["timeout"] = httpx.Timeout(timeout, connect=min(timeout, 3.0))
            try:
                response = await self._client.request(method, path, headers=self._headers(token), **kwargs)
            except httpx.TransportError as exc:
                last_exc, timed_out = exc, isinstance(exc, httpx.TimeoutException)
            else:
                if response.status_code not in (502, 503, 504):
                    return response
                timed_out = response.status_code == 504
            if attempt + 1 >= attempts or not self.budget.spend():
                break
            await asyncio.sleep(backoff_seconds(attempt))
        raise service_down(self.service, timeout=timed_out) from last_exc

    async def get_json(self, path: str, *, token: str | None = None, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON resource; ``None`` for 404, a problem for other errors."""
        response = await self.request("GET", path, token=token, params=params)
        if response.status_code == 404:
            return None
        if response.status_code == 401:
            raise ProblemError(401, "unauthenticated", "La sesión no es válida para el servicio consultado.")
        if response.status_code >= 400:
            raise ProblemError(
                502,
                "bad_gateway",
                f"El servicio de {SERVICE_NAMES_ES.get(self.service, self.service)} respondió con un error"
                f" ({response.status_code}).",
                extra={"service": self.service},
            )
        return response.json()
