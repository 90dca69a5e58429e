from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ledger.access import READ_CLAIMS, Actor
from ledger.regions import divisions
from projections.reads import claims_export
from projections.reads import export as report_export

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome, ready
from ..writes import write
from .reports import EXPORTS, requested_format
from ..schemas import (ApproveIn, ClaimEvents, ClaimIn, ClaimOut, ClaimPage,
                       ClaimSort, ClaimStatus, ClawbackIn, FactsIn, ObjectionIn, ObjectionResolutionIn, PaymentIn, ProgramCode, ReasonIn, RecoveryIn,
                       ReturnIn)

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


@router.post("/claims/{claim_id}/objections", status_code=201, response_model=ClaimOut)
async def object_to_claim(claim_id: params.ClaimId, body: ObjectionIn, request: Request,
                          actor: Actor = Depends(deps.actor)):
    """An objection to a claim on public notice (公示), received during the notice: payment
    is held until a reviewer other than the approver resolves it."""
    return await _command("object_to_claim", request, actor, claim_id, _payload(body))


@router.post("/claims/{claim_id}/objections/{objection_id}/resolve", response_model=ClaimOut)
async def resolve_objection(claim_id: params.ClaimId, objection_id: params.ItemId, body: ObjectionResolutionIn,
                            request: Request, actor: Actor = Depends(deps.actor)):
    """`dismissed`: payment may go once the notice has ended; `upheld`: the claim is closed
    and its reservation released."""
    return await _command("resolve_objection", request, actor, claim_id, _payload(body), objection_id)


@router.get("/claims/{claim_id}", response_model=ClaimOut)
async def get_claim(claim_id: params.ClaimId, request: Request, actor: Actor = Depends(deps.actor),
                    as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION):
    """The claim; with `as_of` or `as_of_position` as it stood then (a claim not yet
    submitted then is 404). Live, the stored answer is sent as it is, from the event loop."""
    reads = deps.runtime(request).reads
    if as_of is None and as_of_position is None:
        return ready(await reads.claim(actor, claim_id))
    return json(await run_in_threadpool(reads.claim_at, actor, claim_id, as_of, as_of_position))


@router.get("/claims/{claim_id}/events", response_model=ClaimEvents)
def claim_events(claim_id: params.ClaimId, request: Request, actor: Actor = Depends(deps.actor)):
    return json(deps.runtime(request).reads.claim_events(actor, claim_id))


@router.get("/claims", response_model=ClaimPage, responses=EXPORTS)
def list_claims(request: Request, actor: Actor = Depends(deps.actor), status: ClaimStatus | None = None,
                program: ProgramCode | None = None, region: str | None = params.REGION,
                applicant_id: str | None = params.party_id_filter("An identity number or a credit code"),
                x_applicant_id: str | None = params.party_id_filter(
                    "The same filter as `applicant_id`, in a header: an identity number kept out of URLs and access "
                    "logs (given both, both apply)", header="X-Applicant-Id"),
                x_beneficiary_id: str | None = params.identity_number_filter(
                    "Claims for this beneficiary (an identity number, in a header: kept out of URLs and access logs)",
                    header="X-Beneficiary-Id"),
                fund_id: str | None = params.FUND_ID_FILTER,
                submitted_from: str | None = params.moment_or_date("Submitted at or after (a date: from its start)"),
                submitted_to: str | None = params.moment_or_date("Submitted at or before (a date: to its end)"),
                sort: ClaimSort = Query("submitted", description=(
                    "The order: `submitted` (oldest first), `updated` (by the last change) or `entitled` "
                    "(by the entitled amount), ascending; with `-` descending. Claims alike in it follow "
                    "the order they were submitted in, the same way. A cursor pages on in its own order only")),
                limit: int = params.LIMIT, cursor: str | None = params.CURSOR):
    """Claims in the caller's regions, in the order `sort` names (oldest first unless told), a
    page at a time; `Accept: text/csv` or the XLSX type exports the whole filtered list in
    that order (`limit` and `cursor` ignored) with names and a total row."""
    actor.require_role(*READ_CLAIMS)
    limit = deps.page_limit(limit)
    filters = dict(status=status, program=program, region=region, applicant_id=applicant_id, fund_id=fund_id,
                   submitted_from=submitted_from, submitted_to=submitted_to, beneficiary_id=x_beneficiary_id,
                   header_applicant_id=x_applicant_id)
    reads = deps.runtime(request).reads
    fmt = requested_format(request)
    if fmt != "json":
        # An export is the whole filtered list, every page of it, with names and a 合计 row.
        return _claims_export(request, reads, actor, filters, sort, fmt)
    items, after = reads.claims(actor, **filters, sort=sort, after=deps.decode_sort_cursor(cursor, sort), limit=limit)
    return json({"items": items, "next_cursor": deps.encode_sort_cursor(sort, *after) if after is not None else None})


def _claims_export(request: Request, reads, actor: Actor, filters: dict, sort: str, fmt: str) -> Response:
    items, after = [], None
    while True:
        page, after = reads.claims(actor, **filters, sort=sort, after=after, limit=params.MAX_PAGE)
        items += page
        if after is None:
            break
    ledger = deps.runtime(request).ledger
    programs = {code: p.name_zh for code, p in ledger.catalog.programs.items()}
    regions = {code: row["name_zh"] for code, row in divisions().items()}
    if fmt == "xlsx":
        content, media_type = claims_export.to_xlsx(items, programs, regions), report_export.XLSX_TYPE
    else:
        content, media_type = claims_export.to_csv(items, programs, regions), f"{report_export.CSV_TYPE}; charset=utf-8"
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="claims.{fmt}"'})
