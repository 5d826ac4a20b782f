"""``GET /measures/{id}/phase-proposals``: a new phase proposed when the measure's rule set finds a sustained shift.

The detection is :func:`reports_service.domain.spc.find_sustained_shift`, on the same series the run chart draws
(:func:`.run_chart.charted_series`) and within the current phase. The proposal is linked to what happened just
before (learning sessions, the Do of PHEA cycles that test a change idea, the point's note). It is never applied
here: a person confirms it (``POST /measures/{id}/phases`` in cycles) or dismisses it
(``POST /measures/{id}/phase-dismissals``), each with a reason.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from mejora_common.errors import not_found

from ..cancellation import Cancellation
from ..clients import Siblings
from ..clients import cycles as cycles_client
from ..domain.spc import find_sustained_shift
from ..render.fmt import local_date, long_date, number, percent
from ..schemas.phases import DismissalInfo, PhaseProposal, PhaseProposals, ProposalContext
from .phases import phase_layout, rule_set_of
from .run_chart import charted_series, period_label

NOTE = (
    "El sistema propone; una persona de coordinación o facilitación confirma (la propuesta pasa a ser una fase, con "
    "su razón) o descarta (también con su razón). Nunca se recalcula la línea central por sí sola: hacerlo en cada "
    "señal borraría la evidencia de la mejora y podría ocultar un deterioro. La guía Making Data Count del NHS pide "
    "recalcular solo ante un cambio sostenido y explicado, y los mantenedores de NHSRplotthedots rechazaron el "
    "recálculo automático por la misma razón."
)


def _window(periods: Sequence[date], first: int) -> tuple[date, date]:
    """From the point before the shift to the end of the shift's first period."""
    start = periods[first - 1]
    end = periods[first + 1] if first + 1 < len(periods) else periods[first] + timedelta(days=31)
    return start, end


async def _context(
    siblings: Siblings,
    network_id: uuid.UUID,
    token: str,
    window: tuple[date, date],
    *,
    note: str,
    cancel: Cancellation | None,
) -> list[ProposalContext]:
    """Learning sessions and the Do of PHEA cycles testing a change idea within ``window``, and the point's note."""
    start, end = window
    out: list[ProposalContext] = []
    sessions = await cycles_client.events(siblings.cycles, network_id, token, kind="learning_session", cancel=cancel)
    for event in sorted(sessions, key=lambda e: e.starts_at):
        day = local_date(event.starts_at)
        if day is not None and start <= day < end:
            out.append(
                ProposalContext(
                    kind="learning_session",
                    id=event.id,
                    title=event.title or "Sesión de aprendizaje",
                    date_label=long_date(day),
                )
            )
    summaries = await cycles_client.cycles_of(siblings.cycles, network_id, token, cancel)
    for summary in summaries:
        if summary.change_idea_id is None:
            continue
        detail = await cycles_client.cycle(siblings.cycles, summary.id, token, cancel)
        day = local_date(detail.do_carried_out_on) if detail and detail.do_carried_out_on else None
        if day is not None and start <= day < end:
            out.append(
                ProposalContext(
                    kind="cycle", id=summary.id, title=f"Ciclo PHEA: {summary.title}", date_label=long_date(day)
                )
            )
    if note:
        out.append(ProposalContext(kind="note", id=None, title=note, date_label=""))
    return out


def _show(value: float, as_percent: bool) -> str:
    return percent(value, 1) if as_percent else number(value)


async def build_proposals(
    siblings: Siblings,
    measure_id: uuid.UUID,
    token: str,
    *,
    school_id: uuid.UUID | None = None,
    rules: str | None = None,
    cancel: Cancellation | None = None,
) -> PhaseProposals:
    """The proposal of a new phase for the measure's current phase, if its rule set finds a sustained shift.

    None when the shift's start was dismissed before, or when a phase already starts there.
    """
    measure = await cycles_client.measure(siblings.cycles, measure_id, token, cancel)
    if measure is None:
        raise not_found("La medida")
    rule_set = rule_set_of(measure.run_rules, rules)
    series, phases = await charted_series(siblings, measure, token, school_id=school_id, cancel=cancel)
    dismissals = await cycles_client.phase_dismissals(siblings.cycles, measure_id, token, cancel)
    periods = [p.period for p in series]
    values = [p.value for p in series]
    starts, baselines, _ = phase_layout(periods, phases)
    current = starts[-1] if starts else 0
    proposals: list[PhaseProposal] = []
    shift = find_sustained_shift(values[current:], rule_set, baselines[-1]) if values else None
    dismissed_periods = {d.start_period for d in dismissals}
    if shift is not None and periods[current + shift.first] not in dismissed_periods:
        first = current + shift.first
        part = values[current:]
        base = part if baselines[-1] is None else part[: baselines[-1]]
        as_percent = measure.value_type == "proportion" and all(0 <= v <= 1 for v in values)
        current_median = float(statistics.median(base))
        proposed_median = float(statistics.median(values[first:]))
        favourable = shift.above == (measure.direction != "down")
        side = "sobre" if shift.above else "bajo"
        rule_text = (
            f"más que el límite de {shift.limit} para sus puntos útiles (Anhøj)"
            if shift.rule == "long_run"
            else f"al menos {shift.limit} (IHI)"
        )
        label = period_label(periods[first], measure.frequency)
        proposals.append(
            PhaseProposal(
                start_period=periods[first],
                label=label,
                rule=shift.rule,
                length=shift.length,
                limit=shift.limit,
                side="above" if shift.above else "below",
                favourable=favourable,
                current_median=current_median,
                proposed_median=proposed_median,
                description=(
                    f"Desde {label}, {shift.length} puntos seguidos {side} la mediana "
                    f"({_show(current_median, as_percent)}): {rule_text}. Si el proceso cambió, una fase nueva "
                    f"tendría mediana {_show(proposed_median, as_percent)}."
                ),
                context=await _context(
                    siblings, measure.network_id, token, _window(periods, first), note=series[first].note, cancel=cancel
                ),
            )
        )
    return PhaseProposals(
        measure_id=measure_id,
        rule_set=rule_set,
        current_phase_start=periods[current] if starts else None,
        proposals=proposals,
        dismissed=[
            DismissalInfo(
                start_period=d.start_period,
                reason=d.reason,
                dismissed_by_name=d.dismissed_by_name,
                dismissed_at=d.dismissed_at,
            )
            for d in dismissals
        ],
        note=NOTE,
    )
