"""Reports (API.md, "Reports and reconciliation"): fund usage per fund or per region
roll-up, program usage across funds, and the public-notice list of payees (公示). Roles
treasurer, auditor and admin; a fund or region outside the caller's regions is 403.

Every report is answered as of one log position: the head once the read models hold every
write acknowledged before the read began, or `as_of_position` / `as_of` (projections/reads/asof.py).
The figures and their meaning are in projections/reports.py; the CSV and XLSX layouts in
projections/reads/export.py (`Accept: text/csv` or the XLSX media type)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from ledger.access import READ_REPORTS, Actor
from projections.reads import export as report_export

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json
from ..schemas import (BackdatedPage, FundType, FundUsageReport, FundUsageRollup, NoticePayeePage, PayeePage,
                       ProgramCode, ProgramUsageReport)

router = APIRouter(prefix="/v1", tags=["reports"], responses=PROBLEMS, route_class=StrictJSONRoute)

EXPORTS = {200: {"content": {report_export.CSV_TYPE: {"schema": {"type": "string"}},
                             report_export.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}
Basis = Literal["business", "recorded"]
FROM = params.date("First day of the period, YYYY-MM-DD (included).", alias="from")
TO = params.date("Last day of the period, YYYY-MM-DD (included).")
# The usage reports need their period (and program-usage its program): required, as the reads have it.
REQUIRED_FROM = params.date("First day of the period, YYYY-MM-DD (included).", alias="from", required=True)
REQUIRED_TO = params.date("Last day of the period, YYYY-MM-DD (included).", required=True)


def requested_format(request: Request) -> str:
    accept = request.headers.get("accept", "")
    if report_export.XLSX_TYPE in accept:
        return "xlsx"
    if report_export.CSV_TYPE in accept:
        return "csv"
    return "json"


@router.get("/reports/fund-usage", response_model=FundUsageReport | FundUsageRollup, responses=EXPORTS)
def fund_usage(request: Request, actor: Actor = Depends(deps.actor), fund_id: str | None = params.FUND_ID_FILTER,
               fund_type: FundType | None = None, region: str | None = params.REGION, start: str = REQUIRED_FROM,
               to: str = REQUIRED_TO, basis: Basis = "business", as_of: str | None = asof.AS_OF,
               as_of_position: int | None = asof.AS_OF_POSITION):
    """Opening balance, movements and closing balance of a fund over a period, and whether
    they tie out; or, with `fund_type` and `region` instead of `fund_id`, one such report per
    fund of that type at that region and below, with their total. `Accept: text/csv` or
    `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` for exports."""
    actor.require_role(*READ_REPORTS)
    report = deps.runtime(request).reads.fund_usage(actor, fund_id=fund_id, fund_type=fund_type, region=region,
                                                    start=start, end=to, basis=basis, as_of=as_of,
                                                    as_of_position=as_of_position)
    fmt = requested_format(request)
    if fmt == "json":
        return json(report)
    content, media_type = report_export.render(report, fmt)
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{report_export.filename(report, fmt)}"'})


@router.get("/reports/program-usage", response_model=ProgramUsageReport)
def program_usage(request: Request, actor: Actor = Depends(deps.actor), program: ProgramCode = Query(...),
                  region: str | None = params.REGION, start: str = REQUIRED_FROM, to: str = REQUIRED_TO,
                  basis: Basis = "business", as_of: str | None = asof.AS_OF,
                  as_of_position: int | None = asof.AS_OF_POSITION):
    """One program's money across funds: disbursed, returned, recovered and net
    (disbursed − returned − recovered) per fund and in total, for the funds at `region` and
    below (default: the caller's regions)."""
    actor.require_role(*READ_REPORTS)
    return json(deps.runtime(request).reads.program_usage(actor, program=program, region=region, start=start, end=to,
                                                          basis=basis, as_of=as_of, as_of_position=as_of_position))


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
        items, last = deps.runtime(request).reads.under_notice(actor, on=on, fund_id=fund_id,
                                                               after=deps.decode_cursor(cursor),
                                                               limit=deps.page_limit(limit))
        return json({"items": items, "next_cursor": deps.encode_cursor(last) if last is not None else None})
    limit = deps.page_limit(limit)
    after, at_position = _decode(cursor) if cursor is not None else (None, None)
    items, more = deps.runtime(request).reads.payees(actor, fund_id=fund_id, start=start, end=to, limit=limit,
                                                     after=after, at_position=at_position, as_of=as_of,
                                                     as_of_position=as_of_position)
    next_cursor = deps.encode_cursor("|".join(str(part) for part in more)) if more is not None else None
    return json({"items": items, "next_cursor": next_cursor})


@router.get("/reports/backdated", response_model=BackdatedPage)
def backdated(request: Request, actor: Actor = Depends(deps.actor), fund_id: str | None = params.FUND_ID_FILTER,
              start: str | None = FROM, to: str | None = TO, limit: int = params.LIMIT,
              cursor: str | None = params.POSITION_CURSOR):
    """Every entry recorded with a business date more than LEDGER_BACKDATE_DAYS before the day
    it was recorded, with its evidence (reason, document number), actor and fields, in log
    order: those of `fund_id`, else of the caller's regions (and the watch list's, for its
    readers), with the business date from `from` to `to` (API.md, "Insiders and time")."""
    actor.require_role(*READ_REPORTS)
    items, after = deps.runtime(request).reads.backdated(actor, fund_id=fund_id, start=start, end=to,
                                                         after=deps.decode_position_cursor(cursor),
                                                         limit=deps.page_limit(limit))
    return json({"items": items, "next_cursor": deps.encode_cursor(after) if after is not None else None})


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
        raise deps.unknown_cursor() from None
