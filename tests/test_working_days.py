"""公示 in working days (DOMAIN.md, revision of 2026-12-07): the State Council's schedule as
data, 2022–2026 shipped; day 1 is the first working day after approval, ends_on is day N;
holidays are skipped and adjusted working weekends (调休上班) count; a year nobody loaded
cannot be counted in."""
from __future__ import annotations

import datetime as dt

import pytest

from ledger.errors import InvalidState, ValidationFailed
from ledger.policy.calendar import WorkingCalendar, YearSchedule, schedule_days, shipped_schedule, shipped_schedules

D = dt.date
SHIPPED = WorkingCalendar(shipped_schedule)


@pytest.mark.parametrize("approved, days, ends_on", [
    # F6: approved on Friday 2022-09-30; 10-01..07 National Day, 10-08 (Sat) and 10-09 (Sun) worked
    (D(2022, 9, 30), 5, D(2022, 10, 12)),
    (D(2022, 9, 30), 1, D(2022, 10, 8)),    # an adjusted working Saturday is day 1
    (D(2022, 9, 30), 2, D(2022, 10, 9)),    # and the Sunday day 2
    (D(2022, 7, 15), 5, D(2022, 7, 22)),    # an ordinary week: Friday + 5 = next Friday
    (D(2022, 7, 16), 5, D(2022, 7, 22)),    # approved on a Saturday: day 1 is Monday
    (D(2022, 1, 28), 2, D(2022, 1, 30)),    # 春节 2022: the Saturday and Sunday before it were worked
    (D(2022, 1, 28), 3, D(2022, 2, 7)),     # then 01-31..02-06 off
    (D(2022, 12, 26), 5, D(2023, 1, 3)),    # across years: 2022-12-31..2023-01-02 off (2023's schedule)
    (D(2024, 2, 9), 1, D(2024, 2, 18)),     # 春节 2024: 02-10..17 off; the 18th (Sun) is worked
    (D(2025, 9, 26), 2, D(2025, 9, 29)),    # 2025-09-28 (Sun) worked: Fri 26 → Sun 28 (1) → Mon 29 (2)
    (D(2026, 9, 30), 1, D(2026, 10, 8)),    # National Day 2026: 10-01..07, no adjusted day inside
    (D(2026, 10, 9), 1, D(2026, 10, 10)),   # 2026-10-10 (Sat) worked
    (D(2026, 9, 30), 0, D(2026, 9, 30)),    # no notice: nothing to count
])
def test_the_last_working_day_of_a_notice(approved, days, ends_on):
    assert SHIPPED.working_days_after(approved, days) == ends_on


def test_no_notice_ends_inside_a_holiday_of_the_shipped_years():
    """Whatever the day of approval and the length, ends_on is a working day."""
    start = D(2022, 1, 1)
    for offset in range(0, (D(2026, 12, 1) - start).days, 3):
        approved = start + dt.timedelta(days=offset)
        for days in (1, 5, 7):
            end = SHIPPED.working_days_after(approved, days)
            assert SHIPPED.is_working_day(end) and end > approved


def test_the_shipped_years_are_2022_to_2026_with_adjusted_days_on_weekends():
    schedules = shipped_schedules()
    assert sorted(schedules) == [2022, 2023, 2024, 2025, 2026]
    assert schedules[2022].document_no == "国办发明电〔2021〕11号"
    for schedule in schedules.values():
        assert schedule.document.startswith(f"国务院办公厅关于{schedule.year}年部分节假日安排的通知")
        assert all(day.date.weekday() >= 5 for day in schedule.days if day.kind == "workday")
    workdays = {day.date for s in schedules.values() for day in s.days if day.kind == "workday"}
    assert {D(2022, 10, 8), D(2022, 10, 9), D(2023, 6, 25), D(2024, 10, 12), D(2025, 1, 26),
            D(2026, 1, 4)} <= workdays
    holidays = {day.date for s in schedules.values() for day in s.days if day.kind == "holiday"}
    assert {D(2022, 10, 3), D(2023, 4, 5), D(2024, 6, 10), D(2025, 10, 8), D(2026, 2, 23)} <= holidays


def test_a_year_nobody_loaded_cannot_be_counted_in():
    with pytest.raises(InvalidState, match="2027"):
        SHIPPED.working_days_after(D(2026, 12, 28), 5)
    assert SHIPPED.working_days_after(D(2026, 12, 24), 4) == D(2026, 12, 30)


def test_a_loaded_year_counts_like_a_shipped_one():
    days = schedule_days(2027, [{"date": "2027-01-01", "kind": "holiday", "name_zh": "元旦"},
                                {"date": "2027-01-04", "kind": "holiday", "name_zh": "元旦"},
                                {"date": "2027-01-09", "kind": "workday", "name_zh": "元旦调休上班"}])
    loaded = YearSchedule(2027, days, "国办发明电〔2026〕1号", "国办发明电〔2026〕1号", source="loaded")
    calendar = WorkingCalendar(lambda year: shipped_schedule(year) or (loaded if year == 2027 else None))
    # Mon 28, Tue 29, Wed 30, Thu 31; Fri 2027-01-01 off; Mon 4 off; Tue 5
    assert calendar.working_days_after(D(2026, 12, 27), 5) == D(2027, 1, 5)
    assert calendar.working_days_after(D(2027, 1, 8), 1) == D(2027, 1, 9)


@pytest.mark.parametrize("rows, field", [
    ([], "days"),
    ([{"date": "2027-01-05", "kind": "workday", "name_zh": "调休"}], "days[0].date"),  # a Tuesday
    ([{"date": "2027-01-01", "kind": "off", "name_zh": "元旦"}], "days[0].kind"),
    ([{"date": "2027-01-01", "kind": "holiday", "name_zh": "元旦"},
      {"date": "2027-01-01", "kind": "holiday", "name_zh": "元旦"}], "days[1].date"),
    ([{"date": "2028-03-01", "kind": "holiday", "name_zh": "?"}], "days[0].date"),
    ([{"date": "2027-02-30", "kind": "holiday", "name_zh": "春节"}], "days[0].date"),
    ([{"date": "2027-01-01", "kind": "holiday"}], "days[0].name_zh"),
])
def test_a_schedule_that_cannot_be_right_is_refused(rows, field):
    with pytest.raises(ValidationFailed) as caught:
        schedule_days(2027, rows)
    assert caught.value.field == field
