from __future__ import annotations

import datetime as dt

import orjson
from fastapi import APIRouter, Depends, Query, Request

from ledger.access import READ_CLAIMS, Actor
from ledger.errors import NotFound, ValidationFailed
from ledger.identifiers import normalize_credit_code, normalize_identity_number
from ledger.limits import check_date_range
from ledger.regions import validate_region
from ledger.views import claim_view

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import (PARTY_ID_PATTERN, ApproveIn, ClaimEvents, ClaimIn, ClaimOut, ClaimPage, ClaimStatus, ClawbackIn,
                       FactsIn, PaymentIn, ProgramCode, ReasonIn, RecoveryIn, ReturnIn)

router = APIRouter(prefix="/v1", tags=["claims"], responses=PROBLEMS, route_class=StrictJSONRoute)


def _payload(body) -> dict:
    return body.model_dump(mode="json", exclude_unset=True)


@router.post("/claims", status_code=201, response_model=ClaimOut)
async def submit(body: ClaimIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = _payload(body)
    return outcome(await write(deps.runtime(request).ledger.submit_claim, actor, payload,
                               idem=deps.idem(request, payload)))


async def _command(name: str, request: Request, actor: Actor, claim_id: params.ClaimId, payload: dict, *args):
    ledger = deps.runtime(request).ledger
    return outcome(await write(getattr(ledger, name), actor, claim_id, *args, payload, if_match=deps.if_match(request),
                               idem=deps.idem(request, payload)))


@router.post("/claims/{claim_id}/approve", response_model=ClaimOut)
async def approve(claim_id: params.ClaimId, body: ApproveIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("approve", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/reject", response_model=ClaimOut)
async def reject(claim_id: params.ClaimId, body: ReasonIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("reject", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/withdraw", response_model=ClaimOut)
async def withdraw(claim_id: params.ClaimId, body: ReasonIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("withdraw", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/facts", response_model=ClaimOut)
async def record_facts(claim_id: params.ClaimId, body: FactsIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("record_facts", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/payments", status_code=201, response_model=ClaimOut)
async def pay(claim_id: params.ClaimId, body: PaymentIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("pay", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/payments/{payment_ref}/return", response_model=ClaimOut)
async def return_payment(claim_id: params.ClaimId, payment_ref: str, body: ReturnIn, request: Request,
                   actor: Actor = Depends(deps.actor)):
    payload = _payload(body)
    ledger = deps.runtime(request).ledger
    return outcome(await write(ledger.return_payment, actor, claim_id, payment_ref, payload,
                               if_match=deps.if_match(request), idem=deps.idem(request, payload)))


@router.post("/claims/{claim_id}/close", response_model=ClaimOut)
async def close(claim_id: params.ClaimId, body: ReasonIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("close", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/clawbacks", status_code=201, response_model=ClaimOut)
async def clawback(claim_id: params.ClaimId, body: ClawbackIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("demand_clawback", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/clawbacks/{clawback_id}/confirm", response_model=ClaimOut)
async def confirm_clawback(claim_id: params.ClaimId, clawback_id: params.ItemId, request: Request, actor: Actor = Depends(deps.actor)):
    ledger = deps.runtime(request).ledger
    return outcome(await write(ledger.confirm_clawback, actor, claim_id, clawback_id, if_match=deps.if_match(request),
                               idem=deps.idem(request, {})))


@router.post("/claims/{claim_id}/recoveries", status_code=201, response_model=ClaimOut)
async def recover(claim_id: params.ClaimId, body: RecoveryIn, request: Request, actor: Actor = Depends(deps.actor)):
    return await _command("recover", request, actor, claim_id, _payload(body))


@router.get("/claims/{claim_id}", response_model=ClaimOut)
def get_claim(claim_id: params.ClaimId, request: Request, actor: Actor = Depends(deps.actor),
              as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION):
    """The claim; with `as_of` or `as_of_position` (see api/asof.py) as it stood then: its
    version at that point comes from the indexed claim events and the claim is loaded at
    that version (its own few events, never the log); a claim not yet submitted then is 404."""
    rt = deps.runtime(request)
    asof.check(as_of, as_of_position)
    claim = rt.ledger.claim(actor, claim_id)
    if as_of is None and as_of_position is None:
        return json(claim_view(claim))
    position = asof.resolve(rt, as_of, as_of_position)
    version = rt.reader.claim_version_at(str(claim.id), position)
    if version is None:
        raise NotFound(f"claim {claim_id} not found as of position {position}")
    if version != claim.version:
        claim = rt.app.repository.get(claim.id, version=version)
    return json(claim_view(claim))


@router.get("/claims/{claim_id}/events", response_model=ClaimEvents)
def claim_events(claim_id: params.ClaimId, request: Request, actor: Actor = Depends(deps.actor)):
    rt = deps.runtime(request)
    claim = rt.ledger.claim(actor, claim_id)
    rt.wait_consistent()
    rows = rt.reader.claim_events(str(claim.id))
    items = [{"position": r["position"], "version": r["version"], "type": r["type"], "recorded_at": r["recorded_at"],
              "actor": r["actor"], "data": orjson.loads(r["data"])} for r in rows]
    return json({"items": items, "next_cursor": None})


def _time_bound(value: str | None, field: str, end: bool) -> str | None:
    """A date or an RFC 3339 time, as the UTC text the read model orders by."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min,
                                         tzinfo=dt.timezone(dt.timedelta(hours=8)))
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError
    except ValueError:
        raise ValidationFailed(f"{field} must be a date or an RFC 3339 time with a zone", field=field) from None
    check_date_range(moment.date(), field=field)  # far dates would overflow on the way to UTC
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


@router.get("/claims", response_model=ClaimPage)
def list_claims(request: Request, actor: Actor = Depends(deps.actor), status: ClaimStatus | None = None,
                program: ProgramCode | None = None, region: str | None = params.REGION,
                applicant_id: str | None = Query(None, pattern=PARTY_ID_PATTERN,
                                                 description="An identity number or a credit code"),
                fund_id: str | None = params.FUND_ID_FILTER,
                submitted_from: str | None = params.moment_or_date("Submitted at or after (a date: from its start)"),
                submitted_to: str | None = params.moment_or_date("Submitted at or before (a date: to its end)"),
                limit: int = params.LIMIT, cursor: str | None = params.CURSOR):
    actor.require_role(*READ_CLAIMS)
    limit = deps.page_limit(limit)
    rt = deps.runtime(request)
    filters = {"status": status, "program": program, "fund_id": fund_id,
               "region": validate_region(region) if region is not None else None,
               "submitted_from": _time_bound(submitted_from, "submitted_from", end=False),
               "submitted_to": _time_bound(submitted_to, "submitted_to", end=True)}
    if applicant_id is not None:
        filters["applicant_ref"] = rt.ledger.pii.ref(_party_id(applicant_id))
    after = deps.decode_cursor(cursor)
    try:
        after_position = int(after) if after is not None else None
        if after_position is not None and not 0 <= after_position < 2**62:
            raise ValueError
    except ValueError:
        raise ValidationFailed("cursor is not one this service issued", field="cursor") from None
    rt.wait_consistent()
    rows = rt.reader.claims(filters=filters, scopes=actor.regions, after_position=after_position, limit=limit + 1)
    items = [orjson.loads(r["doc"]) for r in rows[:limit]]
    next_cursor = deps.encode_cursor(rows[limit - 1]["first_position"]) if len(rows) > limit else None
    return json({"items": items, "next_cursor": next_cursor})


def _party_id(value: str) -> str:
    """Applicants are filtered by their id, whichever kind: a person's or a credit code."""
    try:
        return normalize_identity_number(value, field="applicant_id")
    except ValidationFailed:
        return normalize_credit_code(value, field="applicant_id")
