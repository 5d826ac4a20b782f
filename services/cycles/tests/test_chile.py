"""Chilean RUN/RUT and RBD validation.

Hand computations of the check digits used below (weights 2,3,4,5,6,7 from the
right, cycling; digit = 11 - sum % 11; 11 -> 0, 10 -> K):

12.345.678: 8*2 + 7*3 + 6*4 + 5*5 + 4*6 + 3*7 + 2*2 + 1*3
          = 16 + 21 + 24 + 25 + 24 + 21 + 4 + 3 = 138; 138 % 11 = 6; 11 - 6 = 5 -> "5"
11.111.111: 2 + 3 + 4 + 5 + 6 + 7 + 2 + 3 = 32; 32 % 11 = 10; 11 - 10 = 1 -> "1"
10.000.013: 3*2 + 1*3 + 0*4 + 0*5 + 0*6 + 0*7 + 0*2 + 1*3
          = 6 + 3 + 3 = 12; 12 % 11 = 1; 11 - 1 = 10 -> "K"
10.000.004: 4*2 + 0 + ... + 1*3 = 8 + 3 = 11; 11 % 11 = 0; 11 - 0 = 11 -> "0"
6:          6*2 = 12; 12 % 11 = 1; 11 - 1 = 10 -> "K"
1.234.567:  7*2 + 6*3 + 5*4 + 4*5 + 3*6 + 2*7 + 1*2
          = 14 + 18 + 20 + 20 + 18 + 14 + 2 = 106; 106 % 11 = 7; 11 - 7 = 4 -> "4"
"""

from __future__ import annotations

import pytest

from cycles_service.domain.chile import (
    InvalidRbd,
    InvalidRun,
    format_run,
    is_valid_run,
    normalize_run,
    run_check_digit,
    validate_rbd,
)


@pytest.mark.parametrize(
    ("body", "digit"),
    [(12345678, "5"), (11111111, "1"), (10000013, "K"), (10000004, "0"), (6, "K")],
)
def test_run_check_digit(body: int, digit: str) -> None:
    assert run_check_digit(body) == digit


@pytest.mark.parametrize("body", [0, -1, 100_000_000])
def test_run_check_digit_out_of_range(body: int) -> None:
    with pytest.raises(InvalidRun):
        run_check_digit(body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.345.678-5", "12345678-5"),
        ("12345678-5", "12345678-5"),
        ("  12.345.678-5  ", "12345678-5"),
        ("11.111.111-1", "11111111-1"),
        ("10.000.013-K", "10000013-K"),
        ("10.000.013-k", "10000013-K"),
        ("10000013-k", "10000013-K"),
        ("10000013-K", "10000013-K"),
        ("10.000.004-0", "10000004-0"),
        ("6-k", "6-K"),
        ("012.345.678-5", "12345678-5"),
        ("012345678-5", "12345678-5"),
        ("00000006-K", "6-K"),
        ("12345678 - 5", "12345678-5"),
        ("12.345.678\u20135", "12345678-5"),  # en dash pasted from a document
    ],
)
def test_normalize_run_valid(text: str, expected: str) -> None:
    assert normalize_run(text) == expected
    assert is_valid_run(text)


def test_normalize_run_wrong_check_digit_message() -> None:
    with pytest.raises(InvalidRun) as info:
        normalize_run("12.345.678-9")
    assert str(info.value) == ("El RUN 12.345.678-9 no es válido: el dígito verificador debería ser 5")


def test_wrong_check_digit_message_uses_display_form_even_without_dots() -> None:
    with pytest.raises(InvalidRun) as info:
        normalize_run("10000013-1")
    assert str(info.value) == ("El RUN 10.000.013-1 no es válido: el dígito verificador debería ser K")


def test_k_where_a_number_is_expected() -> None:
    with pytest.raises(InvalidRun, match="debería ser 5"):
        normalize_run("12.345.678-k")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Falta el RUN"),
        ("   ", "Falta el RUN"),
        ("123456785", "debe incluir el guion"),
        ("12.345.678", "debe incluir el guion"),
        ("1.2345.678-5", "use el formato"),
        ("12.34.5678-5", "use el formato"),
        ("123.456.789-0", "use el formato"),
        ("12345678-X", "use el formato"),
        ("abc-5", "use el formato"),
        ("0-0", "no puede ser cero"),
        ("000.000-0", "no puede ser cero"),
    ],
)
def test_normalize_run_invalid(text: str, fragment: str) -> None:
    with pytest.raises(InvalidRun) as info:
        normalize_run(text)
    assert fragment in str(info.value)
    assert not is_valid_run(text)


def test_invalid_run_is_a_value_error() -> None:
    assert issubclass(InvalidRun, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345678-5", "12.345.678-5"),
        ("10000013-K", "10.000.013-K"),
        ("10.000.013-k", "10.000.013-K"),
        ("6-K", "6-K"),
        ("1234567-4", "1.234.567-4"),
    ],
)
def test_format_run(text: str, expected: str) -> None:
    assert format_run(text) == expected


def test_format_run_revalidates() -> None:
    with pytest.raises(InvalidRun):
        format_run("12345678-0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10203, 10203), ("10203", 10203), ("  8485 ", 8485), (1, 1)],
)
def test_validate_rbd_valid(value: int | str, expected: int) -> None:
    assert validate_rbd(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (0, "entero positivo"),
        (-5, "entero positivo"),
        ("0", "entero positivo"),
        ("-5", "entero positivo"),
        ("abc", "entero positivo"),
        ("10203-5", "sin puntos ni dígito verificador"),
        ("10.203", "sin puntos ni dígito verificador"),
        ("", "Falta el RBD"),
        ("123456789", "demasiados dígitos"),
        (True, "entero positivo"),
    ],
)
def test_validate_rbd_invalid(value: int | str, fragment: str) -> None:
    with pytest.raises(InvalidRbd) as info:
        validate_rbd(value)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)
