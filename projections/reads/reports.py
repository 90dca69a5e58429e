"""Reports for the API and the CLI alike (API.md, "Reports and reconciliation"): the
caller's roles and regions, the period, the log position each is answered at, then the
sums (projections/reports.py) or the reconciliation (projections/reconciliation.py);
rendering as CSV or XLSX is projections/reads/export.py."""
from __future__ import annotations

import datetime as dt

import orjson

from ledger.access import READ_REPORTS, Actor
from ledger.domain.fund import FUND_TYPES, parse_fund_code
from ledger.errors import NotFound, ValidationFailed
from ledger.regions import covers, validate_region
from ledger.service.core import parse_date

from .. import reconciliation, reports
from . import asof
from .core import ReadsCore

# A page of GET /v1/reconciliation stops before 4 MiB (API.md, "Bounded work per request"),
# with room for the envelope.
RECONCILIATION_PAGE_BYTES = 4 * 1024 * 1024 - 64 * 1024

# `ledger report ...` runs with the database's own authority, like `ledger export`.
CLI_ACTOR = Actor("cli", "ledger report (command line)", frozenset({"admin"}), ("000000",))


class ReportReads(ReadsCore):
    def fund_usage(self, actor: Actor, *, fund_id: str | None, fund_type: str | None, region: str | None,
                   start: str | None, end: str | None, basis: str | None, as_of: str | None = None,
                   as_of_position: int | None = None, moment: dt.datetime | None = None) -> dict:
        """One fund's report (`fund_id`) or a roll-up (`fund_type` and `region`), checked for
        the caller's roles and regions; `moment` is `as_of` already parsed."""
        actor.require_role(*READ_REPORTS)
        if moment is None:
            moment = asof.check(as_of, as_of_position)
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
        position = self.position(moment, as_of_position)
        recorded_time = reports.chain_time(self.app)
        if fund_id is None:
            return reports.fund_usage_rollup(self.view, fund_type, region, period, position, recorded_time)
        report = reports.fund_usage(self.view, fund_id, period, position, recorded_time)
        if report is None:
            raise NotFound(f"fund {fund_id} not found (as of position {position})")
        return report

    def program_usage(self, actor: Actor, *, program: str | None, region: str | None, start: str | None,
                      end: str | None, basis: str | None, as_of: str | None, as_of_position: int | None) -> dict:
        """One program's money across funds, for the funds at `region` and below (default: the
        caller's regions)."""
        actor.require_role(*READ_REPORTS)
        if program is None or program not in self.ledger.catalog.programs:
            raise ValidationFailed("program must name a program of the catalog", field="program")
        if region is not None:
            validate_region(region)
            actor.require_region(region)
        period = reports.parse_period(start, end, basis)
        position = self.position(asof.check(as_of, as_of_position), as_of_position)

        def visible(fund_region: str) -> bool:
            return actor.may_see(fund_region) and (region is None or covers(region, fund_region))

        report = reports.program_usage(self.view, program, period, position, visible, reports.chain_time(self.app))
        return {**report, "region": region}

    def payees(self, actor: Actor, *, fund_id: str | None, start: str | None, end: str | None, limit: int,
               after: tuple[str, int] | None, at_position: int | None, as_of: str | None,
               as_of_position: int | None) -> tuple[list[dict], tuple[str, int, int] | None]:
        """The public-notice list (公示) of the fund's payments in the period, oldest first. A
        further page continues `after` at the position of the first (`at_position`). Returns the
        items and, when there are more, (date, last, position) to continue from."""
        actor.require_role(*READ_REPORTS)
        if fund_id is None:
            raise ValidationFailed("fund_id is required", field="fund_id")
        _, fund_region = parse_fund_code(fund_id)
        actor.require_region(fund_region)
        period = reports.parse_period(start, end)
        if at_position is not None:
            if at_position > self.wait_consistent():
                raise NotFound("cursor names no page of this list: it is not one this service issued for this "
                               "query", field="cursor")
            position = at_position
        else:
            position = self.position(asof.check(as_of, as_of_position), as_of_position)
        if not self.view.fund_at(fund_id, position):
            raise NotFound(f"fund {fund_id} not found")
        rows = reports.payees(self.view, fund_id, period.start, period.end, position, after, limit + 1)
        more = None
        if len(rows) > limit:
            date, last = rows[limit - 1]["_cursor"]
            more = (date, last, position)
        return [{k: v for k, v in r.items() if k != "_cursor"} for r in rows[:limit]], more

    def reconciliation(self, actor: Actor, fund_id: str, start: str, end: str, *, limit: int = 100,
                       cursor: str | None = None) -> dict:
        """GET /v1/reconciliation: the fund's matched, unmatched-in-ledger and unmatched-in-bank
        items of the period (dates YYYY-MM-DD, included), with every acknowledged write, a page
        at a time: at most `limit` entries across the three lists and under RECONCILIATION_PAGE_BYTES
        of them; `cursor` (a previous page's `next_cursor`, the text deps.decode_cursor gives)
        continues where it stopped. The first page also counts each list whole."""
        actor.require_role(*READ_REPORTS)
        _, region = parse_fund_code(fund_id)
        actor.require_region(region)
        date_from = parse_date(start, field="from")
        date_to = parse_date(end, field="to")
        if date_to < date_from:
            raise ValidationFailed("to is before from", field="to")
        query = [fund_id, date_from.isoformat(), date_to.isoformat()]
        after = _reconciliation_cursor(cursor, query) if cursor is not None else None
        head = self.wait_consistent()
        if self.view.fund(fund_id) is None:
            raise NotFound(f"fund {fund_id} not found")
        page, stopped = reconciliation.reconciliation_page(self.view, fund_id, date_from, date_to, limit=limit,
                                                           after=after, max_bytes=RECONCILIATION_PAGE_BYTES)
        counts = None if cursor is not None else reconciliation.reconciliation_summary(self.view, fund_id, date_from,
                                                                                     date_to)
        return {"fund_id": fund_id, "from": query[1], "to": query[2], **page, "counts": counts, "position": head,
                "next_cursor": None if stopped is None else orjson.dumps([*query, *stopped]).decode()}

    def reconciliation_summary(self, fund_id: str, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
        """{"matched": n, "unmatched_in_ledger": n, "unmatched_in_bank": n} for the fund and the
        period (dates included), counting every write acknowledged before the call."""
        self.wait_consistent()
        return reconciliation.reconciliation_summary(self.view, fund_id, date_from, date_to)


def _reconciliation_cursor(cursor: str, query: list) -> tuple[int, list]:
    """(list index, key) from a next_cursor of the same fund and period; 404 otherwise (api/deps.py,
    unknown_cursor)."""
    try:
        value = orjson.loads(cursor)
        fund_id, start, end, index, key = value
        if [fund_id, start, end] != query:
            raise ValueError
        if not (isinstance(index, int) and 0 <= index < len(reconciliation.SECTIONS) and isinstance(key, list)
                and len(key) == (2 if reconciliation.SECTIONS[index] == "unmatched_in_ledger" else 3)
                and isinstance(key[0], str) and all(isinstance(part, (str, int)) for part in key)):
            raise ValueError
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise NotFound("cursor names no page of this list: it is not one this service issued for this fund and "
                       "period", field="cursor") from None
    return index, key
