"""Phases on a measure's charts and the system's phase proposals (issue 15, points 1 and 2).

The phases are stored in the cycles service, each confirmed by a person. Here: where each phase starts on the
charted series, the Spanish labels of the rules that fired, and the proposal of a new phase when the measure's rule
set finds a sustained shift (:func:`reports_service.domain.spc.find_sustained_shift`), linked to the learning
sessions and PHEA cycles of the period just before it. A proposal is never applied here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..clients.cycles import MeasurePhase
from ..domain.spc import RULE_SETS, PhasedRunChart, RuleFinding, RuleSet
from ..schemas.run_chart import RuleFindingRead, RunChartPhase

RULE_LABELS = {
    "long_run": "Corrida demasiado larga (Anhøj)",
    "few_crossings": "Muy pocos cruces de la mediana (Anhøj)",
    "shift": "Desplazamiento: 6 o más puntos a un lado de la mediana (IHI)",
    "trend": "Tendencia: 5 o más puntos subiendo o bajando (IHI)",
    "too_few_runs": "Muy pocas corridas (IHI; Perla, Provost y Murray 2011)",
    "too_many_runs": "Demasiadas corridas (IHI; Perla, Provost y Murray 2011)",
    "proxy_3_sigma": "Posible punto astronómico: aproximación por media ± 3σ, no el juicio del equipo",
}


def rule_set_of(measure_rules: str, requested: str | None) -> RuleSet:
    """The rule set asked for, else the measure's, else Anhøj."""
    for choice in (requested, measure_rules):
        if choice in RULE_SETS:
            return choice
    return "anhoj"


def sorted_phases(phases: Sequence[MeasurePhase]) -> list[MeasurePhase]:
    return sorted(phases, key=lambda p: p.start_period)


def phase_layout(
    periods: Sequence[date], phases: Sequence[MeasurePhase]
) -> tuple[list[int], list[int | None], list[MeasurePhase | None]]:
    """Start indices of phases 1.., the baseline of every phase (0 too) and the stored phase of each (None: 0).

    A stored phase whose start falls before the first point or after the last one starts no phase; two stored
    phases that start at the same point: the later one counts.
    """
    by_index: dict[int, MeasurePhase] = {}
    for phase in sorted_phases(phases):
        index = next((i for i, p in enumerate(periods) if p >= phase.start_period), None)
        if index is not None and index > 0:
            by_index[index] = phase
    starts = sorted(by_index)
    stored: list[MeasurePhase | None] = [None, *(by_index[i] for i in starts)]
    baselines = [p.baseline_points if p is not None else None for p in stored]
    return starts, baselines, stored


def phases_read(
    chart: PhasedRunChart, periods: Sequence[date], stored: Sequence[MeasurePhase | None]
) -> list[RunChartPhase]:
    out: list[RunChartPhase] = []
    for phase, saved in zip(chart.phases, stored, strict=False):
        analysis = phase.analysis
        out.append(
            RunChartPhase(
                id=saved.id if saved else None,
                start=phase.start,
                end=phase.end,
                start_period=periods[phase.start],
                reason=saved.reason if saved else "",
                confirmed_by_name=saved.confirmed_by_name if saved else "",
                confirmed_at=saved.confirmed_at if saved else None,
                baseline_points=phase.baseline,
                median=analysis.median,
                n_useful=analysis.n_useful,
                longest_run=analysis.longest_run,
                longest_run_max=analysis.longest_run_max,
                crossings=analysis.crossings,
                crossings_min=analysis.crossings_min,
                runs=phase.runs.runs,
                runs_lower=phase.runs.lower,
                runs_upper=phase.runs.upper,
            )
        )
    return out


def findings_read(findings: Sequence[RuleFinding]) -> list[RuleFindingRead]:
    return [
        RuleFindingRead.model_validate({"rule": f.rule, "label": RULE_LABELS.get(f.rule, f.rule), "points": f.points})
        for f in findings
    ]
