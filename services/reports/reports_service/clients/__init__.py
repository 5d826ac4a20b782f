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
