"""Checksums of the two national identifiers (GB 11643 and GB 32100) and masking."""
from __future__ import annotations

import datetime as dt
import re

from .errors import ValidationFailed

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def identity_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def credit_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_identity_number(value: object, *, field: str) -> str:
    """A resident identity number (GB 11643), upper-cased; refused unless the check
    character matches and the birth date is a real date."""
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationFailed(f"{field} must be an 18-character resident identity number", field=field)
    number = value.upper()
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X") or not number.isascii():
        raise ValidationFailed(f"{field} must be 17 digits and a check character (0-9 or X)", field=field)
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationFailed(f"{field} has no real birth date", field=field) from None
    if identity_check_char(number[:17]) != number[17]:
        raise ValidationFailed(f"{field} fails the GB 11643 check character", field=field)
    return number


def normalize_credit_code(value: object, *, field: str) -> str:
    """A unified social credit code (GB 32100): alphabet and check character only."""
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationFailed(f"{field} must be an 18-character unified social credit code", field=field)
    code = value.upper()
    if any(c not in _USCC_VALUE for c in code):
        raise ValidationFailed(f"{field} has a character outside the GB 32100 alphabet", field=field)
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationFailed(f"{field} fails the GB 32100 check character", field=field)
    return code


def mask_identity_number(number: str) -> str:
    """First four and last four characters with ten asterisks between, as published."""
    return f"{number[:4]}{'*' * 10}{number[-4:]}"


# Anything shaped like a resident identity number, wherever it stands in a text.
_IDENTITY_SHAPE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_identity_numbers(text: str) -> str:
    """`text` with every identity-number-shaped run masked: for texts that may echo what a
    caller sent (log lines, problem details), so none carries a number in clear."""
    return _IDENTITY_SHAPE.sub(lambda m: mask_identity_number(m.group()), text)
