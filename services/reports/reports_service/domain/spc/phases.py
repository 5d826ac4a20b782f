"""Run charts by phase, which rule fired on which points, and the sustained shift that may start a new phase.

A phase is confirmed by a person (the cycles service stores it); here each phase gets its own centre line (the
median of its points, or of its first ``baseline`` points when frozen) and its own rules, as qicharts2's ``part``
does. :func:`find_sustained_shift` is the detection behind the reports' phase proposals: it *proposes*, it never
rebases. Rebasing automatically at every signal would erase the evidence of an improvement (and hide a
deterioration); NHS England's *Making Data Count* asks to recalculate only for a sustained change with a known
cause, and the NHSRplotthedots maintainers declined automatic recalculation for the same reason.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from .ihi import ASTRONOMICAL_PROXY, RunsCount, astronomical_proxy, count_runs
from .runs import SHIFT_POINTS, RunChartAnalysis, analyze_run_chart, analyze_runs, find_shifts, longest_run_limit

RuleSet = Literal["anhoj", "ihi"]
RULE_SETS: tuple[RuleSet, ...] = ("anhoj", "ihi")


@dataclass(frozen=True, slots=True)
class RuleFinding:
    """One rule that fired and the points (global 0-based indices) it fired on."""

    rule: str
    points: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PhaseAnalysis:
    """One phase: points ``start..end`` (inclusive, global indices) and its analysis (indices relative to start)."""

    start: int
    end: int
    baseline: int | None
    analysis: RunChartAnalysis
    runs: RunsCount
    findings: list[RuleFinding]


@dataclass(frozen=True, slots=True)
class PhasedRunChart:
    """Every phase, the centre line at each point, and the findings of the chosen rule set over the whole chart."""

    rule_set: RuleSet
    phases: list[PhaseAnalysis]
    centre: list[float | None]
    findings: list[RuleFinding]
    combined: RunChartAnalysis


@dataclass(frozen=True, slots=True)
class SustainedShift:
    """A run that meets the rule set's shift rule, starting after the phase's first point (relative indices)."""

    rule: Literal["long_run", "shift"]
    first: int
    last: int
    length: int
    limit: int
    above: bool


def phase_starts(periods: Sequence[date], starts: Sequence[date]) -> list[int]:
    """The index of the first point at or after each phase start; starts before the first point (or after the
    last) start no phase. Sorted, each once."""
    out: set[int] = set()
    for start in starts:
        index = next((i for i, p in enumerate(periods) if p >= start), None)
        if index is not None and index > 0:
            out.add(index)
    return sorted(out)


def _side_runs(values: Sequence[float | None], centre: float) -> list[tuple[int, int, int, bool]]:
    """Maximal runs of useful points on one side: ``(first, last, useful points, above)``."""
    runs: list[tuple[int, int, int, bool]] = []
    for i, v in enumerate(values):
        if v is None or v == centre:
            continue
        above = v > centre
        if runs and runs[-1][3] == above:
            first, _, count, _ = runs[-1]
            runs[-1] = (first, i, count + 1, above)
        else:
            runs.append((i, i, 1, above))
    return runs


def _useful(values: Sequence[float], centre: float, first: int, last: int) -> tuple[int, ...]:
    return tuple(i for i in range(first, last + 1) if values[i] != centre)


def rule_findings(values: Sequence[float], analysis: RunChartAnalysis, rule_set: RuleSet) -> list[RuleFinding]:
    """Which rule of ``rule_set`` fired on which points (indices relative to ``values``).

    * ``anhoj``: ``long_run`` (a run longer than ``round(log2(n_useful)) + 3``: its points) and ``few_crossings``
      (fewer crossings than ``qbinom(0.05, n_useful - 1, 0.5)``: every useful point). Anhøj & Olesen (2014).
    * ``ihi``: ``shift`` (6+ on one side), ``trend`` (5+ up or down), ``too_few_runs`` / ``too_many_runs``
      (Perla, Provost & Murray 2011, Table 1: every useful point) and ``proxy_3_sigma`` (the astronomical point's
      documented proxy, :func:`.ihi.astronomical_proxy`).
    """
    centre = analysis.median
    if centre is None or not values:
        return []
    found: list[RuleFinding] = []
    useful = _useful(values, centre, 0, len(values) - 1)
    if rule_set == "anhoj":
        if analysis.longest_run is not None and analysis.longest_run_max is not None:
            for first, last, count, _ in _side_runs(values, centre):
                if count > analysis.longest_run_max:
                    found.append(RuleFinding("long_run", _useful(values, centre, first, last)))
        crossings, crossings_min = analysis.crossings, analysis.crossings_min
        if crossings is not None and crossings_min is not None and crossings < crossings_min:
            found.append(RuleFinding("few_crossings", useful))
        return found
    found.extend(RuleFinding("shift", _useful(values, centre, a, b)) for a, b in analysis.shifts)
    found.extend(RuleFinding("trend", tuple(range(a, b + 1))) for a, b in analysis.trends)
    runs = count_runs(values, centre)
    if runs.too_few:
        found.append(RuleFinding("too_few_runs", useful))
    if runs.too_many:
        found.append(RuleFinding("too_many_runs", useful))
    astronomical = astronomical_proxy(values)
    if astronomical:
        found.append(RuleFinding(ASTRONOMICAL_PROXY, tuple(astronomical)))
    return found


def _centre(values: Sequence[float], baseline: int | None) -> float:
    base = values if baseline is None else values[:baseline]
    return float(statistics.median(base))


def analyze_phased_run_chart(
    values: Sequence[float],
    starts: Sequence[int] = (),
    baselines: Sequence[int | None] | None = None,
    rule_set: RuleSet = "anhoj",
) -> PhasedRunChart:
    """A run chart by phase: phase ``k`` runs from ``starts[k-1]`` (phase 0 from the first point).

    ``baselines[k]`` freezes phase ``k``'s median on its first n points (``None``: all its points). Every phase is
    analysed on its own (Anhøj and IHI figures, :func:`.runs.analyze_runs`) and its findings are those of
    ``rule_set`` (:func:`rule_findings`), shifted to global indices. ``combined`` keeps the shape of a one-phase
    analysis: totals over the phases, the current (last) phase's median and limits, shifts, trends and signals
    of every phase at global indices; ``runs_signal`` when any phase has one.
    """
    data = [float(v) for v in values]
    if any(not math.isfinite(v) for v in data):
        raise ValueError("values must be finite numbers")
    bounds = [0, *sorted({s for s in starts if 0 < s < len(data)}), len(data)]
    wanted = list(baselines or [])
    phases: list[PhaseAnalysis] = []
    centre_at: list[float | None] = []
    findings: list[RuleFinding] = []
    for number, (start, stop) in enumerate(pairwise(bounds)):
        part = data[start:stop]
        if not part:
            continue
        baseline = wanted[number] if number < len(wanted) else None
        centre = _centre(part, baseline)
        analysis = analyze_runs(part, centre)
        own = rule_findings(part, analysis, rule_set)
        phases.append(PhaseAnalysis(start, stop - 1, baseline, analysis, count_runs(part, centre), own))
        centre_at.extend([centre] * len(part))
        findings.extend(RuleFinding(f.rule, tuple(i + start for i in f.points)) for f in own)
    return PhasedRunChart(rule_set, phases, centre_at, findings, _combine(phases, len(data)))


def _combine(phases: Sequence[PhaseAnalysis], n: int) -> RunChartAnalysis:
    if not phases:
        return analyze_run_chart([])
    last = phases[-1].analysis
    signals: list[bool] = []
    shifts: list[tuple[int, int]] = []
    trends: list[tuple[int, int]] = []
    for phase in phases:
        signals.extend(phase.analysis.signals)
        shifts.extend((a + phase.start, b + phase.start) for a, b in phase.analysis.shifts)
        trends.extend((a + phase.start, b + phase.start) for a, b in phase.analysis.trends)
    longest = [p.analysis.longest_run for p in phases if p.analysis.longest_run is not None]
    return RunChartAnalysis(
        n=n,
        n_useful=sum(p.analysis.n_useful for p in phases),
        median=last.median,
        longest_run=max(longest) if longest else None,
        longest_run_max=last.longest_run_max,
        crossings=last.crossings,
        crossings_min=last.crossings_min,
        runs_signal=any(p.analysis.runs_signal for p in phases),
        shifts=shifts,
        trends=trends,
        signals=signals,
    )


def find_sustained_shift(
    values: Sequence[float], rule_set: RuleSet = "anhoj", baseline: int | None = None
) -> SustainedShift | None:
    """The latest sustained shift of one phase's points that starts after its first point, or ``None``.

    The centre line is the phase's (its median, or that of its first ``baseline`` points). A shift is, by rule set:

    * ``anhoj``: a run of useful points on one side longer than ``round(log2(n_useful)) + 3`` (Anhøj & Olesen
      2014, the longest-run rule), so it has already lasted as many points as the rule needs;
    * ``ihi``: 6 or more consecutive useful points on one side of the median (Perla, Provost & Murray 2011, rule 1).

    The latest such run is the new level (an earlier long run, on the other side, is the old one). A run that
    starts at the phase's first point is no new phase: ``None``.
    """
    if not values:
        return None
    centre = _centre(values, baseline)
    runs = _side_runs(values, centre)
    n_useful = sum(count for _, _, count, _ in runs)
    if n_useful == 0:
        return None
    if rule_set == "anhoj":
        limit = longest_run_limit(n_useful)
        long_runs = [r for r in runs if r[2] > limit]
        rule: Literal["long_run", "shift"] = "long_run"
    else:
        limit = SHIFT_POINTS
        ranges = find_shifts(values, centre, SHIFT_POINTS)
        long_runs = [r for r in runs if any(r[0] == a for a, _ in ranges)]
        rule = "shift"
    if not long_runs or long_runs[-1][0] == 0:
        return None
    first, last, count, above = long_runs[-1]
    return SustainedShift(rule=rule, first=first, last=last, length=count, limit=limit, above=above)
