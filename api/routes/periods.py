from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, outcome
from ..schemas import PeriodCloseIn, PeriodCloseOut

router = APIRouter(prefix="/v1", tags=["periods"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/periods/{fund_id}/{month}/close", status_code=201, response_model=PeriodCloseOut)
def close(fund_id: params.FundId, month: str, body: PeriodCloseIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Close a fund's month: entries dated in it are refused from then on (`409 period_closed`).
    The month must tie out and have no unmatched reconciliation items, or the close needs an
    `override_reason`, which is recorded with the evidence."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    rt = deps.runtime(request)
    evidence = rt.reads.period_evidence(actor, fund_id, month)
    return outcome(rt.ledger.close_period(actor, fund_id, month, payload, evidence, idem=deps.idem(request, payload)))
