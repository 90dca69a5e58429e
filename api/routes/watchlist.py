"""The watch list (失信名单, notice clause 六.25): admins list and lift; admins and auditors
read, with party ids masked (ledger/service/watchlist.py)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import (WatchListCreated, WatchListEntryOut, WatchListIn, WatchListLiftIn,
                       WatchListPage)

router = APIRouter(prefix="/v1", tags=["watch list"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/watchlist", status_code=201, response_model=WatchListCreated)
async def list_party(body: WatchListIn, request: Request, actor: Actor = Depends(deps.actor)):
    """List a party: its claims with an application date in [listed_from, listed_until) are
    `422 not_eligible`, its payments with such a `paid_on` `409 invalid_state` (held)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.list_party, actor, payload,
                               idem=deps.idem(request, payload)))


@router.post("/watchlist/{entry_id}/lift", response_model=WatchListEntryOut)
async def lift_listing(entry_id: params.ItemId, body: WatchListLiftIn, request: Request,
                 actor: Actor = Depends(deps.actor)):
    """End a listing from `lifted_on` (the first day the party is no longer listed)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.lift_listing, actor, entry_id, payload,
                               idem=deps.idem(request, payload)))


@router.get("/watchlist", response_model=WatchListPage)
def watch_list(request: Request, actor: Actor = Depends(deps.actor),
               party_id: str | None = params.party_id_filter("An identity number or a credit code"),
               active_on: str | None = params.date("Entries listing their party on this day, YYYY-MM-DD"),
               limit: int = params.LIMIT, cursor: str | None = params.POSITION_CURSOR):
    """Watch-list entries, oldest first, party ids masked."""
    items, last = deps.runtime(request).reads.watch_list(
        actor, party_id=party_id, active_on=active_on, after_position=deps.decode_position_cursor(cursor),
        limit=deps.page_limit(limit))
    return json({"items": items, "next_cursor": deps.encode_cursor(last) if last is not None else None})
