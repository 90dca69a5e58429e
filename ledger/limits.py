"""The ledger's declared input limits, in one place: what text, integers, dates, nesting,
bodies and balances may be (API.md, Conventions: input limits; balance ceiling). The
HTTP edge checks them before a body is parsed further, /openapi.json publishes them, and
the domain relies on them: nothing outside them reaches the event store, so nothing
stored can break a later read, export or replay."""
from __future__ import annotations

import datetime as dt
import re

from .errors import ValidationFailed

MAX_TEXT_CHARS = 200
MAX_JSON_DEPTH = 32
MAX_JSON_BODY_BYTES = 1 << 20        # 1 MiB
MAX_STATEMENT_BYTES = 16 << 20       # 16 MiB: a bank statement
# Any integer in a body outside this range is refused before its field is even looked at;
# each field then declares its own, narrower range. ±(2**53 − 1) survives every JSON reader.
SAFE_INTEGER = 2**53 - 1
MAX_POSITION = 2**62                 # log positions and cursors: 64-bit integers in both stores
MAX_PAGE = 1000
FIRST_BUSINESS_DATE = dt.date(2000, 1, 1)
LAST_BUSINESS_DATE = dt.date(2099, 12, 31)
# Facts about the past (left school, operating since, a certificate's date) may be older.
FIRST_FACT_DATE = dt.date(1950, 1, 1)
# A business date more than this many days before today needs backdating evidence
# (LEDGER_BACKDATE_DAYS; API.md "Insiders and time"; ledger/service/dates.py).
DEFAULT_BACKDATE_DAYS = 30
MAX_BACKDATE_DAYS = 36_500
# No balance component of a fund, and no fund's money received over its life, may exceed
# 9,999,999,999,999.99: sums of a fund's movements then stay far inside 64-bit integers.
MAX_BALANCE_FEN = 999_999_999_999_999

# C0 controls and lone surrogates; multi-line text (bank statements) keeps tab, LF and CR.
_BAD_CHARS = re.compile(r"[\x00-\x1f\ud800-\udfff]")
_BAD_CHARS_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# The same rule for /openapi.json (ECMA and Rust regex syntax): no control character, and
# at least one that is not a space.
TEXT_PATTERN = r"^[^\u0000-\u001f]*[^\u0000-\u001f\s][^\u0000-\u001f]*$"
# Dates as /openapi.json states them: real calendar days (no 2000-00-00, 2022-02-30 or
# 2023-02-29), so a schema-valid date is one check_date takes.
_MONTH_DAY = ("(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
              "|02-(0[1-9]|1[0-9]|2[0-8])")
_LEAP_20XX = "20([02468][048]|[13579][26])"


def _calendar(years: str, leap_years: str) -> str:
    return f"(({years})-({_MONTH_DAY})|({leap_years})-02-29)"


BUSINESS_DATE = _calendar("20[0-9]{2}", _LEAP_20XX)
DATE_PATTERN = f"^{BUSINESS_DATE}$"
FACT_DATE_PATTERN = f"^{_calendar('19[5-9][0-9]|20[0-9]{2}', '19([57][26]|[68][048]|9[26])|' + _LEAP_20XX)}$"
# A fact that names a month by its first day (period_start: YYYY-MM-01).
FIRST_OF_MONTH_PATTERN = r"^(19[5-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])-01$"
FIRST_OF_MONTH_FACTS = frozenset({"period_start"})
# An RFC 3339 time with a zone on a business date (as_of and the like), and a date or such a time.
_TIME_OF_DAY = r"[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
MOMENT_PATTERN = f"^{BUSINESS_DATE}{_TIME_OF_DAY}$"
MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"  # a month of business dates (period close)
DATE_OR_MOMENT_PATTERN = f"^{BUSINESS_DATE}({_TIME_OF_DAY})?$"
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def bad_character(value: str, *, multiline: bool = False) -> str | None:
    """Describes the first character text may not hold (None when there is none); never
    echoes it, since a lone surrogate cannot even be encoded into an answer."""
    found = (_BAD_CHARS_MULTILINE if multiline else _BAD_CHARS).search(value)
    if found is None:
        return None
    code = ord(found.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"{kind} (U+{code:04X}) at character {found.start() + 1}"


def check_characters(value: str, *, field: str, multiline: bool = False) -> str:
    problem = bad_character(value, multiline=multiline)
    if problem is not None:
        raise ValidationFailed(f"{field} holds {problem}: send Unicode text without control characters",
                               field=field)
    return value


def check_text(value: object, *, field: str, optional: bool = False) -> str | None:
    """Free text (document numbers, reasons, memos, references, names): 1–200 characters,
    not only spaces, without control characters or lone surrogates."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_TEXT_CHARS or not value.strip():
        raise ValidationFailed(f"{field} must be text of 1-{MAX_TEXT_CHARS} characters", field=field)
    return check_characters(value, field=field)


def check_date(value: object, *, field: str, first: dt.date = FIRST_BUSINESS_DATE,
               last: dt.date = LAST_BUSINESS_DATE) -> dt.date:
    """A real date written YYYY-MM-DD within [first, last]."""
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be a date YYYY-MM-DD", field=field)
    try:
        if not _ISO_DATE.fullmatch(value):  # fromisoformat alone would take 20220604 and week dates
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{field} must be a real date YYYY-MM-DD", field=field) from None
    return check_date_range(day, field=field, first=first, last=last)


def check_date_range(day: dt.date, *, field: str, first: dt.date = FIRST_BUSINESS_DATE,
                     last: dt.date = LAST_BUSINESS_DATE) -> dt.date:
    if not first <= day <= last:
        raise ValidationFailed(f"{field} must lie between {first.isoformat()} and {last.isoformat()}", field=field)
    return day


def check_integer(value: object, *, field: str, minimum: int, maximum: int) -> int:
    # bool is an int in Python; JSON true is not a number.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(f"{field} must be a whole number", field=field)
    if not minimum <= value <= maximum:
        raise ValidationFailed(f"{field} must be between {minimum} and {maximum}", field=field)
    return value
