"""The evidence a fund's month is closed on, for the API and the CLI alike: the month's
fund-usage report and its reconciliation (the decision and the record are the ledger's,
`Ledger.close_period`)."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from ledger.access import Actor
from ledger.errors import ValidationFailed
from ledger.limits import MONTH_PATTERN

from .reports import ReportReads


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    if not re.fullmatch(MONTH_PATTERN, month or ""):
        raise ValidationFailed("the period must be a month YYYY-MM from 2000-01 to 2099-12", field="month")
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


class PeriodReads(ReportReads):
    def period_evidence(self, actor: Actor, fund_id: str, month: str) -> dict:
        """Whether the month ties out, at which position, and its reconciliation counts."""
        first, last = month_bounds(month)
        actor.require_role("treasurer")
        report = self.fund_usage(actor, fund_id=fund_id, fund_type=None, region=None, start=first.isoformat(),
                                 end=last.isoformat(), basis="business")
        counts = self.reconciliation_summary(fund_id, first, last)
        return {"ties_out": report["ties_out"], "report_position": report["position"], **counts}
