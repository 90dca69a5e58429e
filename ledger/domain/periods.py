"""A fund's months: which may close, and the evidence a close is decided on.

The evidence is computed in the writer, from the fund's own events as they stand in the
transaction that records the close (API.md, "Period close in the writer"): a payment that
races the close either is among those events (and counted) or is recorded after the close
in the same fund stream (and refused, `period_closed`); the fund's version is what orders
the two, in one process or several.

- `ties_out`: the month's closing balance, summed by business date from every movement of
  the fund dated up to the month's last day, leaves no component negative (a payment or
  reservation dated before the money that covers it does not tie out);
- `unmatched_in_ledger`: the fund's payments, returned payments and recoveries dated in the
  month that no bank line has matched (a `BankMatch` exists once per matched item);
- `unmatched_in_bank`: the lines of the fund's statements dated in the month that matched
  nothing, duplicates included (the fund's `BankAccount` keeps these counts per month)."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..errors import ValidationFailed
from ..limits import MONTH_PATTERN
from ..money import format_money
from .bank import ledger_item

_MONTH = re.compile(MONTH_PATTERN)  # the same months the API publishes (ledger/limits.py)

# event name -> (movement kind, the attribute holding its business date), and each kind's
# effect per fen on (allocated, reserved, disbursed, recovered): projections/movements.py
# and projections/reports.py sum the read models by these two tables too.
MOVEMENTS = {
    "Allocated": ("allocated", "effective_date"),
    "TransferredIn": ("transferred_in", "effective_date"),
    "TransferredOut": ("transferred_out", "effective_date"),
    "Reserved": ("reserved", "approved_on"),
    "Released": ("released", "on"),
    "Disbursed": ("disbursed", "paid_on"),
    "PaymentReturned": ("payment_returned", "returned_on"),
    "Recovered": ("recovered", "received_on"),
}
EFFECTS = {
    "allocated": (1, 0, 0, 0),
    "transferred_in": (1, 0, 0, 0),
    "transferred_out": (-1, 0, 0, 0),
    "reserved": (0, 1, 0, 0),
    "released": (0, -1, 0, 0),
    "disbursed": (0, -1, 1, 0),
    "payment_returned": (0, 1, -1, 0),
    "recovered": (0, 0, 0, 1),
}


def parse_month(value: object) -> str:
    """A month written YYYY-MM within the business dates' years (2000–2099)."""
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise ValidationFailed("the period must be a month YYYY-MM (2000-01 to 2099-12)", field="month")
    return value


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def require_ended(month: str, today: dt.date) -> None:
    """Only a month that has ended closes: one before today's month (`422` otherwise)."""
    if month >= f"{today:%Y-%m}":
        raise ValidationFailed(f"{month} has not ended (today is {today.isoformat()}): only a month before "
                               f"{today:%Y-%m} can be closed", field="month")


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class MonthTally:
    """The figures a close of `month` is decided on, added up event by event over the fund's
    stream in version order: the closing balance by business date and the month's items."""

    def __init__(self, month: str):
        self.month = month
        self.first, self.last = month_bounds(month)
        self.closing = [0, 0, 0, 0]
        self.items: list[str] = []
        self.version = 0  # the fund's events up to this version are added

    def copy(self) -> "MonthTally":
        other = MonthTally(self.month)
        other.closing, other.items, other.version = list(self.closing), list(self.items), self.version
        return other

    def add(self, event: Any) -> None:
        """One event of the fund (the next in its stream; those that move no money count
        for nothing)."""
        self.version = event.originator_version
        movement = MOVEMENTS.get(type(event).__qualname__.split(".")[-1])
        if movement is None:
            return
        kind, date_attribute = movement
        if _day(getattr(event, date_attribute)) <= self.last:
            for i, effect in enumerate(EFFECTS[kind]):
                self.closing[i] += effect * event.amount_fen
        item = ledger_item(event)
        if item is not None and self.first <= item.date <= self.last:
            self.items.append(item.item_key)

    def evidence(self, matched: Callable[[list[str]], set[str]], unmatched_in_bank: int) -> dict:
        """`matched(item_keys)`: which of the month's items a bank line has matched."""
        available = self.closing[0] - self.closing[1] - self.closing[2] + self.closing[3]
        found = len(matched(self.items)) if self.items else 0
        return {
            "ties_out": available >= 0 and all(part >= 0 for part in self.closing),
            "closing_available": format_money(available),
            "items": len(self.items),
            "matched": found,
            "unmatched_in_ledger": len(self.items) - found,
            "unmatched_in_bank": unmatched_in_bank,
            "fund_version": self.version,
        }
