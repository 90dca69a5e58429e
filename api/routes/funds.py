from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import READ_FUNDS, Actor
from ledger.domain.fund import balance_view, parse_fund_code
from ledger.errors import NotFound, ValidationFailed
from ledger.regions import validate_region

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import AllocationIn, AllocationOut, FundIn, FundOut, FundPage, FundType, TransferIn, TransferOut

router = APIRouter(prefix="/v1", tags=["funds"], responses=PROBLEMS, route_class=StrictJSONRoute)


def fund_document(row: dict) -> dict:
    return {
        "fund_id": row["fund_id"], "fund_type": row["fund_type"], "region": row["region"], "name": row["name"],
        "balance": balance_view(row["allocated_fen"], row["reserved_fen"], row["disbursed_fen"], row["recovered_fen"]),
        "position": row["position"], "version": row["version"],
    }


def _path_fund(fund_id: str) -> tuple[str, str]:
    """A fund id in the path that cannot name a fund names no fund: 404, as for claims."""
    try:
        return parse_fund_code(fund_id)
    except ValidationFailed:
        raise NotFound(f"fund {fund_id} not found") from None


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
    """Funds with balances; with `as_of` or `as_of_position` (see api/asof.py) the funds
    that existed then, as they stood then."""
    actor.require_role(*READ_FUNDS)
    limit = deps.page_limit(limit)
    if region is not None:
        validate_region(region)
    after = deps.decode_cursor(cursor)
    rt = deps.runtime(request)
    position = asof.resolve(rt, as_of, as_of_position)
    if position is None:
        rows = rt.reader.funds(fund_type=fund_type, region=region, scopes=actor.regions, after=after,
                               limit=limit + 1)
    else:
        rows = rt.reader.funds_at(position, fund_type=fund_type, region=region, scopes=actor.regions, after=after,
                                  limit=limit + 1)
    items = [fund_document(r) for r in rows[:limit]]
    next_cursor = deps.encode_cursor(rows[limit - 1]["fund_id"]) if len(rows) > limit else None
    return json({"items": items, "next_cursor": next_cursor})


@router.get("/funds/{fund_id}", response_model=FundOut)
def get_fund(fund_id: params.FundId, request: Request, actor: Actor = Depends(deps.actor),
             as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION):
    """The fund; with `as_of` or `as_of_position` (see api/asof.py) as it stood then, from
    the fund's history rows: `position` is that of its last event at or before that point
    and `version` its version then; a fund not yet opened then is 404."""
    actor.require_role(*READ_FUNDS)
    _, region = _path_fund(fund_id)
    actor.require_region(region)
    rt = deps.runtime(request)
    position = asof.resolve(rt, as_of, as_of_position)
    row = rt.reader.fund(fund_id) if position is None else rt.reader.fund_at(fund_id, position)
    if row is None:
        raise NotFound(f"fund {fund_id} not found" if position is None
                       else f"fund {fund_id} not found as of position {position}")
    return json(fund_document(row))
