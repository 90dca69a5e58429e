from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import (ReactivateIn, ReasonIn, Role, RolesIn, TokenIn, TokenIssued, UserChangeInForce, UserChangeOut,
                       UserChangePage, UserCreated, UserDocument, UserIn, UserOut, UserPage)

router = APIRouter(prefix="/v1", tags=["users"], responses=PROBLEMS, route_class=StrictJSONRoute)
PROPOSED = {202: {"model": UserChangeOut, "description": "Proposed: in force once another admin confirms it"}}


def proposed_or_done(result):
    """`202` for a proposal awaiting its second admin; the bootstrap admin's change, in force
    at once, as the command answers (`201` or `200`)."""
    if result.body.get("status") == "proposed":
        return json(result.body, status=202)
    return outcome(result)


@router.post("/users", status_code=201, response_model=UserCreated, responses=PROPOSED)
async def create_user(body: UserIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Proposes a new user with one token, registered by its SHA-256 (`ledger token new`);
    the bootstrap admin's is made at once."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return proposed_or_done(await write(deps.runtime(request).ledger.create_user, actor, payload,
                                        idem=deps.idem(request, payload)))


@router.get("/users/changes", response_model=UserChangePage)
def user_changes(request: Request, actor: Actor = Depends(deps.actor),
                 status: Literal["proposed", "in_force", "rejected"] | None = Query(None),
                 limit: int = params.LIMIT, cursor: str | None = params.POSITION_CURSOR):
    """Changes of who may act whose regions lie within the caller's, in the order proposed."""
    items, after = deps.runtime(request).ledger.user_changes(actor, status, deps.decode_position_cursor(cursor),
                                                              deps.page_limit(limit))
    return json({"items": items, "next_cursor": deps.encode_cursor(after) if after is not None else None})


@router.post("/users/changes/{change_id}/confirm", response_model=UserChangeInForce)
async def confirm_user_change(change_id: params.ItemId, request: Request, actor: Actor = Depends(deps.actor)):
    """Puts a proposed change in force: an admin other than its proposer and the user it
    changes, whose regions cover it."""
    return outcome(await write(deps.runtime(request).ledger.confirm_user_change, actor, change_id,
                               idem=deps.idem(request, {})))


@router.post("/users/changes/{change_id}/reject", response_model=UserChangeOut)
async def reject_user_change(change_id: params.ItemId, body: ReasonIn, request: Request,
                             actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.reject_user_change, actor, change_id, payload,
                               idem=deps.idem(request, payload)))


@router.get("/users/me", response_model=UserOut)
def me(request: Request, actor: Actor = Depends(deps.actor)):
    return json(deps.runtime(request).ledger.me(actor))


@router.get("/users", response_model=UserPage)
def list_users(request: Request, actor: Actor = Depends(deps.actor), role: Role | None = None,
               region: str | None = params.REGION, active: bool | None = None, limit: int = params.LIMIT,
               cursor: str | None = params.POSITION_CURSOR):
    """Users whose regions all lie within the caller's (admin), oldest first; `region`: users
    with a region at or below it."""
    actor.require_role("admin")
    limit = deps.page_limit(limit)
    items, after = deps.runtime(request).reads.users(actor, role=role, region=region, active=active,
                                                      after_position=deps.decode_position_cursor(cursor), limit=limit)
    return json({"items": items, "next_cursor": deps.encode_cursor(after) if after is not None else None})


@router.get("/users/{user_id}", response_model=UserDocument)
def get_user(user_id: str, request: Request, actor: Actor = Depends(deps.actor)):
    return json(deps.runtime(request).ledger.user_document(actor, user_id))


@router.post("/users/{user_id}/roles", response_model=UserChangeInForce, responses=PROPOSED)
async def change_roles(user_id: str, body: RolesIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Proposes new roles and regions for the user (they replace its current ones)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return proposed_or_done(await write(deps.runtime(request).ledger.change_roles, actor, user_id, payload,
                                        idem=deps.idem(request, payload)))


@router.post("/users/{user_id}/reactivate", response_model=UserChangeInForce, responses=PROPOSED)
async def reactivate(user_id: str, body: ReactivateIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Proposes making a deactivated user active again; its old tokens stay revoked."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return proposed_or_done(await write(deps.runtime(request).ledger.reactivate_user, actor, user_id, payload,
                                        idem=deps.idem(request, payload)))


@router.post("/users/{user_id}/tokens", status_code=201, response_model=TokenIssued, responses=PROPOSED)
async def issue_token(user_id: str, body: TokenIn, request: Request, actor: Actor = Depends(deps.actor)):
    """A new token for oneself, returned to its owner only (any role); for another user, a
    proposal carrying the SHA-256 the person made (admin within its regions)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return proposed_or_done(await write(deps.runtime(request).ledger.issue_token, actor, user_id, payload,
                                        idem=deps.idem(request, payload)))


@router.delete("/users/{user_id}/tokens/{token_id}", status_code=204, response_class=Response)
async def revoke_token(user_id: str, token_id: str, request: Request, actor: Actor = Depends(deps.actor)):
    await write(deps.runtime(request).ledger.revoke_token, actor, user_id, token_id)
    return Response(status_code=204)


@router.post("/users/{user_id}/deactivate", response_model=UserDocument)
async def deactivate(user_id: str, body: ReasonIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.deactivate_user, actor, user_id, payload,
                               idem=deps.idem(request, payload)))
