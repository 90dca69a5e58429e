from __future__ import annotations

from fastapi import APIRouter, Depends

from ledger.access import Actor
from ledger.regions import divisions

from .. import deps
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json
from ..schemas import DivisionList

router = APIRouter(prefix="/v1", tags=["regions"], responses=PROBLEMS, route_class=StrictJSONRoute)


@router.get("/regions", response_model=DivisionList)
def list_regions(actor: Actor = Depends(deps.actor)):
    """The administrative divisions the ledger serves (GB/T 2260), with their Chinese names:
    the only codes a fund, a claim or a user's scope may name."""
    items = [{"code": code, "name_zh": row["name_zh"], "level": row["level"],
              "parent": None if code == "000000" else (code[:2] + "0000" if row["level"] == "city"
                                                         else code[:4] + "00" if row["level"] == "county"
                                                         else "000000")}
             for code, row in divisions().items()]
    return json({"items": items})
