from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints

from ledger.access import Actor
from ledger.audit.anchors import parse_anchor
from ledger.errors import NotFound, ValidationFailed
from ledger.service.audit import READ_AUDIT
from ledger.views import json_bytes

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..pages import bounded_page
from ..responses import PROBLEMS, json
from ..schemas import AuditEventPage, ChainVerification, Problem, SealIn, SealOut

router = APIRouter(prefix="/v1", tags=["audit"], responses=PROBLEMS, route_class=StrictJSONRoute)
NDJSON = "application/x-ndjson"
MAX_POSITION = 2**62  # positions are 64-bit integers in both stores
EventTypeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,64}$")]
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


@router.get("/audit/events", response_model=AuditEventPage,
            responses={200: {"content": {NDJSON: {"schema": {"type": "string"}}}}})
def audit_events(request: Request, actor: Actor = Depends(deps.actor), after_position: int = Query(0, ge=0, le=MAX_POSITION),
                 limit: int = params.LIMIT,
                 type: list[EventTypeName] | None = Query(None, max_length=50, description="Only events of these types "
                                                "(repeat the parameter for several), e.g. PaymentRecorded"),
                 originator_id: str | None = Query(None, pattern=UUID_PATTERN, description="Only one aggregate's events"),
                 fund_id: str | None = params.FUND_ID_FILTER):
    """The events of funds and claims in the caller's regions (every event for a caller scoped
    to 000000), in log order with their chain hashes. A page holds at most `limit` events
    and stops before 4 MiB; `next_cursor` is the `after_position` of the next page.
    `Accept: application/x-ndjson` streams one event per line from `after_position` to the
    head (no page limit). Filters narrow both on the server: `type`, `originator_id`,
    `fund_id` (the fund's events and those naming it)."""
    actor.require_role(*READ_AUDIT)
    filters = {"types": frozenset(type) if type else None, "originator_id": originator_id, "fund_id": fund_id}
    ledger = deps.runtime(request).ledger
    if NDJSON in request.headers.get("accept", ""):
        lines = (json_bytes(e) + b"\n" for e in ledger.audit_events(actor, after_position, **filters))
        return StreamingResponse(lines, media_type=NDJSON)
    limit = deps.page_limit(limit)
    return bounded_page(ledger.audit_events(actor, after_position, limit + 1, **filters), limit,
                        lambda item: str(item["position"]))


@router.get("/audit/verify", response_model=ChainVerification)
def audit_verify(request: Request, actor: Actor = Depends(deps.actor),
                 expect_position: int | None = Query(None, ge=1, le=MAX_POSITION),
                 expect_hash: str | None = Query(None, pattern=r"^[0-9a-fA-F]{64}$",
                                                 description="The chain's hash at expect_position (64 hex digits)"),
                 full: bool = Query(False)):
    """The hash chain and its MACs checked on from the last position found good (from the
    first event with `full=true`, which also checks every snapshot), with the seals recorded
    since; with `expect_position` and `expect_hash` (a head kept off the ledger's machine) it
    also fails when the log is shorter than that or has another hash there. One check at a
    time: `429` while one runs."""
    actor.require_role(*READ_AUDIT)
    anchors = []
    if (expect_position is None) != (expect_hash is None):
        field = "expect_hash" if expect_hash is None else "expect_position"
        raise ValidationFailed("expect_position and expect_hash go together", field=field)
    if expect_position is not None:
        try:
            anchors.append(parse_anchor(expect_position, expect_hash))
        except ValueError as exc:
            raise ValidationFailed(f"expect_hash: {exc}", field="expect_hash") from None
    return json(deps.runtime(request).ledger.verify_chain(anchors=anchors, full=full, wait=False))


@router.get("/audit/seals/latest", response_model=SealOut)
def latest_seal(request: Request, actor: Actor = Depends(deps.actor)):
    """The newest seal, with the public key that checks it (hex of the raw Ed25519 key)."""
    actor.require_role(*READ_AUDIT)
    seal = deps.runtime(request).ledger.latest_seal()
    if seal is None:
        raise NotFound("no seal has been recorded yet")
    return json(seal)


@router.post("/audit/seals", response_model=SealOut, status_code=201,
             responses={429: {"model": Problem, "content": {"application/problem+json": {}},
                              "description": "Sealed less than a minute ago (see Retry-After)"}})
def seal_now(request: Request, body: SealIn | None = None, actor: Actor = Depends(deps.actor),
             force: bool = Query(False)):
    """Seal the chain's head now (as `ledger seal` does). At most one seal a minute (`429` with
    `Retry-After`), unless an admin forces one with `{"force": true}` or `?force=true`."""
    return json(deps.runtime(request).ledger.seal(actor, force=force or bool(body and body.force)).as_dict(),
                status=201)
