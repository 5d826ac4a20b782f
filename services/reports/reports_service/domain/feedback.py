"""Individual feedback to a teacher: three strengths before one priority area.

Selection rule (:func:`select_feedback`)
----------------------------------------
Input: the observation's dimension results (code, name, domain, instrument
order, adjusted value, raw mean, band) and optionally a focus domain code.

* **Strengths**: the three dimensions with the highest ``adjusted`` value
  (``adjusted`` so that a low Negative Climate counts as a strength). Ties are
  broken by instrument order, lower ``order`` first.
* **Priority area**: the dimension with the lowest ``adjusted`` value among
  those not chosen as strengths; ties broken by instrument order, lower
  first. With a focus domain, only that domain's dimensions (not among the
  strengths) are candidates; if it has none (or the code is unknown), the
  rule falls back to all remaining dimensions (``focus_applied`` says which).

Values equal to within 1e-9 are treated as ties, so float noise (e.g. a
reversed 8 - 8/3 versus 16/3) cannot overturn the instrument-order rule.

:func:`compare_with_previous` gives the change per dimension against a
previous observation (``adjusted`` values: a positive change is an
improvement for every dimension, reverse ones included).

Wording (:func:`strengths_sentence`, :func:`priority_sentence`,
:func:`feedback_text`) is warm Spanish (es-CL, "tú") and always names the
strengths before the area to improve — data to learn, not to judge.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reports_service.domain.results import Band

__all__ = [
    "TIE_TOLERANCE",
    "DimensionChange",
    "DimensionResult",
    "Direction",
    "FeedbackSelection",
    "compare_with_previous",
    "feedback_text",
    "join_names",
    "priority_sentence",
    "select_feedback",
    "strengths_sentence",
]

#: Adjusted values closer than this are ties (broken by instrument order).
TIE_TOLERANCE = 1e-9
_TIE_DIGITS = 9

Direction = Literal["improved", "declined", "unchanged"]


@dataclass(frozen=True, slots=True)
class DimensionResult:
    """A dimension's result in one observation, as the reports service sees it.

    ``reverse`` marks a dimension where low is good (CLASS Negative Climate);
    it only changes wording: named as a strength it reads "(puntaje bajo)".
    """

    code: str
    name: str
    domain_code: str
    order: int
    adjusted: float
    mean: float
    band: Band
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class FeedbackSelection:
    """Up to three ``strengths`` (best first) and one ``priority`` area.

    ``priority`` is ``None`` only when every dimension is a strength (three or
    fewer dimensions). ``focus_applied`` is ``True`` when the priority area
    was chosen within ``focus_domain_code``.
    """

    strengths: tuple[DimensionResult, ...]
    priority: DimensionResult | None
    focus_domain_code: str | None
    focus_applied: bool


@dataclass(frozen=True, slots=True)
class DimensionChange:
    """Change of one dimension against the previous observation.

    ``change`` = current - previous ADJUSTED value (positive = improvement);
    ``raw_change`` = current - previous raw mean. ``None`` when the dimension
    was not in the previous observation.
    """

    code: str
    name: str
    domain_code: str
    order: int
    current_adjusted: float
    previous_adjusted: float | None
    change: float | None
    current_mean: float
    previous_mean: float | None
    raw_change: float | None
    direction: Direction | None


def _tie_key(value: float) -> float:
    return round(value, _TIE_DIGITS)


def select_feedback(
    dimensions: Sequence[DimensionResult],
    focus_domain: str | None = None,
    *,
    n_strengths: int = 3,
) -> FeedbackSelection:
    """Choose strengths and the priority area with the rule in the module doc."""
    if n_strengths < 0:
        raise ValueError("n_strengths no puede ser negativo")
    codes = [d.code for d in dimensions]
    if len(set(codes)) != len(codes):
        raise ValueError("Hay dimensiones repetidas en el resultado")

    by_strength = sorted(dimensions, key=lambda d: (-_tie_key(d.adjusted), d.order))
    strengths = tuple(by_strength[:n_strengths])
    strength_codes = {d.code for d in strengths}
    remaining = [d for d in dimensions if d.code not in strength_codes]

    focus_applied = False
    candidates = remaining
    if focus_domain is not None:
        in_focus = [d for d in remaining if d.domain_code == focus_domain]
        if in_focus:
            candidates = in_focus
            focus_applied = True

    priority = min(candidates, key=lambda d: (_tie_key(d.adjusted), d.order)) if candidates else None
    return FeedbackSelection(
        strengths=strengths,
        priority=priority,
        focus_domain_code=focus_domain,
        focus_applied=focus_applied,
    )


def compare_with_previous(
    current: Sequence[DimensionResult],
    previous: Sequence[DimensionResult],
) -> list[DimensionChange]:
    """Change per dimension of ``current`` (in instrument order) vs ``previous``.

    Dimensions only in ``previous`` are ignored. ``direction`` is
    ``improved``/``declined``/``unchanged`` by the adjusted change (|change|
    below 1e-9 is unchanged), ``None`` without a previous value.
    """
    before = {d.code: d for d in previous}
    out: list[DimensionChange] = []
    for dim in sorted(current, key=lambda d: d.order):
        prev = before.get(dim.code)
        change = dim.adjusted - prev.adjusted if prev is not None else None
        direction: Direction | None
        if change is None:
            direction = None
        elif change > TIE_TOLERANCE:
            direction = "improved"
        elif change < -TIE_TOLERANCE:
            direction = "declined"
        else:
            direction = "unchanged"
        out.append(
            DimensionChange(
                code=dim.code,
                name=dim.name,
                domain_code=dim.domain_code,
                order=dim.order,
                current_adjusted=dim.adjusted,
                previous_adjusted=prev.adjusted if prev is not None else None,
                change=change,
                current_mean=dim.mean,
                previous_mean=prev.mean if prev is not None else None,
                raw_change=dim.mean - prev.mean if prev is not None else None,
                direction=direction,
            )
        )
    return out


# --- Spanish wording -------------------------------------------------------

_COUNT_WORDS = {1: "una", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco"}


def _starts_with_i_sound(word: str) -> bool:
    """Whether Spanish "y" must become "e" before ``word``.

    "e" before a word starting with the sound /i/ (i-, hi-: "e Instrucción",
    "e hijos"), but not before the diphthongs hie-/hia- ("y hielo").
    """
    decomposed = unicodedata.normalize("NFD", word.strip().lower())
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    if plain.startswith("h"):
        plain = plain[1:]
        if plain.startswith(("ie", "ia")):
            return False
    return plain.startswith("i")


def join_names(names: Sequence[str]) -> str:
    """``"A"``, ``"A y B"``, ``"A, B y C"`` — "e" instead of "y" before /i/."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    conjunction = "e" if _starts_with_i_sound(names[-1]) else "y"
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def _format_score(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _named(dim: DimensionResult, with_scores: bool, *, as_strength: bool) -> str:
    notes: list[str] = []
    if as_strength and dim.reverse:
        notes.append("puntaje bajo")
    if with_scores:
        notes.append(_format_score(dim.mean))
    return f"{dim.name} ({': '.join(notes)})" if notes else dim.name


def strengths_sentence(strengths: Sequence[DimensionResult], *, with_scores: bool = False) -> str:
    """E.g. "Destacamos tres fortalezas en tu práctica: A, B y C."

    With ``with_scores`` each name carries its raw mean, two decimals with a
    decimal comma ("Clima positivo (6,25)"). A reverse dimension is named
    "Clima negativo (puntaje bajo)" ("(puntaje bajo: 1,50)" with scores).
    Raises :class:`ValueError` with no strengths.
    """
    if not strengths:
        raise ValueError("Se necesita al menos una fortaleza")
    n = len(strengths)
    count = _COUNT_WORDS.get(n, str(n))
    noun = "fortaleza" if n == 1 else "fortalezas"
    names = join_names([_named(d, with_scores, as_strength=True) for d in strengths])
    return f"Destacamos {count} {noun} en tu práctica: {names}."


def priority_sentence(
    priority: DimensionResult,
    *,
    domain_name: str | None = None,
    with_scores: bool = False,
) -> str:
    """E.g. "Como área prioritaria para seguir creciendo te proponemos X."

    With ``domain_name``: "... te proponemos X, del dominio Apoyo pedagógico."
    """
    name = _named(priority, with_scores, as_strength=False)
    text = f"Como área prioritaria para seguir creciendo te proponemos {name}"
    if domain_name:
        text += f", del dominio {domain_name}"
    return text + "."


def feedback_text(
    selection: FeedbackSelection,
    *,
    domain_names: Mapping[str, str] | None = None,
    with_scores: bool = False,
) -> str:
    """The strengths sentence, then (if any) the priority sentence, one paragraph."""
    parts: list[str] = []
    if selection.strengths:
        parts.append(strengths_sentence(selection.strengths, with_scores=with_scores))
    if selection.priority is not None:
        domain_name = (domain_names or {}).get(selection.priority.domain_code)
        parts.append(priority_sentence(selection.priority, domain_name=domain_name, with_scores=with_scores))
    return " ".join(parts)
