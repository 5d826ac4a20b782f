"""Typed HTTP clients of the sibling services (cycles, observations).

The reports service owns no source data (docs/architecture.md, "Services and data ownership"): every report is
computed from what these calls return. Two kinds of reads:

* **on behalf of the caller** (``token=`` the caller's own token): the sibling applies the caller's rights — e.g. a
  teacher's feedback reads the observation as the teacher, so the observations service's privacy rules hold. The
  observations client delegates (``ServiceClient(delegate_as="reports")``): it sends a service token whose ``act``
  claim names the caller instead of the caller's own token, so the observations service's view log records the
  person *and* that the read came through reports (docs/privacy.md, "The view log of teacher-level data");
  cycles gets the caller's token as it is;
* **as the reports service** (:meth:`Siblings.service_token`, ``purpose: aggregate``): for network aggregates the
  caller may not read row by row; the reports service then applies docs/architecture.md, "Users and roles" itself
  (minimum group size, who sees which aggregates). These reads are not views of a teacher's data and are not
  logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from mejora_common.auth import AGGREGATE_PURPOSE, issue_service_token
from mejora_common.keys import TokenKeys
from mejora_common.service_client import ServiceClient
from mejora_common.settings import CommonSettings


@dataclass
class Siblings:
    """The two sibling transports and the reports service's keys (it signs its service tokens with its own key)."""

    cycles: ServiceClient
    observations: ServiceClient
    keys: TokenKeys

    def service_token(self) -> str:
        """The reports service's own token, for aggregate computations only (never to show one teacher's rows).

        Minted for observations; each client re-addresses it (``aud``) to the sibling it is sent to."""
        return issue_service_token("reports", self.keys.signer, audience="observations", purpose=AGGREGATE_PURPOSE)

    async def aclose(self) -> None:
        await self.cycles.aclose()
        await self.observations.aclose()


def connect(settings: CommonSettings, keys: TokenKeys) -> Siblings:
    """The clients of cycles and observations for one app (close them on shutdown)."""
    # Literal service names: tests/test_architecture.py reads them to check the call graph.
    timeout = settings.service_timeout_seconds
    return Siblings(
        cycles=ServiceClient("cycles", settings.service_url("cycles"), timeout=timeout, keys=keys),
        observations=ServiceClient(
            "observations",
            settings.service_url("observations"),
            timeout=timeout,
            delegate_as="reports",
            keys=keys,
        ),
        keys=keys,
    )
