"""Network results read from a release: what every reader but the network's coordinators sees (docs/privacy.md).

The figures are the release's stored documents, unchanged (a cell held back shows "según la publicación N"); only
what is not observation data is read live: the network's name and its PHEA activity. A reader never gets live
scores: with no release yet the answer is 404 ``no_release``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from mejora_common.auth import Principal
from mejora_common.errors import ProblemError, not_found

from ..cancellation import Cancellation, all_or_nothing
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..domain.release_cells import LEVEL_PREFIX, SCHOOL_PREFIX, school_key
from ..domain.results import NETWORK_KEY
from ..models.releases import Release
from ..render.fmt import long_date
from ..schemas.results import ComparisonOut, DomainMeta, GroupOut, NetworkRef, NetworkResultsReport, ResultsSource
from .release_queries import find_release
from .results_view import activity_of, domain_charts

FULL_VIEW = {"coordinator", "facilitator", "coach", "service", "integration"}


def no_release(wave: str) -> ProblemError:
    return ProblemError(
        404,
        "no_release",
        f"Aún no hay resultados publicados para esta ola ({wave}). La coordinación de la red los publica al cerrar "
        "la medición.",
    )


def release_source(release: Release) -> ResultsSource:
    return ResultsSource(
        kind="release",
        number=release.number,
        published_at=release.published_at,
        published_by=release.published_by_name,
        label=f"Publicación {release.number} del {long_date(release.published_at)}",
    )


def _groups(document: dict[str, Any], role: str, own_school: uuid.UUID | None) -> tuple[list[GroupOut], list[GroupOut]]:
    groups = document["groups"]
    by_level = [GroupOut.model_validate(g) for key, g in groups.items() if key.startswith(LEVEL_PREFIX)]
    if role in FULL_VIEW:
        school_keys = [key for key in groups if key.startswith(SCHOOL_PREFIX)]
    elif role == "leader" and own_school is not None:
        school_keys = [key for key in groups if key == school_key(str(own_school))]
    else:
        school_keys = []
    by_school = sorted((GroupOut.model_validate(groups[key]) for key in school_keys), key=lambda g: g.label)
    return by_level, by_school


def _notes(release: Release, role: str, compare: str | None, shown: bool, held_back: bool) -> list[str]:
    k = release.k
    notes = [
        f"Solo se muestran grupos de al menos {k} aulas: los grupos menores aparecen como «suprimido», sin cifras. "
        "También se suprime un grupo cuyo valor, junto con los demás, permitiría deducir un grupo suprimido.",
        f"Resultados de la publicación {release.number} de la medición {release.wave}, publicada por "
        f"{release.published_by_name} el {long_date(release.published_at)}: no cambian aunque lleguen observaciones "
        "nuevas.",
    ]
    if held_back:
        notes.append(
            "Un grupo marcado «según la publicación N» no pudo actualizarse sin revelar por diferencia los puntajes "
            f"de menos de {k} aulas: muestra el valor publicado entonces."
        )
    if role == "leader":
        notes.append(
            f"Como dirección ves los resultados de tu establecimiento solo si tiene al menos {k} aulas observadas."
        )
    elif role == "teacher":
        notes.append("Los resultados son agregados de la red: no muestran puntajes de ninguna docente.")
    if compare and not shown:
        notes.append(
            f"La publicación {release.number} no incluye la comparación con la medición {compare} "
            "(esa medición no estaba publicada, o la comparación no pudo mostrarse sin revelar aulas)."
        )
    elif compare:
        notes.append(
            "La comparación es pareada: solo cuenta las aulas observadas en ambas mediciones; en Clima negativo el "
            "cambio usa el puntaje ajustado (positivo = mejora). d_z = cambio promedio / DE del cambio."
        )
    return notes


async def released_results(
    session: Session,
    siblings: Siblings,
    principal: Principal,
    network_id: uuid.UUID,
    *,
    role: str,
    own_school: uuid.UUID | None,
    caller_token: str,
    wave: str,
    compare: str | None,
    number: int | None,
    instrument_code: str | None,
    cancel: Cancellation | None = None,
) -> NetworkResultsReport:
    """The results of release ``number`` of the wave (its latest by default), as ``role`` may see them."""
    release = find_release(session, network_id, wave, number)
    if release is None:
        raise not_found("La publicación") if number is not None else no_release(wave)
    document = release.document
    if instrument_code and instrument_code != release.instrument_code:
        raise ProblemError(
            422,
            "validation_error",
            f"La publicación {release.number} agrega el instrumento {release.instrument_code}.",
            errors=[{"field": "instrument", "message": f"Debe ser {release.instrument_code} o ninguno."}],
        )
    token = siblings.service_token()
    async with all_or_nothing() as group:
        network_read = group.create_task(cycles_client.network(siblings.cycles, network_id, caller_token, cancel))
        cycles_read = group.create_task(cycles_client.cycles_of(siblings.cycles, network_id, token, cancel))
        schools_read = group.create_task(cycles_client.schools(siblings.cycles, network_id, token, cancel))
    network = network_read.result()
    if network is None:
        raise not_found("La red")
    school_names = {str(s.id): s.name or "Establecimiento" for s in schools_read.result()}
    structure = [DomainMeta.model_validate(d) for d in document["structure"]]
    network_group = GroupOut.model_validate(document["groups"][NETWORK_KEY])
    by_level, by_school = _groups(document, role, own_school)

    comparison: ComparisonOut | None = None
    before_network: GroupOut | None = None
    stored = document.get("comparisons", {}).get(compare) if compare else None
    if stored is not None and compare is not None:
        comparison = ComparisonOut.model_validate(stored)
        before_release = find_release(session, network_id, compare, comparison.before_release)
        if before_release is not None:
            before_network = GroupOut.model_validate(before_release.document["groups"][NETWORK_KEY])
    held_back = any(g.from_release for g in [network_group, *by_level, *by_school]) or bool(
        comparison and comparison.from_release
    )
    scale = (int(document["scale_min"]), int(document["scale_max"]))
    return NetworkResultsReport(
        network=NetworkRef(id=network_id, name=network.name),
        source=release_source(release),
        wave=wave,
        compare=compare,
        k=release.k,
        instrument_code=release.instrument_code,
        scale_min=scale[0],
        scale_max=scale[1],
        viewer_role=role,
        structure=structure,
        network_results=network_group,
        by_level=by_level,
        by_school=by_school,
        comparison=comparison,
        activity=activity_of(cycles_read.result(), school_names),
        charts=domain_charts(
            structure,
            now=network_group,
            before=before_network,
            wave=wave,
            compare=compare if before_network is not None else None,
            scale=scale,
        ),
        notes=_notes(release, role, compare, comparison is not None, held_back),
    )
