"""How network results are shown: each group's items with names, the paired comparison, the PHEA activity and one
chart per domain (the numbers come from :mod:`reports_service.domain.results`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

from ..clients.cycles import CycleSummary
from ..domain.comparison import ChangeStats, WaveComparison
from ..domain.results import DimensionStats, DomainStats, GroupResults
from ..schemas.charts import BarChartSpec, BarSeries
from ..schemas.results import (
    ActivityCounts,
    BandCountsOut,
    ChangeOut,
    ComparisonOut,
    DomainMeta,
    GroupOut,
    ItemStats,
    PheaActivity,
    SchoolActivity,
)
from .charts import chart_scale, chartable
from .feedback import band_ranges
from .labels import DECISIONS, STAGES


def names_of(structure: Sequence[DomainMeta]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    domain_names = {d.code: d.name for d in structure}
    dimension_names = {dim.code: (dim.name, d.code) for d in structure for dim in d.dimensions}
    return domain_names, dimension_names


def _domain_item(stats: DomainStats, names: dict[str, str]) -> ItemStats:
    return ItemStats(
        code=stats.code,
        name=names.get(stats.code, stats.code),
        kind="domain",
        domain=None,
        suppressed=stats.suppressed,
        n=stats.n,
        mean=stats.mean,
        sd=stats.sd,
        bands=BandCountsOut(low=stats.bands.low, mid=stats.bands.mid, high=stats.bands.high) if stats.bands else None,
    )


def _dimension_item(stats: DimensionStats, names: dict[str, tuple[str, str]]) -> ItemStats:
    name, domain = names.get(stats.code, (stats.code, ""))
    return ItemStats(
        code=stats.code,
        name=name,
        kind="dimension",
        domain=domain or None,
        suppressed=stats.suppressed,
        n=stats.n,
        mean=stats.mean,
        sd=stats.sd,
        adjusted_mean=stats.adjusted_mean,
        bands=BandCountsOut(low=stats.bands.low, mid=stats.bands.mid, high=stats.bands.high) if stats.bands else None,
    )


def group_out(
    group: GroupResults,
    kind: Literal["network", "level", "school"],
    label: str,
    structure: Sequence[DomainMeta],
) -> GroupOut:
    domain_names, dimension_names = names_of(structure)
    return GroupOut(
        kind=kind,
        key=group.key,
        label=label,
        suppressed=group.suppressed,
        n_classrooms=group.n_classrooms,
        domains=[_domain_item(d, domain_names) for d in group.domains],
        dimensions=[_dimension_item(d, dimension_names) for d in group.dimensions],
    )


def change_out(stats: ChangeStats, kind: Literal["domain", "dimension"], name: str) -> ChangeOut:
    return ChangeOut(
        code=stats.code,
        name=name,
        kind=kind,
        suppressed=stats.suppressed,
        n_pairs=stats.n_pairs,
        before_mean=stats.before_mean,
        after_mean=stats.after_mean,
        mean_change=stats.mean_change,
        sd_change=stats.sd_change,
        effect_size_dz=stats.effect_size_dz,
    )


def comparison_out(result: WaveComparison, structure: Sequence[DomainMeta]) -> ComparisonOut:
    domain_names, dimension_names = names_of(structure)
    return ComparisonOut(
        before_wave=result.before_wave,
        after_wave=result.after_wave,
        suppressed=result.suppressed,
        n_pairs=result.n_pairs,
        domains=[change_out(c, "domain", domain_names.get(c.code, c.code)) for c in result.domains],
        dimensions=[
            change_out(c, "dimension", dimension_names.get(c.code, (c.code, ""))[0]) for c in result.dimensions
        ],
    )


def activity_of(cycles: Sequence[CycleSummary], school_names: dict[str, str]) -> PheaActivity:
    """PHEA cycles by stage and by decision, for the network and per school."""

    def counts(items: Sequence[CycleSummary]) -> ActivityCounts:
        stages = Counter(c.stage for c in items)
        decisions = Counter(c.act_decision for c in items if c.act_decision)
        return ActivityCounts(
            total=len(items),
            by_stage={s: stages.get(s, 0) for s in STAGES},
            by_decision={d: decisions.get(d, 0) for d in DECISIONS},
        )

    by_school: dict[str | None, list[CycleSummary]] = {}
    for cycle in cycles:
        school = str(cycle.school_id) if cycle.school_id else None
        by_school.setdefault(school, []).append(cycle)
    schools = [
        SchoolActivity(
            school_id=school,
            name=school_names.get(school, "Establecimiento") if school else "Toda la red",
            **counts(items).model_dump(),
        )
        for school, items in by_school.items()
    ]
    schools.sort(key=lambda s: (s.school_id is None, s.name))
    total = counts(cycles)
    return PheaActivity(**total.model_dump(), by_school=schools)


def domain_charts(
    structure: Sequence[DomainMeta],
    *,
    now: GroupResults | GroupOut,
    before: GroupResults | GroupOut | None,
    wave: str,
    compare: str | None,
    scale: tuple[int, int],
) -> list[BarChartSpec]:
    """One chart per domain: the network's mean of each dimension in the wave (and the compared wave)."""
    charts: list[BarChartSpec] = []
    x_min, x_max = chart_scale(*scale)
    for domain in structure:
        codes = [d.code for d in domain.dimensions]
        series: list[BarSeries] = []
        for group, label in ((before, compare), (now, wave)):
            if group is None or label is None:
                continue
            by_code: dict[str, DimensionStats | ItemStats] = {d.code: d for d in group.dimensions}
            values = [chartable(_mean(by_code.get(c))) for c in codes]
            series.append(BarSeries(label=f"Medición {label}", values=values))
        reverse = [d.name for d in domain.dimensions if d.reverse]
        subtitle = "Promedio de la red por dimensión"
        if reverse:
            subtitle += f" · {', '.join(reverse)}: inversa, un puntaje bajo es favorable"
        charts.append(
            BarChartSpec(
                title=domain.name,
                subtitle=subtitle,
                categories=[d.name for d in domain.dimensions],
                series=series,
                x_min=x_min,
                x_max=x_max,
                bands=band_ranges(x_min, x_max),
            )
        )
    return charts


def _mean(stats: DimensionStats | ItemStats | None) -> float | None:
    return None if stats is None or stats.suppressed else stats.mean
