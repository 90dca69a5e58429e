"""Working days for 公示 (DOMAIN.md, "公示 in working days"): the State Council's holiday
schedule as data. A working day is Monday to Friday not listed as a holiday, or a listed
adjusted working day (调休上班). The years 2022–2026 ship in holidays.toml; later years are
loaded by two admins (ledger/service/calendar.py) and reach this module as YearSchedules.
A date in a year that is neither shipped nor loaded cannot be counted: whoever asks hears
so (InvalidState, 409), never a guess from the weekday alone."""
from __future__ import annotations

import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import CalendarNotLoaded, InvalidState, ValidationFailed
from ..limits import FIRST_BUSINESS_DATE, LAST_BUSINESS_DATE, check_date, check_text

KINDS = ("holiday", "workday")
# A schedule is issued for one year but may reach into its neighbours (元旦 2023 began on
# 2022-12-31): rows within a month either side are accepted.
REACH = dt.timedelta(days=31)
# The longest run of days without a working day in any schedule is about nine (春节 with
# its weekends); a count that finds none in this many days has a schedule that is wrong.
NO_WORKING_DAY_IN = 60


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    kind: str  # "holiday" | "workday" (an adjusted working day)
    name_zh: str

    def wire(self) -> dict:
        return {"date": self.date.isoformat(), "kind": self.kind, "name_zh": self.name_zh}


@dataclass(frozen=True)
class YearSchedule:
    year: int
    days: tuple[CalendarDay, ...]
    document: str  # the notice's title, or for a loaded year its document number
    document_no: str | None = None
    source: str = "shipped"  # "shipped" | "loaded" (two admins, ledger/service/calendar.py)

    def wire(self) -> dict:
        return {"year": self.year, "source": self.source, "document": self.document,
                "document_no": self.document_no,
                "days": [{**day.wire(), "document": self.document_no or self.document} for day in self.days]}


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def schedule_days(year: int, rows: object, *, field: str = "days") -> tuple[CalendarDay, ...]:
    """The rows of one year's schedule as an admin sends them ([{"date", "kind", "name_zh"}]),
    checked: real dates of the year (or within a month of it), each once, a kind of KINDS,
    and an adjusted working day on a weekend (a weekday is a working day already)."""
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed(f"{field} must list the year's holidays and adjusted working days", field=field)
    first, last = dt.date(year, 1, 1) - REACH, dt.date(year, 12, 31) + REACH
    days: dict[dt.date, CalendarDay] = {}
    for i, row in enumerate(rows):
        where = f"{field}[{i}]"
        if not isinstance(row, dict) or set(row) - {"date", "kind", "name_zh"}:
            raise ValidationFailed(f"{where} must be an object with date, kind and name_zh", field=where)
        day = check_date(row.get("date"), field=f"{where}.date", first=FIRST_BUSINESS_DATE, last=LAST_BUSINESS_DATE)
        if not first <= day <= last:
            raise ValidationFailed(f"{where}.date {day} is not in {year} (nor within a month of it)",
                                   field=f"{where}.date")
        kind = row.get("kind")
        if kind not in KINDS:
            raise ValidationFailed(f"{where}.kind must be holiday or workday", field=f"{where}.kind")
        if kind == "workday" and not _is_weekend(day):
            raise ValidationFailed(f"{where}: {day} is a weekday, a working day already; an adjusted working day "
                                   "(调休上班) is a Saturday or Sunday", field=f"{where}.date")
        if day in days:
            raise ValidationFailed(f"{where}: {day} is listed twice", field=f"{where}.date")
        days[day] = CalendarDay(day, kind, check_text(row.get("name_zh"), field=f"{where}.name_zh"))
    return tuple(sorted(days.values(), key=lambda d: d.date))


class WorkingCalendar:
    """Counts working days over the schedules `year_of` gives (None: a year not loaded)."""

    def __init__(self, year_of: Callable[[int], YearSchedule | None]):
        self._year_of = year_of
        self._rows: dict[dt.date, CalendarDay] = {}
        self._years: dict[int, YearSchedule | None] = {}

    def _schedule(self, year: int) -> YearSchedule | None:
        if year not in self._years:
            schedule = self._years[year] = self._year_of(year)
            if schedule is not None:
                self._rows.update({day.date: day for day in schedule.days})
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        if self._schedule(day.year) is None:
            raise CalendarNotLoaded(f"the holiday calendar of {day.year} is not loaded, so working days in it cannot be "
                               f"counted: an admin loads it (PUT /v1/holiday-calendar/{day.year}) and a second admin "
                               "confirms it")
        self._schedule(day.year + 1)  # a row of next year's schedule may fall in this one
        row = self._rows.get(day)
        if row is not None:
            return row.kind == "workday"
        return not _is_weekend(day)

    def working_days_after(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (day 1 is the first working day after
        it); `start` itself for a count of 0."""
        day, found, idle = start, 0, 0
        while found < count:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                found, idle = found + 1, 0
            else:
                idle += 1
                if idle > NO_WORKING_DAY_IN:
                    raise InvalidState(f"no working day in the {NO_WORKING_DAY_IN} days before {day}: the holiday "
                                       "calendar is wrong")
        return day


def shipped_schedule(year: int) -> YearSchedule | None:
    return shipped_schedules().get(year)


@functools.cache
def shipped_schedules() -> dict[int, YearSchedule]:
    with open(Path(__file__).parent / "holidays.toml", "rb") as f:
        data = tomllib.load(f)
    return {int(year): _shipped(int(year), entry) for year, entry in data.items()}


def _shipped(year: int, entry: dict) -> YearSchedule:
    rows = [{"date": (entry_from + dt.timedelta(days=n)).isoformat(), "kind": "holiday", "name_zh": h["name_zh"]}
            for h in entry["holidays"] for entry_from in (h["from"],) for n in range((h["to"] - h["from"]).days + 1)]
    rows += [{"date": w["date"].isoformat(), "kind": "workday", "name_zh": w["name_zh"]} for w in entry["workdays"]]
    try:
        days = schedule_days(year, rows)
    except ValidationFailed as exc:
        raise ValueError(f"holidays.toml {year}: {exc.detail}") from None
    return YearSchedule(year, days, entry["document"], entry.get("document_no"))
