"""Business dates bounded by the day a command is recorded (API.md, "Insiders and time").

A caller chooses the business dates of what it records (an application date, an approval,
a payment, a lift of a listing...), and every rule that depends on time compares them. So
no business date may be later than today (China Standard Time, by the ledger's clock), and
one more than the backdating window (`LEDGER_BACKDATE_DAYS`) before today needs evidence,
`"backdate": {"reason", "document_no"}`, which the command's events record and auditors
list (`GET /reports/backdated`)."""
from __future__ import annotations

import datetime as dt

from ..errors import ValidationFailed
from ..limits import check_date, check_text

DEFAULT_BACKDATE_DAYS = 30
MAX_BACKDATE_DAYS = 36_500
BACKDATE_KEYS = ("reason", "document_no")


def parse_backdate(value: object) -> dict | None:
    """The evidence for a backdated entry, as sent: None, or reason and document number."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed("backdate must be an object {\"reason\", \"document_no\"}", field="backdate")
    unknown = sorted(set(value) - set(BACKDATE_KEYS))
    if unknown:
        raise ValidationFailed(f"backdate takes only reason and document_no, not {unknown[0]!r}",
                               field=f"backdate.{unknown[0]}")
    return {key: check_text(value.get(key), field=f"backdate.{key}") for key in BACKDATE_KEYS}


class BusinessDates:
    """The business dates of one command, checked against the day it is recorded.

    `take` parses each date; `backdate` is then what the command's events record: None, or
    the evidence with the fields it covers (only when some date needed it)."""

    def __init__(self, today: dt.date, window_days: int, request: dict):
        self.today = today
        self.window_days = window_days
        self._earliest = today - dt.timedelta(days=window_days)
        self._evidence = parse_backdate(request.get("backdate"))
        self._request = request
        self._backdated: list[str] = []

    def take(self, field: str, *, default_today: bool = False) -> dt.date:
        """The business date `field` of the request (left out: today where the contract lets a
        caller leave it out, `default_today`), never later than today, and further back than the
        window only with evidence."""
        value = self._request.get(field)
        day = self.today if value is None and default_today else check_date(value, field=field)
        if day > self.today:
            raise ValidationFailed(f"{field} {day} is later than today ({self.today}, China Standard Time): a "
                                   "business date is never in the future", field=field)
        if day < self._earliest:
            if self._evidence is None:
                raise ValidationFailed(
                    f"{field} {day} is more than {self.window_days} days before today ({self.today}): a backdated "
                    "entry needs \"backdate\": {\"reason\", \"document_no\"} (LEDGER_BACKDATE_DAYS)", field=field)
            self._backdated.append(field)
        return day

    @property
    def backdate(self) -> dict | None:
        if not self._backdated:
            return None
        return {**self._evidence, "fields": list(self._backdated), "window_days": self.window_days,
                "recorded_on": self.today.isoformat()}
