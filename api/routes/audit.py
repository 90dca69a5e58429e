from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from ledger.access import Actor
from ledger.errors import NotFound
from ledger.service.audit import READ_AUDIT
from ledger.views import json_default

from ..bodies import StrictJSONRoute
from .. import deps
from ..responses import PROBLEMS, json
from ..schemas import AuditEventPage, ChainVerification, SealOut

router = APIRouter(prefix="/v1", tags=["audit"], responses=PROBLEMS, route_class=StrictJSONRoute)
NDJSON = "application/x-ndjson"
MAX_POSITION = 2**62  # positions are 64-bit integers in both stores


@router.get("/audit/events", response_model=AuditEventPage,
            responses={200: {"content": {NDJSON: {"schema": {"type": "string"}}}}})
def audit_events(request: Request, actor: Actor = Depends(deps.actor), after_position: int = Query(0, ge=0, le=MAX_POSITION),
                 limit: int = Query(100)):
    """Every event in log order with its chain hashes; `Accept: application/x-ndjson` streams
    one event per line from `after_position` to the head (no page limit)."""
    actor.require_role(*READ_AUDIT)
    ledger = deps.runtime(request).ledger
    if NDJSON in request.headers.get("accept", ""):
        lines = (orjson.dumps(e, default=json_default) + b"\n" for e in ledger.audit_events(actor, after_position))
        return StreamingResponse(lines, media_type=NDJSON)
    limit = deps.page_limit(limit)
    items = list(ledger.audit_events(actor, after_position, limit + 1))
    next_cursor = str(items[limit - 1]["position"]) if len(items) > limit else None
    return json({"items": items[:limit], "next_cursor": next_cursor}, default=json_default)


@router.get("/audit/verify", response_model=ChainVerification)
def audit_verify(request: Request, actor: Actor = Depends(deps.actor)):
    """The hash chain checked from the first event to the head, with every recorded seal."""
    actor.require_role(*READ_AUDIT)
    return json(deps.runtime(request).ledger.verify_chain())


@router.get("/audit/seals/latest", response_model=SealOut)
def latest_seal(request: Request, actor: Actor = Depends(deps.actor)):
    """The newest seal, with the public key that checks it (hex of the raw Ed25519 key)."""
    actor.require_role(*READ_AUDIT)
    seal = deps.runtime(request).ledger.latest_seal()
    if seal is None:
        raise NotFound("no seal has been recorded yet")
    return json(seal)


@router.post("/audit/seals", response_model=SealOut, status_code=201)
def seal_now(request: Request, actor: Actor = Depends(deps.actor)):
    """Seal the chain's head now (as `ledger seal` does)."""
    actor.require_role("admin", "auditor")
    return json(deps.runtime(request).ledger.seal(actor.user_id).as_dict(), status=201)
