"""Closing a fund's month and reopening it (API.md, "Period close in the writer"): the close
and its evidence are decided in the writer (ledger/service/periods.py); a reopen is
proposed by one treasurer and confirmed by another treasurer or an admin."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import (FUND_ID_PATTERN, PeriodCloseIn, PeriodCloseOut, PeriodReopenIn, PeriodReopenOut,
                       PeriodsOut)

router = APIRouter(prefix="/v1", tags=["periods"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/periods/{fund_id}/{month}/close", status_code=201, response_model=PeriodCloseOut)
async def close(fund_id: params.FundId, month: params.Month, body: PeriodCloseIn, request: Request,
                actor: Actor = Depends(deps.actor)):
    """Close a fund's month that has ended (before today's month; `422` otherwise): entries
    dated in it are refused from then on (`409 period_closed`). The evidence — whether the
    month ties out, and its items no bank line matched and bank lines that matched nothing —
    is decided in the same transaction as the close, from the fund's own events, so a payment
    racing the close is either counted or refused. Without that evidence the close needs an
    `override_reason`, which is recorded with it."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    ledger = deps.runtime(request).ledger
    # The fund's stored events are added up before the writer adds the latest: a worker thread reads them.
    return outcome(await write(ledger.close_period, actor, fund_id, month, payload,
                               idem=deps.idem(request, payload), reads_first=True))


@router.post("/periods/{fund_id}/{month}/reopen", status_code=202, response_model=PeriodReopenOut)
async def propose_reopen(fund_id: params.FundId, month: params.Month, body: PeriodReopenIn, request: Request,
                         actor: Actor = Depends(deps.actor)):
    """A treasurer asks to reopen a closed month, with the reason and the document that
    allows it; the month stays closed until another treasurer or an admin confirms."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    ledger = deps.runtime(request).ledger
    result = await write(ledger.propose_reopen, actor, fund_id, month, payload, idem=deps.idem(request, payload))
    return json(result.body, status=202)


@router.post("/periods/{fund_id}/{month}/reopen/{change_id}/confirm", response_model=PeriodReopenOut)
async def confirm_reopen(fund_id: params.FundId, month: params.Month, change_id: params.ItemId, request: Request,
                         actor: Actor = Depends(deps.actor)):
    """Another treasurer or an admin (not the proposer; `403`) confirms: the month is open again."""
    ledger = deps.runtime(request).ledger
    return outcome(await write(ledger.confirm_reopen, actor, fund_id, month, change_id,
                               idem=deps.idem(request, {})))


@router.get("/periods", response_model=PeriodsOut)
def periods(request: Request, actor: Actor = Depends(deps.actor),
            fund_id: str = Query(..., pattern=FUND_ID_PATTERN, description="The fund, e.g. employment_subsidy:210100")):
    """Each month of the fund that was ever closed: its state, who closed it and when, the
    evidence and override reason recorded with the close, who proposed and who confirmed a
    reopen (reason, document), and reopen requests still waiting for a second person."""
    return json(deps.runtime(request).reads.periods(actor, fund_id))
