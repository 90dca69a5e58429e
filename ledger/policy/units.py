"""The units a parameter is written in, and how a value of each is read from TOML or JSON
and written back: money in fen (a two-decimal yuan string at the edges), rates as exact
fractions ("0.5", "2/3", never a float), dates, and whole numbers."""
from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

from ..errors import ValidationFailed
from ..money import format_money, parse_fraction, parse_money

PARAMETER_UNITS = ("money", "rate", "date", "int", "count", "months", "years", "days")
INT_UNITS = ("int", "count", "months", "years", "days")
MAX_RATE_CHARS = 32
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def format_rate(rate: Fraction) -> str:
    """A rate as a decimal when it has an exact one ("0.5", "1"), otherwise "2/3"; one
    spelling per value, so that "0.50" and "0.5" share a rule version."""
    for places in range(0, 19):
        scaled = rate * 10**places
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
            sign = "-" if rate < 0 else ""
            return sign + (digits if places == 0 else f"{digits[:-places]}.{digits[-places:]}")
    return f"{rate.numerator}/{rate.denominator}"


def parameter_wire(unit: str, value: object) -> object:
    if unit == "money":
        return format_money(value)
    if unit == "rate":
        return format_rate(value)
    if unit == "date":
        return value.isoformat()
    return value


def parse_iso_date(value: object) -> dt.date:
    """A real date YYYY-MM-DD, whatever its year (stored values are read back as they are)."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"bad date {value!r}")


def parse_parameter(unit: str, raw: object) -> object:
    """The typed value of a parameter as written in TOML or JSON; ValueError otherwise."""
    if unit == "money":
        try:
            return parse_money(raw, field="value")
        except ValidationFailed as exc:
            raise ValueError(f"bad money {raw!r}: {exc.detail}") from None
    if unit == "rate":
        if not isinstance(raw, str) or len(raw) > MAX_RATE_CHARS:
            raise ValueError(f"a rate must be written as a short string such as \"0.5\" or \"2/3\", got {raw!r:.40}")
        return parse_fraction(raw)
    if unit == "date":
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        return parse_iso_date(raw)
    if unit in INT_UNITS:
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise ValueError(f"a {unit} value must be a whole number >= 0, got {raw!r}")
        return raw
    raise ValueError(f"unknown unit {unit!r}; known units: {', '.join(PARAMETER_UNITS)}")


def is_typed(unit: str, value: object) -> bool:
    """Whether `value` is already the typed form of a value in `unit`."""
    if unit == "money":
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    if unit == "rate":
        return isinstance(value, Fraction) and value >= 0
    if unit == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
