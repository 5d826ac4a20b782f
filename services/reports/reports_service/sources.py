"""Reading the sibling services (cycles, observations) over HTTP.

The reports service owns no source data (docs/architecture.md, "Services and data ownership"): every report is computed
from what these calls return. Two kinds of reads:

* **on behalf of the caller** (``token=`` the caller's own token): the sibling
  applies the caller's rights — e.g. a teacher's feedback reads the observation
  with the teacher's token, so the observations service's privacy rules hold;
* **as the reports service** (:meth:`Sources.service_token`): for network
  aggregates the caller may not read row by row; the reports service then applies
  docs/architecture.md, "Users and roles" itself (minimum group size, who sees which aggregates).

Sibling answers are JSON dictionaries; the builders read them leniently (``.get``)
so an added field never breaks a report.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from mejora_common.auth import issue_service_token
from mejora_common.errors import ProblemError, not_found
from mejora_common.service_client import ServiceClient

JSON = dict[str, Any]

#: Page size used to read every page of a sibling list.
PAGE_SIZE = 200
#: Page size of ``observations:scores`` (that endpoint allows up to 5,000 rows a page).
SCORES_PAGE_SIZE = 5000
#: Safety bound on the pages read from one list (200 x 500 = 100,000 rows).
MAX_PAGES = 500


@dataclass
class Sources:
    """The two sibling clients and the secret to sign service tokens."""

    cycles: ServiceClient
    observations: ServiceClient
    secret: str

    def service_token(self) -> str:
        return issue_service_token("reports", self.secret)

    async def aclose(self) -> None:
        await self.cycles.aclose()
        await self.observations.aclose()

    # -- generic ---------------------------------------------------------------------------

    @staticmethod
    async def get(client: ServiceClient, path: str, token: str, params: dict[str, Any] | None = None) -> Any:
        return await client.get_json(path, token=token, params=params)

    @staticmethod
    async def get_all(
        client: ServiceClient,
        path: str,
        token: str,
        params: dict[str, Any] | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> list[JSON] | None:
        """Every item of a paginated ``Page`` list (``None`` when the list answers 404)."""
        items: list[JSON] = []
        offset = 0
        for _ in range(MAX_PAGES):
            page = await client.get_json(
                path, token=token, params={**(params or {}), "limit": page_size, "offset": offset}
            )
            if page is None:
                return None
            if isinstance(page, list):  # a plain list (not paginated)
                items.extend(page)
                return items
            batch = list(page.get("items") or [])
            items.extend(batch)
            offset += len(batch)
            if not batch or offset >= int(page.get("total", 0)):
                return items
        raise ProblemError(
            502,
            "too_much_data",
            "El servicio consultado devolvió más datos de los que un reporte puede procesar.",
            extra={"service": client.service},
        )

    # -- cycles ------------------------------------------------------------------------------

    async def measure(self, measure_id: uuid.UUID, token: str) -> JSON:
        data = await self.get(self.cycles, f"/api/v1/measures/{measure_id}", token)
        if data is None:
            raise not_found("La medida")
        return dict(data)

    async def measure_points(self, measure_id: uuid.UUID, token: str) -> list[JSON]:
        return await self.get_all(self.cycles, f"/api/v1/measures/{measure_id}/points", token) or []

    async def network(self, network_id: uuid.UUID, token: str) -> JSON:
        data = await self.get(self.cycles, f"/api/v1/networks/{network_id}", token)
        if data is None:
            raise not_found("La red")
        return dict(data)

    async def events(self, network_id: uuid.UUID, token: str, kind: str | None = None) -> list[JSON]:
        params = {"kind": kind} if kind else None
        return await self.get_all(self.cycles, f"/api/v1/networks/{network_id}/events", token, params) or []

    async def aims(self, network_id: uuid.UUID, token: str) -> list[JSON]:
        return await self.get_all(self.cycles, f"/api/v1/networks/{network_id}/aims", token) or []

    async def driver_diagrams(self, network_id: uuid.UUID, token: str) -> list[JSON]:
        """Every version of the network's driver diagram, each with its tree."""
        summaries = await self.get_all(self.cycles, f"/api/v1/networks/{network_id}/driver-diagrams", token) or []
        out: list[JSON] = []
        for summary in summaries:
            if "nodes" in summary or "tree" in summary or "root" in summary:
                out.append(summary)
                continue
            full = await self.get(self.cycles, f"/api/v1/driver-diagrams/{summary['id']}", token)
            if full is not None:
                out.append(dict(full))
        return out

    async def cycles_of(self, network_id: uuid.UUID, token: str) -> list[JSON]:
        return await self.get_all(self.cycles, "/api/v1/cycles", token, {"network_id": str(network_id)}) or []

    async def schools(self, network_id: uuid.UUID, token: str) -> list[JSON]:
        return await self.get_all(self.cycles, f"/api/v1/networks/{network_id}/schools", token) or []

    async def school(self, school_id: str | uuid.UUID, token: str) -> JSON | None:
        data = await self.get(self.cycles, f"/api/v1/schools/{school_id}", token)
        return dict(data) if data is not None else None

    async def person(self, person_id: str | uuid.UUID, token: str) -> JSON | None:
        data = await self.get(self.cycles, f"/api/v1/people/{person_id}", token)
        return dict(data) if data is not None else None

    # -- observations --------------------------------------------------------------------------

    async def observation(self, observation_id: uuid.UUID | str, token: str) -> JSON | None:
        data = await self.get(self.observations, f"/api/v1/observations/{observation_id}", token)
        return dict(data) if data is not None else None

    async def observation_scores(self, observation_id: uuid.UUID | str, token: str) -> JSON | None:
        data = await self.get(self.observations, f"/api/v1/observations/{observation_id}/scores", token)
        return dict(data) if data is not None else None

    async def observations_list(self, token: str, **params: str) -> list[JSON]:
        return await self.get_all(self.observations, "/api/v1/observations", token, params) or []

    async def instrument(self, instrument_id: uuid.UUID | str, token: str) -> JSON | None:
        data = await self.get(self.observations, f"/api/v1/instruments/{instrument_id}", token)
        return dict(data) if data is not None else None

    async def network_scores(self, network_id: uuid.UUID, wave: str, token: str) -> list[JSON] | None:
        """Scores of every submitted observation of a wave (``observations:scores``, second codings of the
        same session left out by that service); ``None`` if the endpoint is absent."""
        return await self.get_all(
            self.observations,
            "/api/v1/observations:scores",
            token,
            {"network_id": str(network_id), "wave": wave},
            page_size=SCORES_PAGE_SIZE,
        )
