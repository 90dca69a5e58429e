"""Running a fund-usage report for the API and the CLI alike: the caller's roles and
regions, the period, the log position it is answered at, then the sums
(projections/reports.py); rendering is runtime/report_export.py."""
from __future__ import annotations

import datetime as dt

from ledger.access import READ_REPORTS, Actor
from ledger.domain.fund import FUND_TYPES, parse_fund_code
from ledger.errors import NotFound, ValidationFailed
from ledger.regions import validate_region
from projections import reports

from .container import Runtime

# `ledger report ...` runs with the database's own authority, like `ledger export`.
CLI_ACTOR = Actor("cli", "ledger report (command line)", frozenset({"admin"}), ("000000",))


def report_position(rt: Runtime, moment: dt.datetime | None = None, as_of_position: int | None = None) -> int:
    """The log position a report is answered at (see Runtime.read_position)."""
    return rt.read_position(moment, as_of_position)


def fund_usage_report(rt: Runtime, actor: Actor, *, fund_id: str | None, fund_type: str | None,
                      region: str | None, start: str | None, end: str | None, basis: str | None,
                      moment: dt.datetime | None = None, as_of_position: int | None = None) -> dict:
    """One fund's report (`fund_id`) or a roll-up (`fund_type` and `region`), checked for
    the caller's roles and regions."""
    actor.require_role(*READ_REPORTS)
    if fund_id is not None and (fund_type is not None or region is not None):
        raise ValidationFailed("give fund_id, or fund_type and region, not both", field="fund_id")
    if fund_id is None and (fund_type is None or region is None):
        raise ValidationFailed("give fund_id, or fund_type and region for a roll-up", field="fund_id")
    if fund_id is not None:
        _, fund_region = parse_fund_code(fund_id)
        actor.require_region(fund_region)
    else:
        if fund_type not in FUND_TYPES:
            raise ValidationFailed(f"fund_type must be one of {', '.join(FUND_TYPES)}", field="fund_type")
        validate_region(region)
        actor.require_region(region)
    period = reports.parse_period(start, end, basis)
    position = report_position(rt, moment, as_of_position)
    recorded_time = reports.chain_time(rt.app)
    if fund_id is None:
        return reports.fund_usage_rollup(rt.reader, fund_type, region, period, position, recorded_time)
    report = reports.fund_usage(rt.reader, fund_id, period, position, recorded_time)
    if report is None:
        raise NotFound(f"fund {fund_id} not found (as of position {position})")
    return report
