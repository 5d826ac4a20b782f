"""Statistical process control (SPC): run-chart analysis and Shewhart control charts.

Pure functions, no I/O, standard library only.  The numbers follow what the R package
qicharts2 (Jacob Anhøj, https://github.com/anhoej/qicharts2) computes in ``qic()``, so that
a chart drawn here and one drawn with qicharts2 from the same data agree; the code is our
own.

Conventions
-----------
* Indices are 0-based positions in the sequence given.  Index ranges are inclusive
  ``(start, end)`` tuples.
* A value is "on the centre line" when it is exactly equal to it (as R's ``sign(y - cl)``).
* Limits that cannot be computed (for example the I chart of a single point) are ``None``.

Rules implemented
-----------------
* Anhøj rules (Anhøj & Olesen 2014; Anhøj 2015; qicharts2): unusually long runs and
  unusually few crossings, both counted on the points that are not on the centre line.
* IHI run-chart rules (Provost & Murray, *The Health Care Data Guide*, 2011): shifts of six
  or more points on one side of the centre line and trends of five or more points all going
  up or all going down.
* IHI too few / too many runs (Perla, Provost & Murray 2011, Table 1) and a labelled 3-sigma proxy of the
  astronomical point (:mod:`.ihi`); per-phase analysis, rule findings and sustained-shift detection for phase
  proposals (:mod:`.phases`); Western Electric and Nelson sensitising rules and Laney's p′/u′
  (:mod:`.sensitising`).
* Shewhart's 3-sigma rule for control charts, with limits as in Montgomery, *Introduction to
  Statistical Quality Control* (6th ed., 2009), as used by qicharts2.
"""

from __future__ import annotations

from .constants import CHART_TYPES, ChartType, a3, b3, b4, c4
from .control import ChartPart, ControlChartResult, control_chart
from .ihi import ASTRONOMICAL_PROXY, RUNS_LIMITS, RunsCount, astronomical_proxy, count_runs, runs_limits
from .phases import (
    RULE_SETS,
    PhaseAnalysis,
    PhasedRunChart,
    RuleFinding,
    RuleSet,
    SustainedShift,
    analyze_phased_run_chart,
    find_sustained_shift,
    phase_starts,
    rule_findings,
)
from .runs import (
    SHIFT_POINTS,
    TREND_POINTS,
    RunChartAnalysis,
    analyze_run_chart,
    analyze_runs,
    crossings_limit,
    find_shifts,
    find_trends,
    longest_run_limit,
)

__all__ = [
    "ASTRONOMICAL_PROXY",
    "CHART_TYPES",
    "RULE_SETS",
    "RUNS_LIMITS",
    "SHIFT_POINTS",
    "TREND_POINTS",
    "ChartPart",
    "ChartType",
    "ControlChartResult",
    "PhaseAnalysis",
    "PhasedRunChart",
    "RuleFinding",
    "RuleSet",
    "RunChartAnalysis",
    "RunsCount",
    "SustainedShift",
    "a3",
    "analyze_phased_run_chart",
    "analyze_run_chart",
    "analyze_runs",
    "astronomical_proxy",
    "b3",
    "b4",
    "c4",
    "control_chart",
    "count_runs",
    "crossings_limit",
    "find_shifts",
    "find_sustained_shift",
    "find_trends",
    "longest_run_limit",
    "phase_starts",
    "rule_findings",
    "runs_limits",
]
