"""Closing a fund's month, for the API and the CLI alike: the evidence comes from the read
side (the month's fund-usage report and its reconciliation), the decision and the record
from the ledger."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from ledger.access import Actor
from ledger.errors import ValidationFailed
from ledger.service import Idem, Outcome

from .container import Runtime
from .reports import fund_usage_report


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", month or ""):
        raise ValidationFailed("the period must be a month YYYY-MM", field="month")
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def close_period(rt: Runtime, actor: Actor, fund_id: str, month: str, request: dict, *,
                 idem: Idem | None = None) -> Outcome:
    first, last = month_bounds(month)
    actor.require_role("treasurer")
    report = fund_usage_report(rt, actor, fund_id=fund_id, fund_type=None, region=None, start=first.isoformat(),
                               end=last.isoformat(), basis="business")
    counts = rt.reconciliation_summary(fund_id, first, last)
    evidence = {"ties_out": report["ties_out"], "report_position": report["position"], **counts}
    return rt.ledger.close_period(actor, fund_id, month, request, evidence, idem=idem)
