"""Why a release holds a cell back or is refused, in words a coordinator can act on (and as data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from mejora_common.errors import ProblemError

from ..domain.disclosure import Finding
from ..domain.release_cells import COMPARE_PREFIX, LEVEL_PREFIX, SCHOOL_PREFIX, HeldCell
from ..domain.results import NETWORK_KEY
from ..schemas.releases import HeldCellOut
from .labels import level_label

Refusal = Literal["nothing_new", "history", "too_few"]


def cell_label(key: str, school_names: Mapping[str, str]) -> str:
    """``network`` → "Toda la red", ``level:kinder`` → "Kínder", ``school:<id>`` → its name, comparisons."""
    if key == NETWORK_KEY:
        return "Toda la red"
    if key.startswith(LEVEL_PREFIX):
        return level_label(key.removeprefix(LEVEL_PREFIX))
    if key.startswith(SCHOOL_PREFIX):
        return school_names.get(key.removeprefix(SCHOOL_PREFIX), "Establecimiento")
    if key.startswith(COMPARE_PREFIX):
        other = key.removeprefix(COMPARE_PREFIX).rsplit(":", 1)[0]
        return f"Comparación con la medición {other}"
    return key


def _classrooms(n: int) -> str:
    return "1 aula" if n == 1 else f"{n} aulas"


def held_reason(held: HeldCell, label: str, k: int) -> str:
    if held.suppressed_now:
        return (
            f"{label}: se sigue mostrando el valor de la publicación {held.from_release}. Hoy tiene menos de {k} "
            "aulas, o mostrarlo permitiría deducir un grupo suprimido."
        )
    if held.status == "kept":
        return (
            f"{label}: se sigue mostrando el valor de la publicación {held.from_release}. Con los datos de hoy "
            f"cambiaría en {_classrooms(held.changed_units)}, menos de {k}: comparando ambas publicaciones se "
            f"podrían deducir sus puntajes. Se podrá actualizar cuando el cambio abarque al menos {k} aulas."
        )
    return (
        f"{label}: no se muestra, porque junto con lo ya publicado permitiría deducir los puntajes de menos de "
        f"{k} aulas."
    )


def held_out(held: Sequence[HeldCell], school_names: Mapping[str, str], k: int) -> list[HeldCellOut]:
    out = []
    for h in held:
        label = cell_label(h.cell, school_names)
        out.append(
            HeldCellOut(
                cell=h.cell,
                label=label,
                status="kept" if h.status == "kept" else "suppressed",
                from_release=h.from_release,
                changed_classrooms=h.changed_units,
                findings=[f for f in h.findings if f in ("small_group", "small_difference")],  # type: ignore[misc]
                reason=held_reason(h, label, k),
            )
        )
    return out


def _finding_out(finding: Finding, school_names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "classrooms": len(finding.units),
        "cells": [cell_label(c.split(":", 1)[1], school_names) for c in finding.cells],
    }


def refusal(
    kind: Refusal,
    number: int,
    k: int,
    *,
    findings: Sequence[Finding],
    held: Sequence[HeldCell],
    school_names: Mapping[str, str],
) -> ProblemError:
    """The problem answered when a release is refused; ``findings`` lists each reason as data."""
    if kind == "too_few":
        return ProblemError(
            422,
            "too_few_classrooms",
            f"La ola tiene menos de {k} aulas observadas: ninguna cifra de la red podría mostrarse. Publica cuando "
            f"haya al menos {k} aulas con observaciones enviadas.",
            extra={"findings": []},
        )
    if kind == "history":
        return ProblemError(
            409,
            "disclosure_check_failed",
            f"Lo ya publicado para esta ola, leído con el tamaño mínimo de grupo actual (k = {k}), permitiría deducir "
            f"puntajes de menos de {k} aulas; no se publica nada más. Revisa si cambió el tamaño mínimo de grupo "
            "(MEJORA_REPORTS_MIN_GROUP) desde la última publicación.",
            extra={"findings": [_finding_out(f, school_names) for f in findings]},
        )
    items = held_out(held, school_names, k)
    if not items:
        detail = (
            f"Nada cambió desde la publicación {number - 1}: no hace falta publicar otra vez (las mismas "
            "observaciones, en las mismas versiones)."
        )
    else:
        detail = (
            f"No hay resultados nuevos que se puedan publicar: {len(items)} grupo(s) cambiaron desde la publicación "
            f"{number - 1}, pero mostrarlos permitiría deducir por diferencia los puntajes de menos de {k} aulas. "
            f"Espera a que haya más observaciones nuevas o corregidas (al menos {k} en cada grupo). Motivos: "
            + " ".join(item.reason for item in items)
        )
    return ProblemError(
        409, "nothing_new_to_publish", detail, extra={"findings": [item.model_dump(mode="json") for item in items]}
    )
