from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import Actor
from runtime.periods import close_period

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, outcome
from ..writes import write
from ..schemas import PeriodCloseIn, PeriodCloseOut

router = APIRouter(prefix="/v1", tags=["periods"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/periods/{fund_id}/{month}/close", status_code=201, response_model=PeriodCloseOut)
async def close(fund_id: params.FundId, month: str, body: PeriodCloseIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Close a fund's month: entries dated in it are refused from then on (`409 period_closed`).
    The month must tie out and have no unmatched reconciliation items, or the close needs an
    `override_reason`, which is recorded with the evidence."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(close_period, deps.runtime(request), actor, fund_id, month, payload,
                               idem=deps.idem(request, payload), reads_first=True))
