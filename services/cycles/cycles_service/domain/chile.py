"""Chilean identifiers: RUN/RUT (people) and RBD (schools).

RUN/RUT
    Written ``12.345.678-5``: a body of up to eight digits and a check digit
    (``0``-``9`` or ``K``) computed with modulo 11: multiply the body's digits,
    from the right, by the weights 2, 3, 4, 5, 6, 7, 2, 3, ...; take
    ``11 - (sum % 11)``; 11 becomes ``0`` and 10 becomes ``K``.

    * :func:`normalize_run` accepts ``"12.345.678-5"``, ``"12345678-5"``,
      ``" 10.000.013-k "`` (dots optional but well placed, hyphen required,
      ``k``/``K``, surrounding spaces) and returns the stored form
      ``"12345678-5"`` (no dots, no leading zeros, uppercase ``K``).
    * :func:`format_run` turns the stored form into the display form
      ``"12.345.678-5"``.
    * :func:`run_check_digit` computes the check digit of a body.

RBD
    The school's number in the Ministry of Education registry (Rol Base de
    Datos). :func:`validate_rbd` accepts a positive integer (or its digits as
    text) and returns it as ``int``.

All errors are :class:`ValueError` subclasses with a Spanish (es-CL) message.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_RBD",
    "MAX_RUN_BODY",
    "InvalidRbd",
    "InvalidRun",
    "format_run",
    "is_valid_run",
    "normalize_run",
    "run_check_digit",
    "validate_rbd",
]

MAX_RUN_BODY = 99_999_999
"""Largest RUN/RUT body accepted (eight digits)."""

MAX_RBD = 99_999_999
"""Largest RBD accepted (eight digits; current RBDs have at most five)."""

_RUN_EXAMPLE = "12.345.678-5"

# Hyphen-like characters that spreadsheets and word processors put in RUNs.
_HYPHENS = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
        "\u00a0": " ",  # no-break space
    }
)

# Body either without dots, or with dots grouping thousands correctly; leading
# zeros (from zero-padded exports) are ignored.
_RUN_RE = re.compile(r"^0*(?P<body>\d{1,8}|\d{1,3}\.\d{3}|\d{1,2}\.\d{3}\.\d{3})\s*-\s*(?P<dv>[0-9Kk])$")


class InvalidRun(ValueError):  # noqa: N818 - name fixed by the API brief
    """A RUN/RUT that is malformed or whose check digit does not match."""


class InvalidRbd(ValueError):  # noqa: N818 - consistent with InvalidRun
    """An RBD that is not a positive integer."""


def run_check_digit(body: int) -> str:
    """Return the modulo-11 check digit (``"0"``-``"9"`` or ``"K"``) of ``body``.

    >>> run_check_digit(12345678)
    '5'
    """
    if isinstance(body, bool) or not isinstance(body, int):
        raise TypeError("body must be an int")
    if body < 1 or body > MAX_RUN_BODY:
        raise InvalidRun(f"El número de RUN debe estar entre 1 y {MAX_RUN_BODY:,}".replace(",", "."))
    total = 0
    weight = 2
    remaining = body
    while remaining:
        remaining, digit = divmod(remaining, 10)
        total += digit * weight
        weight = 2 if weight == 7 else weight + 1
    value = 11 - total % 11
    if value == 11:
        return "0"
    if value == 10:
        return "K"
    return str(value)


def _dotted(body: int) -> str:
    return f"{body:,}".replace(",", ".")


def normalize_run(text: str) -> str:
    """Validate a RUN/RUT and return it as ``"12345678-5"``.

    Raises :class:`InvalidRun` with a Spanish message when the text is not a
    RUN or its check digit is wrong.
    """
    if not isinstance(text, str):
        raise InvalidRun("El RUN debe ser un texto, por ejemplo 12.345.678-5")
    cleaned = text.translate(_HYPHENS).strip()
    if not cleaned:
        raise InvalidRun("Falta el RUN")
    match = _RUN_RE.match(cleaned)
    if match is None:
        if "-" not in cleaned:
            raise InvalidRun(
                f"El RUN {cleaned} no es válido: debe incluir el guion antes del "
                f"dígito verificador (por ejemplo {_RUN_EXAMPLE})"
            )
        raise InvalidRun(f"El RUN {cleaned} no es válido: use el formato {_RUN_EXAMPLE} o 12345678-5")
    body = int(match.group("body").replace(".", ""))
    given = match.group("dv").upper()
    if body == 0:
        raise InvalidRun(f"El RUN {cleaned} no es válido: el número no puede ser cero")
    expected = run_check_digit(body)
    if given != expected:
        raise InvalidRun(f"El RUN {_dotted(body)}-{given} no es válido: el dígito verificador debería ser {expected}")
    return f"{body}-{expected}"


def is_valid_run(text: str) -> bool:
    """``True`` when :func:`normalize_run` would accept ``text``."""
    try:
        normalize_run(text)
    except InvalidRun:
        return False
    return True


def format_run(normalized: str) -> str:
    """Display form of a RUN: ``"12345678-5"`` → ``"12.345.678-5"``.

    Accepts any form :func:`normalize_run` accepts (it re-validates).
    """
    stored = normalize_run(normalized)
    body, dv = stored.split("-")
    return f"{_dotted(int(body))}-{dv}"


def validate_rbd(value: int | str) -> int:
    """Validate a school RBD and return it as a positive ``int``.

    Accepts an ``int`` or a text made only of digits (surrounding spaces are
    ignored). Raises :class:`InvalidRbd` with a Spanish message otherwise.
    """
    if isinstance(value, bool):
        raise InvalidRbd("El RBD debe ser un número entero positivo")
    if isinstance(value, int):
        number = value
        shown = str(value)
    elif isinstance(value, str):
        shown = value.strip()
        if not shown:
            raise InvalidRbd("Falta el RBD")
        if not shown.isascii() or not shown.isdigit():
            raise InvalidRbd(
                f"El RBD «{shown}» no es válido: debe ser un número entero positivo, "
                "sin puntos ni dígito verificador (por ejemplo 10203)"
            )
        number = int(shown)
    else:
        raise InvalidRbd("El RBD debe ser un número entero positivo")
    if number < 1:
        raise InvalidRbd(f"El RBD {shown} no es válido: debe ser un número entero positivo")
    if number > MAX_RBD:
        raise InvalidRbd(f"El RBD {shown} no es válido: tiene demasiados dígitos")
    return number
