"""Money at the edges: strict two-decimal yuan strings in, integer fen inside."""
from __future__ import annotations

from fractions import Fraction

import pytest

from ledger.errors import ValidationFailed
from ledger.money import MAX_INTEGER_DIGITS, floor_fen, format_money, parse_fraction, parse_money


@pytest.mark.parametrize("text, fen", [
    ("1500.00", 150_000),
    ("0.01", 1),
    ("0.10", 10),
    ("1.05", 105),
    ("50000.00", 5_000_000),
    ("9" * 13 + ".99", 10**15 - 1),
    ("1" + "0" * 12 + ".00", 10**14),
])
def test_parse_money_accepts_two_decimal_strings(text, fen):
    assert parse_money(text) == fen
    assert isinstance(parse_money(text), int)


@pytest.mark.parametrize("value", [1500, 1500.0, 0.01, None, True, b"1500.00", ["1500.00"]],
                         ids=["int", "float", "small float", "none", "bool", "bytes", "list"])
def test_parse_money_refuses_numbers_and_other_types(value):
    with pytest.raises(ValidationFailed) as info:
        parse_money(value)
    assert info.value.field == "amount"


@pytest.mark.parametrize("text", [
    "1500", "1500.", "1500.0", ".50", "1500.000", "1500.001", "0.5",          # decimals
    "-1500.00", "+1500.00", "-0.01",                                          # signs
    "01500.00", "00.01", "000.00",                                            # leading zeros
    " 1500.00", "1500.00 ", "1500.00\n", "1 500.00", "\t1.00",                # whitespace
    "1,500.00", "1500,00", "1e3", "1500.0O", "１５００.００", "١٥٠٠.٠٠", "",   # other characters
    "NaN", "Infinity",
])
def test_parse_money_refuses_malformed_strings(text):
    with pytest.raises(ValidationFailed):
        parse_money(text)


def test_parse_money_integer_digits_13_allowed_14_refused():
    assert MAX_INTEGER_DIGITS == 13
    assert parse_money("1" * 13 + ".00") == int("1" * 13) * 100
    with pytest.raises(ValidationFailed):
        parse_money("1" * 14 + ".00")
    with pytest.raises(ValidationFailed):
        parse_money("1" + "0" * 13 + ".00")


def test_parse_money_zero_refused_unless_allowed():
    for zero in ("0.00",):
        with pytest.raises(ValidationFailed) as info:
            parse_money(zero)
        assert "greater than zero" in info.value.detail
        assert parse_money(zero, allow_zero=True) == 0


def test_parse_money_names_the_field():
    with pytest.raises(ValidationFailed) as info:
        parse_money("1", field="facts.monthly_rent")
    assert info.value.field == "facts.monthly_rent"
    assert info.value.code == "validation_error"


@pytest.mark.parametrize("fen, text", [
    (0, "0.00"), (1, "0.01"), (10, "0.10"), (99, "0.99"), (100, "1.00"), (150_000, "1500.00"),
    (-1, "-0.01"), (-150_050, "-1500.50"), (10**15 - 1, "9999999999999.99"),
])
def test_format_money(fen, text):
    assert format_money(fen) == text


@pytest.mark.parametrize("fen", [1, 99, 100, 123_456, 10**15 - 1])
def test_format_then_parse_round_trips(fen):
    assert parse_money(format_money(fen)) == fen


@pytest.mark.parametrize("value", [1.5, 1.0, "100", True, None, Fraction(1, 2)])
def test_format_money_refuses_non_integers(value):
    with pytest.raises(TypeError):
        format_money(value)


@pytest.mark.parametrize("value, fen", [
    (Fraction(200_000, 3), 66_666),           # 2/3 of 1,000.00 = 666.666… → 666.66
    (Fraction(1_000_001, 2), 500_000),        # half a fen is dropped
    (Fraction(7, 1), 7),
    (5, 5),
    (Fraction(-1, 3), -1),                    # floor, not truncation
    (Fraction(345_000, 2), 172_500),          # the internship worked example: 3,450.00 × 1/2
])
def test_floor_fen(value, fen):
    assert floor_fen(value) == fen
    assert isinstance(floor_fen(value), int)


def test_floor_fen_flexible_social_insurance_example():
    # DOMAIN.md: ⌊2/3 × 1,000.00⌋ = 666.66, × 24 months = 15,999.84
    assert floor_fen(parse_fraction("2/3") * parse_money("1000.00")) * 24 == parse_money("15999.84")


@pytest.mark.parametrize("text, value", [
    ("0.5", Fraction(1, 2)), ("2/3", Fraction(2, 3)), ("1", Fraction(1)), ("0", Fraction(0)),
    ("0.3", Fraction(3, 10)), ("10/4", Fraction(5, 2)),
])
def test_parse_fraction(text, value):
    result = parse_fraction(text)
    assert result == value
    assert isinstance(result, Fraction)


@pytest.mark.parametrize("text", ["", "-0.5", "+1", "1/0", "2/03", " 0.5", "0.5 ", "1e-1", ".5", "1.", "a/b",
                                  "0.5/2/3"])
def test_parse_fraction_refuses(text):
    with pytest.raises(ValueError):
        parse_fraction(text)


@pytest.mark.parametrize("value", [0.5, 1, None, Fraction(1, 2)])
def test_parse_fraction_refuses_non_strings(value):
    with pytest.raises(ValueError):
        parse_fraction(value)
