"""The holiday calendar 公示 counts working days in (DOMAIN.md, "公示 in working days";
API.md, GET and PUT /holiday-calendar/{year}): the shipped years 2022–2026 as data, later
years proposed by one admin with the document's number and confirmed by another. The
calendar is the State Council's, the same for every region: any admin may propose or
confirm it, never the same one both."""
from __future__ import annotations

import datetime as dt
from uuid import uuid4

from ..access import Actor
from ..domain.calendar import HolidayCalendarYear
from ..domain.ids import holiday_calendar_aggregate_id
from ..errors import InvalidState, NotFound, ValidationFailed
from ..limits import FIRST_BUSINESS_DATE, LAST_BUSINESS_DATE
from ..policy.calendar import CalendarDay, WorkingCalendar, YearSchedule, schedule_days, shipped_schedule
from .core import Idem, LedgerCore, Outcome, command, require_text


def parse_year(value: object) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not (
            FIRST_BUSINESS_DATE.year <= value <= LAST_BUSINESS_DATE.year):
        raise ValidationFailed(f"year must be a year from {FIRST_BUSINESS_DATE.year} to {LAST_BUSINESS_DATE.year}",
                               field="year")
    return value


def loaded_schedule(year_stream: HolidayCalendarYear | None) -> YearSchedule | None:
    """The year as two admins put it in force, if they have."""
    if year_stream is None or year_stream.in_force is None:
        return None
    change = year_stream.changes[year_stream.in_force]
    days = tuple(CalendarDay(dt.date.fromisoformat(d["date"]), d["kind"], d["name_zh"]) for d in change["days"])
    return YearSchedule(year_stream.year, days, change["document_no"], change["document_no"], source="loaded")


class CalendarCommands(LedgerCore):
    def working_calendar(self, uow) -> WorkingCalendar:
        """In the writer: the shipped years, and the loaded ones as the transaction sees them."""
        def year_of(year: int) -> YearSchedule | None:
            return shipped_schedule(year) or loaded_schedule(
                uow.find(HolidayCalendarYear, holiday_calendar_aggregate_id(year)))
        return WorkingCalendar(year_of)

    def notice_ends_on(self, uow, start: dt.date, working_days: int) -> dt.date:
        """公示N个工作日: the N-th working day after `start` (DOMAIN.md, "公示 in working
        days"); a year the count needs and nobody loaded is 409 invalid_state."""
        return self.working_calendar(uow).working_days_after(start, working_days)

    @command
    def propose_holiday_calendar(self, actor: Actor, year: object, request: dict, *,
                                 idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        year = parse_year(year)
        days = [d.wire() for d in schedule_days(year, request.get("days"))]
        document_no = require_text(request.get("document_no"), field="document_no")
        if shipped_schedule(year) is not None:
            raise InvalidState(f"the holiday calendar of {year} ships with the ledger (ledger/policy/holidays.toml)")
        change_id = str(uuid4())
        stream_id = holiday_calendar_aggregate_id(year)

        def in_writer(uow):
            stream = uow.find(HolidayCalendarYear, stream_id)
            if stream is None:
                stream = uow.add(HolidayCalendarYear(id=stream_id, year=year))
            stream.check_propose()
            stream.propose(change_id=change_id, days=days, document_no=document_no, actor=actor.user_id)
            return Outcome(False, change_document(stream, change_id))

        return self._run(actor.user_id, idem, in_writer, (stream_id,))[0]

    @command
    def confirm_holiday_calendar(self, actor: Actor, year: object, change_id: str, *,
                                 idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        year = parse_year(year)

        def in_writer(uow):
            stream = self._year(uow, year)
            stream.check_confirm(change_id, actor.user_id)
            stream.confirm(change_id=change_id, actor=actor.user_id)
            return Outcome(False, change_document(stream, change_id))

        return self._run(actor.user_id, idem, in_writer, (holiday_calendar_aggregate_id(year),))[0]

    @command
    def reject_holiday_calendar(self, actor: Actor, year: object, change_id: str, request: dict, *,
                                idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        year = parse_year(year)
        reason = require_text(request.get("reason"), field="reason")

        def in_writer(uow):
            stream = self._year(uow, year)
            stream.check_reject(change_id)
            stream.reject(change_id=change_id, reason=reason, actor=actor.user_id)
            return Outcome(False, change_document(stream, change_id))

        return self._run(actor.user_id, idem, in_writer, (holiday_calendar_aggregate_id(year),))[0]

    @staticmethod
    def _year(uow, year: int) -> HolidayCalendarYear:
        stream = uow.find(HolidayCalendarYear, holiday_calendar_aggregate_id(year))
        if stream is None:
            raise NotFound(f"no holiday calendar was proposed for {year}")
        return stream

    # Reads -------------------------------------------------------------------------------
    def holiday_calendar(self, year: object) -> dict:
        """The year's schedule in force (shipped or loaded), with the changes proposed for it."""
        year = parse_year(year)
        try:
            stream = self.load(HolidayCalendarYear, holiday_calendar_aggregate_id(year), f"holiday calendar {year}")
        except NotFound:
            stream = None
        schedule = shipped_schedule(year) or loaded_schedule(stream)
        changes = [change_document(stream, c) for c in stream.changes] if stream is not None else []
        if schedule is None and not changes:
            raise NotFound(f"the holiday calendar of {year} is not loaded")
        body = schedule.wire() if schedule is not None else {"year": year, "source": None, "document": None,
                                                            "document_no": None, "days": []}
        return {**body, "in_force": schedule is not None, "changes": changes}


def change_document(stream: HolidayCalendarYear, change_id: str) -> dict:
    return {"year": stream.year, **stream.changes[change_id]}
