from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ledger.access import READ_FUNDS, Actor
from projections.reads.funds import fund_region

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome, ready
from ..writes import write
from ..schemas import (AllocationIn, AllocationOut, FundIn, FundMovementPage, FundOut, FundPage, FundType, TransferIn,
                       TransferOut)

router = APIRouter(prefix="/v1", tags=["funds"], responses=PROBLEMS, route_class=StrictJSONRoute)


def _path_fund(fund_id: str) -> None:
    """A fund id in the path that cannot name a fund names no fund: 404, as for claims."""
    fund_region(fund_id)


@router.post("/funds", status_code=201, response_model=FundOut)
async def open_fund(body: FundIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.open_fund, actor, payload, idem=deps.idem(request, payload)))


@router.post("/funds/{fund_id}/allocations", status_code=201, response_model=AllocationOut)
async def allocate(fund_id: params.FundId, body: AllocationIn, request: Request, actor: Actor = Depends(deps.actor)):
    _path_fund(fund_id)
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.allocate, actor, fund_id, payload,
                               idem=deps.idem(request, payload), if_match=deps.if_match(request)))


@router.post("/fund-transfers", status_code=201, response_model=TransferOut)
async def transfer(body: TransferIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.transfer, actor, payload, idem=deps.idem(request, payload)))


@router.get("/funds", response_model=FundPage)
def list_funds(request: Request, actor: Actor = Depends(deps.actor), fund_type: FundType | None = None,
               region: str | None = params.REGION, limit: int = params.LIMIT, cursor: str | None = params.CURSOR,
               as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION):
    """Funds with balances; with `as_of` or `as_of_position` the funds that existed then, as
    they stood then."""
    actor.require_role(*READ_FUNDS)
    limit = deps.page_limit(limit)
    items, after = deps.runtime(request).reads.funds(actor, fund_type=fund_type, region=region,
                                                      after=deps.decode_cursor(cursor), limit=limit, as_of=as_of,
                                                      as_of_position=as_of_position)
    return json({"items": items, "next_cursor": deps.encode_cursor(after) if after is not None else None})


@router.get("/funds/{fund_id}", response_model=FundOut)
async def get_fund(fund_id: params.FundId, request: Request, actor: Actor = Depends(deps.actor),
                   as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION):
    """The fund; with `as_of` or `as_of_position` as it stood then, from the fund's history
    rows: `position` is that of its last event at or before that point and `version` its
    version then; a fund not yet opened then is 404."""
    reads = deps.runtime(request).reads
    if as_of is None and as_of_position is None:
        return ready(await reads.fund(actor, fund_id))
    return json(await run_in_threadpool(reads.fund_at, actor, fund_id, as_of, as_of_position))


@router.get("/funds/{fund_id}/movements", response_model=FundMovementPage)
def fund_movements(fund_id: params.FundId, request: Request, actor: Actor = Depends(deps.actor),
                   start: str | None = params.date("First business date, YYYY-MM-DD (included).", alias="from"),
                   end: str | None = params.date("Last business date, YYYY-MM-DD (included).", alias="to"),
                   limit: int = params.LIMIT, cursor: str | None = params.POSITION_CURSOR):
    """The fund's movements in log order, each on its business date: allocations and transfers
    with their document numbers, reservations and releases, payments, returns and recoveries
    with their claim and references (what the fund-usage report sums)."""
    limit = deps.page_limit(limit)
    items, after = deps.runtime(request).reads.movements(actor, fund_id, start=start, end=end,
                                                          after=deps.decode_position_cursor(cursor), limit=limit)
    return json({"items": items, "next_cursor": deps.encode_cursor(after) if after is not None else None})
