"""What reports reads from the observations service (observations, their scores, instruments), typed as the
observations service sends it (``services/observations/openapi.json``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from mejora_common.service_client import ServiceClient

from ..cancellation import Cancellation
from ..domain.results import band_for
from .base import Call, Page, Read, get_every_page, get_one

Band = Literal["low", "mid", "high"]

#: Page size of ``observations:scores`` (that endpoint allows up to 5,000 rows a page).
SCORES_PAGE_SIZE = 5000


class Scale(Read):
    min: int
    max: int


class Observation(Read):
    id: uuid.UUID
    instrument_id: uuid.UUID
    instrument_code: str
    network_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    observer_id: uuid.UUID
    level: str
    observed_on: date
    wave: str
    mode: str
    status: str
    evidence: dict[str, str]
    double_codes_id: uuid.UUID | None


class DimensionScore(Read):
    code: str
    name: str
    domain: str
    mean: float
    adjusted: float
    band: Band
    reverse: bool


class DomainScore(Read):
    code: str
    name: str
    mean: float
    band: Band


class Scores(Read):
    instrument_code: str
    scale: Scale
    dimensions: list[DimensionScore]
    domains: list[DomainScore]


class ScoresRow(Read):
    """One submitted observation with its scores (``observations:scores``)."""

    observation_id: uuid.UUID
    school_id: uuid.UUID
    teacher_id: uuid.UUID
    level: str
    observed_on: date
    instrument_code: str
    scale: Scale
    dimensions: list[DimensionScore]
    domains: list[DomainScore]


class AggregateDimension(Read):
    code: str
    name: str
    domain: str
    reverse: bool


class AggregateDomain(Read):
    code: str
    name: str


class AggregateInstrument(Read):
    code: str
    scale: Scale
    dimensions: list[AggregateDimension]
    domains: list[AggregateDomain]


#: id, version, school_id, teacher_id, level, observed_on, instrument index, dimension means, adjusted, domain means.
CompactObservation = tuple[str, int, str, str, str, str, int, list[float], list[float], list[float]]


class NetworkAggregate(Read):
    """A wave's stored scores in one answer (``observations:aggregate``): compact rows, instruments once."""

    instruments: list[AggregateInstrument]
    observations: list[CompactObservation]


class InstrumentDimension(Read):
    code: str
    order: int


class InstrumentDomain(Read):
    code: str
    name: str
    order: int
    dimensions: list[InstrumentDimension]


class Instrument(Read):
    code: str
    name: str
    version: int
    scale: Scale
    domains: list[InstrumentDomain]


OBSERVATION = Call("observation", "/api/v1/observations/{observation_id}", Observation)
OBSERVATION_SCORES = Call("observation_scores", "/api/v1/observations/{observation_id}/scores", Scores)
OBSERVATIONS = Call("observations_list", "/api/v1/observations", Page[Observation])
INSTRUMENT = Call("instrument", "/api/v1/instruments/{instrument_id}", Instrument)
NETWORK_SCORES = Call("network_scores", "/api/v1/observations:scores", Page[ScoresRow])
NETWORK_AGGREGATE = Call("network_aggregate", "/api/v1/observations:aggregate", NetworkAggregate)

#: Every observations endpoint reports reads (checked against the producer by tests/test_client_contracts.py).
CALLS: list[Call[Any]] = [
    OBSERVATION,
    OBSERVATION_SCORES,
    OBSERVATIONS,
    INSTRUMENT,
    NETWORK_SCORES,
    NETWORK_AGGREGATE,
]


async def observation(
    client: ServiceClient, observation_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> Observation | None:
    return await get_one(client, OBSERVATION, token, cancel=cancel, observation_id=observation_id)


async def observation_scores(
    client: ServiceClient, observation_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> Scores | None:
    return await get_one(client, OBSERVATION_SCORES, token, cancel=cancel, observation_id=observation_id)


async def observations_list(
    client: ServiceClient, token: str, cancel: Cancellation | None = None, **params: str
) -> list[Observation]:
    return await get_every_page(client, OBSERVATIONS, token, cancel=cancel, params=params) or []


async def instrument(
    client: ServiceClient, instrument_id: uuid.UUID, token: str, cancel: Cancellation | None = None
) -> Instrument | None:
    return await get_one(client, INSTRUMENT, token, cancel=cancel, instrument_id=instrument_id)


async def network_scores(
    client: ServiceClient, network_id: uuid.UUID, wave: str, token: str, cancel: Cancellation | None = None
) -> list[ScoresRow] | None:
    """Scores of every submitted observation of a wave (second codings of the same session left out by that
    service); ``None`` if the endpoint is absent."""
    return await get_every_page(
        client,
        NETWORK_SCORES,
        token,
        cancel=cancel,
        params={"network_id": str(network_id), "wave": wave},
        page_size=SCORES_PAGE_SIZE,
    )


async def network_aggregate(
    client: ServiceClient, network_id: uuid.UUID, wave: str, token: str, cancel: Cancellation | None = None
) -> NetworkAggregate | None:
    """The stored scores of every submitted observation of a wave (second codings left out), in one compact answer;
    ``None`` if the endpoint is absent."""
    return await get_one(
        client,
        NETWORK_AGGREGATE,
        token,
        cancel=cancel,
        params={"network_id": str(network_id), "wave": wave, "include_groups": "false"},
    )


def aggregate_rows(answer: NetworkAggregate) -> tuple[list[ScoresRow], dict[uuid.UUID, int]]:
    """The compact answer as the rows reports aggregates, and each observation's version (a release's units).

    Dimension bands are those of the raw mean (``reports_service.domain.results.band_for``, the same rule as the
    observations service's); the rows are built without a second validation (the answer was validated once).
    """
    instruments = []
    for item in answer.instruments:
        scale = (item.scale.min, item.scale.max)
        instruments.append((item, scale))
    rows: list[ScoresRow] = []
    versions: dict[uuid.UUID, int] = {}
    for oid, version, school, teacher, level, observed_on, index, means, adjusted, domain_means in answer.observations:
        item, (lo, hi) = instruments[index]
        observation_id = uuid.UUID(oid)
        versions[observation_id] = version
        dimensions = [
            DimensionScore.model_construct(
                code=d.code,
                name=d.name,
                domain=d.domain,
                mean=mean,
                adjusted=adj,
                band=band_for(mean, lo, hi),
                reverse=d.reverse,
            )
            for d, mean, adj in zip(item.dimensions, means, adjusted, strict=True)
        ]
        domains = [
            DomainScore.model_construct(code=d.code, name=d.name, mean=mean, band=band_for(mean, lo, hi))
            for d, mean in zip(item.domains, domain_means, strict=True)
        ]
        rows.append(
            ScoresRow.model_construct(
                observation_id=observation_id,
                school_id=uuid.UUID(school),
                teacher_id=uuid.UUID(teacher),
                level=level,
                observed_on=date.fromisoformat(observed_on),
                instrument_code=item.code,
                scale=item.scale,
                dimensions=dimensions,
                domains=domains,
            )
        )
    return rows, versions
