from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import ReasonIn, Role, TokenIn, TokenIssued, UserCreated, UserDocument, UserIn, UserOut, UserPage

router = APIRouter(prefix="/v1", tags=["users"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/users", status_code=201, response_model=UserCreated)
async def create_user(body: UserIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.create_user, actor, payload, idem=deps.idem(request, payload)))


@router.get("/users/me", response_model=UserOut)
def me(request: Request, actor: Actor = Depends(deps.actor)):
    return json(deps.runtime(request).ledger.me(actor))


@router.get("/users", response_model=UserPage)
def list_users(request: Request, actor: Actor = Depends(deps.actor), role: Role | None = None,
               region: str | None = params.REGION, active: bool | None = None, limit: int = params.LIMIT,
               cursor: str | None = params.CURSOR):
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


@router.post("/users/{user_id}/tokens", status_code=201, response_model=TokenIssued)
async def issue_token(user_id: str, body: TokenIn, request: Request, actor: Actor = Depends(deps.actor)):
    """A new token for the user (one's own: any role; another's: admin within its regions)."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.issue_token, actor, user_id, payload,
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
