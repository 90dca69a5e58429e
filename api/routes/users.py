from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import Actor

from ..bodies import StrictJSONRoute
from .. import deps
from ..responses import PROBLEMS, json, outcome
from ..schemas import UserIn, UserOut

router = APIRouter(prefix="/v1", tags=["users"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.post("/users", status_code=201, response_model=UserOut)
def create_user(body: UserIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(deps.runtime(request).ledger.create_user(actor, payload, idem=deps.idem(request, payload)))


@router.get("/users/me", response_model=UserOut)
def me(request: Request, actor: Actor = Depends(deps.actor)):
    return json(deps.runtime(request).ledger.user_view(actor))
