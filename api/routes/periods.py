from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, outcome
from ..writes import write
from ..schemas import PeriodCloseIn, PeriodCloseOut

router = APIRouter(prefix="/v1", tags=["periods"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/periods/{fund_id}/{month}/close", status_code=201, response_model=PeriodCloseOut)
async def close(fund_id: params.FundId, month: params.Month, body: PeriodCloseIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Close a fund's month: entries dated in it are refused from then on (`409 period_closed`).
    The month must tie out and have no unmatched reconciliation items, or the close needs an
    `override_reason`, which is recorded with the evidence."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    rt = deps.runtime(request)
    idem = deps.idem(request, payload)

    def close_with_evidence():
        # The evidence is a read (it waits for the read models), so the whole runs on a worker thread.
        return rt.ledger.close_period(actor, fund_id, month, payload, rt.reads.period_evidence(actor, fund_id, month),
                                      idem=idem)

    return outcome(await write(close_with_evidence, reads_first=True))
