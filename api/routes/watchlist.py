"""The watch list (失信名单, notice clause 六.25): admins list and lift; admins and auditors
read, with party ids masked (ledger/service/watchlist.py)."""
from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Query, Request

from ledger.access import Actor
from ledger.limits import check_date
from ledger.service.watchlist import READ_WATCHLIST, party_ref

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..schemas import (PARTY_ID_PATTERN, WatchListCreated, WatchListEntryOut, WatchListIn, WatchListLiftIn,
                       WatchListPage)

router = APIRouter(prefix="/v1", tags=["watch list"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/watchlist", status_code=201, response_model=WatchListCreated)
def list_party(body: WatchListIn, request: Request, actor: Actor = Depends(deps.actor)):
    """List a party: its claims with an application date in [listed_from, listed_until) are
    `422 not_eligible`, its payments with such a `paid_on` `409 invalid_state` (held)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(deps.runtime(request).ledger.list_party(actor, payload, idem=deps.idem(request, payload)))


@router.post("/watchlist/{entry_id}/lift", response_model=WatchListEntryOut)
def lift_listing(entry_id: params.ItemId, body: WatchListLiftIn, request: Request,
                 actor: Actor = Depends(deps.actor)):
    """End a listing from `lifted_on` (the first day the party is no longer listed)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(deps.runtime(request).ledger.lift_listing(actor, entry_id, payload,
                                                             idem=deps.idem(request, payload)))


@router.get("/watchlist", response_model=WatchListPage)
def watch_list(request: Request, actor: Actor = Depends(deps.actor),
               party_id: str | None = Query(None, pattern=PARTY_ID_PATTERN,
                                            description="An identity number or a credit code"),
               active_on: str | None = params.date("Entries listing their party on this day, YYYY-MM-DD"),
               limit: int = params.LIMIT, cursor: str | None = params.CURSOR):
    """Watch-list entries, oldest first, party ids masked."""
    actor.require_role(*READ_WATCHLIST)
    limit = deps.page_limit(limit)
    rt = deps.runtime(request)
    ref = party_ref(rt.ledger.pii, party_id) if party_id is not None else None
    on = check_date(active_on, field="active_on").isoformat() if active_on is not None else None
    after = deps.decode_position_cursor(cursor)
    rt.wait_consistent()
    rows = rt.reader.watch_list(party_ref=ref, active_on=on, after_position=after, limit=limit + 1)
    items = [orjson.loads(r["doc"]) for r in rows[:limit]]
    next_cursor = deps.encode_cursor(rows[limit - 1]["first_position"]) if len(rows) > limit else None
    return json({"items": items, "next_cursor": next_cursor})
