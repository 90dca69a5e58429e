"""Reports (API.md, "Reports and reconciliation"): fund usage per fund or per region
roll-up, program usage across funds, and the public-notice list of payees (公示). Roles
treasurer, auditor and admin; a fund or region outside the caller's regions is 403.

Every report is answered as of one log position: the head once the read models hold every
write acknowledged before the read began, or `as_of_position` / `as_of` (api/asof.py).
The figures and their meaning are in projections/reports.py; the CSV and XLSX layouts in
runtime/report_export.py (`Accept: text/csv` or the XLSX media type)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from ledger.access import READ_REPORTS, Actor
from ledger.domain.fund import parse_fund_code
from ledger.errors import NotFound, ValidationFailed
from ledger.limits import check_date
from ledger.regions import covers, validate_region
from ledger.service import today_in_china
from projections import reports
from runtime import report_export
from runtime.reports import fund_usage_report, report_position

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json
from ..schemas import (FundType, FundUsageReport, FundUsageRollup, NoticePayeePage, PayeePage, ProgramCode,
                       ProgramUsageReport)

router = APIRouter(prefix="/v1", tags=["reports"], responses=PROBLEMS, route_class=StrictJSONRoute)

EXPORTS = {200: {"content": {report_export.CSV_TYPE: {"schema": {"type": "string"}},
                             report_export.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}
Basis = Literal["business", "recorded"]
FROM = params.date("First day of the period, YYYY-MM-DD (included).", alias="from")
TO = params.date("Last day of the period, YYYY-MM-DD (included).")


def requested_format(request: Request) -> str:
    accept = request.headers.get("accept", "")
    if report_export.XLSX_TYPE in accept:
        return "xlsx"
    if report_export.CSV_TYPE in accept:
        return "csv"
    return "json"


@router.get("/reports/fund-usage", response_model=FundUsageReport | FundUsageRollup, responses=EXPORTS)
def fund_usage(request: Request, actor: Actor = Depends(deps.actor), fund_id: str | None = params.FUND_ID_FILTER,
               fund_type: FundType | None = None, region: str | None = params.REGION, start: str | None = FROM,
               to: str | None = TO, basis: Basis = "business", as_of: str | None = asof.AS_OF,
               as_of_position: int | None = asof.AS_OF_POSITION):
    """Opening balance, movements and closing balance of a fund over a period, and whether
    they tie out; or, with `fund_type` and `region` instead of `fund_id`, one such report per
    fund of that type at that region and below, with their total. `Accept: text/csv` or
    `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` for exports."""
    actor.require_role(*READ_REPORTS)
    report = fund_usage_report(deps.runtime(request), actor, fund_id=fund_id, fund_type=fund_type, region=region,
                               start=start, end=to, basis=basis, moment=asof.check(as_of, as_of_position),
                               as_of_position=as_of_position)
    fmt = requested_format(request)
    if fmt == "json":
        return json(report)
    content, media_type = report_export.render(report, fmt)
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{report_export.filename(report, fmt)}"'})


@router.get("/reports/program-usage", response_model=ProgramUsageReport)
def program_usage(request: Request, actor: Actor = Depends(deps.actor), program: ProgramCode | None = None,
                  region: str | None = params.REGION, start: str | None = FROM, to: str | None = TO,
                  basis: Basis = "business", as_of: str | None = asof.AS_OF,
                  as_of_position: int | None = asof.AS_OF_POSITION):
    """One program's money across funds: disbursed, returned, recovered and net
    (disbursed − returned − recovered) per fund and in total, for the funds at `region` and
    below (default: the caller's regions)."""
    actor.require_role(*READ_REPORTS)
    rt = deps.runtime(request)
    if program is None or program not in rt.ledger.catalog.programs:
        raise ValidationFailed("program must name a program of the catalog", field="program")
    if region is not None:
        validate_region(region)
        actor.require_region(region)
    period = reports.parse_period(start, to, basis)
    position = report_position(rt, asof.check(as_of, as_of_position), as_of_position)

    def visible(fund_region: str) -> bool:
        return actor.may_see(fund_region) and (region is None or covers(region, fund_region))

    report = reports.program_usage(rt.reader, program, period, position, visible, reports.chain_time(rt.app))
    return json({**report, "region": region})


@router.get("/reports/payees", response_model=PayeePage | NoticePayeePage)
def payees(request: Request, actor: Actor = Depends(deps.actor), fund_id: str | None = params.FUND_ID_FILTER,
           start: str | None = FROM, to: str | None = TO, limit: int = params.LIMIT, cursor: str | None = params.CURSOR,
           as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION,
           stage: Literal["paid", "notice"] = Query("paid", description="`paid`: payments in the period; `notice`: "
                                                                         "claims under public notice on `on`"),
           on: str | None = params.date("With stage=notice: the day (default today, China Standard Time)")):
    """The public-notice list (公示): one row per payment from the fund with `paid_on` in the
    period, oldest first: the payee and beneficiary (person ids masked), program, amount,
    date, payment reference and whether the payment was returned. Pages carry the position
    of the first page, so a walk through the pages sees one state of the ledger.

    With `stage=notice`: the claims under public notice on `on` (approved, not closed,
    starts_on ≤ on < ends_on) in the caller's regions (and of `fund_id`, if given), by claim
    id, each with its approved amount and the objections still open."""
    actor.require_role(*READ_REPORTS)
    if stage == "notice":
        return _under_notice(request, actor, fund_id, on, limit, cursor)
    if fund_id is None:
        raise ValidationFailed("fund_id is required", field="fund_id")
    _, fund_region = parse_fund_code(fund_id)
    actor.require_region(fund_region)
    period = reports.parse_period(start, to)
    limit = deps.page_limit(limit)
    rt = deps.runtime(request)
    after = None
    if cursor is not None:
        after, position = _decode(cursor)
        if position > rt.wait_consistent():
            raise ValidationFailed("cursor is not one this service issued", field="cursor")
    else:
        position = report_position(rt, asof.check(as_of, as_of_position), as_of_position)
    if not rt.reader.fund_at(fund_id, position):
        raise NotFound(f"fund {fund_id} not found")
    rows = reports.payees(rt.reader, fund_id, period.start, period.end, position, after, limit + 1)
    next_cursor = None
    if len(rows) > limit:
        date, last = rows[limit - 1]["_cursor"]
        next_cursor = deps.encode_cursor(f"{date}|{last}|{position}")
    return json({"items": [{k: v for k, v in r.items() if k != "_cursor"} for r in rows[:limit]],
                 "next_cursor": next_cursor})


def _under_notice(request: Request, actor: Actor, fund_id: str | None, on: str | None, limit: int,
                  cursor: str | None):
    if fund_id is not None:
        _, fund_region = parse_fund_code(fund_id)
        actor.require_region(fund_region)
    day = check_date(on, field="on") if on is not None else today_in_china()
    limit = deps.page_limit(limit)
    after = deps.decode_cursor(cursor)
    rt = deps.runtime(request)
    rt.wait_consistent()
    rows = rt.reader.notices(on=day.isoformat(), fund_id=fund_id, scopes=actor.regions, after=after,
                             limit=limit + 1)
    next_cursor = deps.encode_cursor(rows[limit - 1]["claim_id"]) if len(rows) > limit else None
    return json({"items": [orjson.loads(r["doc"]) for r in rows[:limit]], "next_cursor": next_cursor})


def _decode(cursor: str) -> tuple[tuple[str, int], int]:
    text = deps.decode_cursor(cursor) or ""
    try:
        date, last, position = text.split("|")
        dt.date.fromisoformat(date)
        after, at = int(last), int(position)
        if not (len(date) == 10 and 0 <= after <= at < 2**62):
            raise ValueError
        return (date, after), at
    except ValueError:
        raise ValidationFailed("cursor is not one this service issued", field="cursor") from None
