"""The network results as tables: CSV rows and the XLSX workbook."""

from __future__ import annotations

from ..schemas.results import ChangeOut, NetworkResultsReport
from .labels import DECISION_LABELS, DECISIONS, STAGE_LABELS, STAGES

GROUP_KIND_LABELS = {"network": "Red", "level": "Nivel", "school": "Establecimiento"}
ITEM_KIND_LABELS = {"domain": "Dominio", "dimension": "Dimensión"}

RESULTS_HEADER = [
    "Tipo de grupo",
    "Grupo",
    "Medición",
    "Tipo",
    "Código",
    "Nombre",
    "Dominio",
    "Aulas (n)",
    "Promedio",
    "DE",
    "Promedio ajustado",
    "Bajo",
    "Medio",
    "Alto",
    "Suprimido",
    "Cambio pareado",
    "DE del cambio",
    "d_z",
    "Pares (n)",
    "Origen",
]

Row = list[str | int | float | None]


def result_rows(report: NetworkResultsReport) -> list[Row]:
    """One row per group and domain/dimension; the paired change on the network's rows."""
    changes: dict[tuple[str, str], ChangeOut] = {}
    if report.comparison is not None:
        for item_change in [*report.comparison.domains, *report.comparison.dimensions]:
            changes[(item_change.kind, item_change.code)] = item_change
    rows: list[Row] = []
    for group in [report.network_results, *report.by_level, *report.by_school]:
        head: Row = [GROUP_KIND_LABELS[group.kind], group.label, report.wave]
        origin = source_label(report, group.from_release)
        if group.suppressed:
            rows.append(
                [*head, "", "", "", "", None, None, None, None, None, None, None, "sí", None, None, None, None, origin]
            )
            continue
        for item in [*group.domains, *group.dimensions]:
            found = changes.get((item.kind, item.code)) if group.kind == "network" else None
            change = found if found is not None and not found.suppressed else None
            rows.append(
                [
                    *head,
                    ITEM_KIND_LABELS[item.kind],
                    item.code,
                    item.name,
                    item.domain or "",
                    item.n,
                    item.mean,
                    item.sd,
                    item.adjusted_mean,
                    item.bands.low if item.bands else None,
                    item.bands.mid if item.bands else None,
                    item.bands.high if item.bands else None,
                    "sí" if item.suppressed else "no",
                    change.mean_change if change else None,
                    change.sd_change if change else None,
                    change.effect_size_dz if change else None,
                    change.n_pairs if change else None,
                    origin,
                ]
            )
    return rows


def source_label(report: NetworkResultsReport, from_release: int | None) -> str:
    """ "en vivo", "publicación N" or, for a cell that kept an earlier value, "según la publicación M"."""
    if from_release:
        return f"según la publicación {from_release}"
    if report.source.kind == "live":
        return "en vivo"
    return f"publicación {report.source.number}"


def result_sheets(report: NetworkResultsReport) -> list[tuple[str, list[str], list[Row]]]:
    """The XLSX workbook: aggregates, paired comparison and PHEA activity."""
    sheets: list[tuple[str, list[str], list[Row]]] = [
        ("Resultados", [*RESULTS_HEADER[:15], RESULTS_HEADER[-1]], [[*r[:15], r[-1]] for r in result_rows(report)])
    ]
    if report.comparison is not None:
        comparison = report.comparison
        header = [
            "Tipo",
            "Código",
            "Nombre",
            "Pares (n)",
            "Promedio antes",
            "Promedio después",
            "Cambio",
            "DE del cambio",
            "d_z",
            "Suprimido",
        ]
        rows: list[Row] = [
            [
                ITEM_KIND_LABELS[c.kind],
                c.code,
                c.name,
                c.n_pairs,
                c.before_mean,
                c.after_mean,
                c.mean_change,
                c.sd_change,
                c.effect_size_dz,
                "sí" if c.suppressed else "no",
            ]
            for c in [*comparison.domains, *comparison.dimensions]
        ]
        sheets.append((f"Comparación {comparison.before_wave} a {comparison.after_wave}", header, rows))
    stage_header = [f"Etapa: {STAGE_LABELS[s]}" for s in STAGES]
    decision_header = [f"Decisión: {DECISION_LABELS[d]}" for d in DECISIONS]
    activity_rows: list[Row] = [
        [s.name, s.total, *s.by_stage.values(), *s.by_decision.values()] for s in report.activity.by_school
    ]
    activity_rows.append(
        ["Total", report.activity.total, *report.activity.by_stage.values(), *report.activity.by_decision.values()]
    )
    sheets.append(("Ciclos PHEA", ["Establecimiento", "Ciclos", *stage_header, *decision_header], activity_rows))
    return sheets
