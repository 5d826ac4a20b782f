"""Typed HTTP clients of the sibling services (cycles, observations).

The reports service owns no source data (docs/architecture.md, "Services and data ownership"): every report is
computed from what these calls return. Two kinds of reads:

* **on behalf of the caller** (``token=`` the caller's own token): the sibling applies the caller's rights — e.g. a
  teacher's feedback reads the observation with the teacher's token, so the observations service's privacy rules
  hold;
* **as the reports service** (:meth:`Siblings.service_token`): for network aggregates the caller may not read row
  by row; the reports service then applies docs/architecture.md, "Users and roles" itself (minimum group size, who
  sees which aggregates).
"""

from __future__ import annotations

from dataclasses import dataclass

from mejora_common.auth import issue_service_token
from mejora_common.service_client import ServiceClient
from mejora_common.settings import CommonSettings


@dataclass
class Siblings:
    """The two sibling transports and the secret to sign service tokens."""

    cycles: ServiceClient
    observations: ServiceClient
    secret: str

    def service_token(self) -> str:
        return issue_service_token("reports", self.secret)

    async def aclose(self) -> None:
        await self.cycles.aclose()
        await self.observations.aclose()


def connect(settings: CommonSettings, secret: str) -> Siblings:
    """The clients of cycles and observations for one app (close them on shutdown)."""
    # Literal service names: tests/test_architecture.py reads them to check the call graph.
    timeout = settings.service_timeout_seconds
    return Siblings(
        cycles=ServiceClient("cycles", settings.service_url("cycles"), timeout=timeout),
        observations=ServiceClient("observations", settings.service_url("observations"), timeout=timeout),
        secret=secret,
    )
