"""Money is an integer number of fen inside the ledger; at the edges it is a string of
yuan with exactly two decimals. No float ever holds an amount."""
from __future__ import annotations

import re
from fractions import Fraction

from .errors import ValidationFailed

MAX_INTEGER_DIGITS = 13
_MONEY = re.compile(r"^(0|[1-9][0-9]{0,12})\.([0-9]{2})$")
# What parse_money takes, for /openapi.json (ECMA syntax): above zero, so "0.00" is refused there too.
MONEY_PATTERN = r"^(0\.(0[1-9]|[1-9][0-9])|[1-9][0-9]{0,12}\.[0-9]{2})$"
RATE_PATTERN = r"^[0-9]+(\.[0-9]+)?(/[1-9][0-9]*)?$"


def parse_money(value: object, *, field: str = "amount", allow_zero: bool = False) -> int:
    """Parse a contract money string ("1500.00") into fen. Strict: a JSON number, a sign,
    fewer or more than two decimals, more than 13 integer digits, or zero is refused."""
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be a string with two decimals, e.g. \"1500.00\"", field=field)
    match = _MONEY.fullmatch(value)  # not match: "$" would let a trailing newline through
    if match is None:
        raise ValidationFailed(
            f"{field} must be a positive amount in yuan with exactly two decimals and at most "
            f"{MAX_INTEGER_DIGITS} integer digits, e.g. \"1500.00\"",
            field=field,
        )
    fen = int(match.group(1)) * 100 + int(match.group(2))
    if fen == 0 and not allow_zero:
        raise ValidationFailed(f"{field} must be greater than zero", field=field)
    return fen


def format_money(amount_fen: int) -> str:
    """Fen to a two-decimal yuan string; negative amounts keep their sign (reports)."""
    if type(amount_fen) is int:
        if amount_fen == 0:
            return "0.00"  # most amounts of a claim's answer
    elif not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError(f"money must be integer fen, got {type(amount_fen).__name__}")
    sign = "-" if amount_fen < 0 else ""
    whole, fen = divmod(abs(amount_fen), 100)
    return f"{sign}{whole}.{fen:02d}"


def floor_fen(value: Fraction | int) -> int:
    """Round an exact product down to the fen, as subsidy rules do (⌊x⌋)."""
    return int(Fraction(value).__floor__())


def parse_fraction(text: str) -> Fraction:
    """A rate or share written as "0.5", "2/3" or "1"; exact, never a float."""
    if not isinstance(text, str) or not re.fullmatch(RATE_PATTERN, text):
        raise ValueError(f"not a rate: {text!r}")
    return Fraction(text)
