"""The holiday calendar 公示 counts working days in (API.md ◆; ledger/service/calendar.py):
any role reads a year; an admin proposes a later year, another admin confirms it."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request

from ledger.access import Actor

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..schemas import HolidayCalendarChangeOut, HolidayCalendarIn, HolidayCalendarOut, ReasonIn
from ..writes import write

router = APIRouter(prefix="/v1", tags=["holiday calendar"], responses=PROBLEMS, route_class=StrictJSONRoute)
Year = Path(ge=2000, le=2099, description="The calendar year")


@router.get("/holiday-calendar/{year}", response_model=HolidayCalendarOut)
def holiday_calendar(request: Request, year: int = Year, actor: Actor = Depends(deps.actor)):
    """The year's holidays and adjusted working days in force (shipped for 2022–2026, else
    loaded by two admins), with the changes proposed for it; 404 for a year nobody loaded."""
    return json(deps.runtime(request).ledger.holiday_calendar(year))


@router.put("/holiday-calendar/{year}", status_code=202, response_model=HolidayCalendarChangeOut)
async def propose_holiday_calendar(body: HolidayCalendarIn, request: Request, year: int = Year,
                                   actor: Actor = Depends(deps.actor)):
    """Proposes the year's schedule; it counts only once another admin confirms it."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    result = await write(deps.runtime(request).ledger.propose_holiday_calendar, actor, year, payload,
                         idem=deps.idem(request, payload))
    return json(result.body, status=202)


@router.post("/holiday-calendar/{year}/changes/{change_id}/confirm", response_model=HolidayCalendarChangeOut)
async def confirm_holiday_calendar(change_id: params.ItemId, request: Request, year: int = Year,
                                   actor: Actor = Depends(deps.actor)):
    """Puts a proposed year in force: an admin other than its proposer."""
    return outcome(await write(deps.runtime(request).ledger.confirm_holiday_calendar, actor, year, change_id,
                               idem=deps.idem(request, {})))


@router.post("/holiday-calendar/{year}/changes/{change_id}/reject", response_model=HolidayCalendarChangeOut)
async def reject_holiday_calendar(change_id: params.ItemId, body: ReasonIn, request: Request, year: int = Year,
                                  actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    return outcome(await write(deps.runtime(request).ledger.reject_holiday_calendar, actor, year, change_id, payload,
                               idem=deps.idem(request, payload)))
