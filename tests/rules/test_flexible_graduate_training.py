"""一.2 灵活就业高校毕业生技能提升培训补贴: a graduate (within 5 years of the diploma's date
on the course's first day) in flexible employment by then trains free of charge; the
institution is paid by the certificate's level (三.12's figures, a local assumption), once
per trainee and level, and a certificate once."""
from __future__ import annotations

from .table import INSTITUTION, TRAINEE, Case, D, Limit, Table, not_eligible, table

TABLE = Table("flexible_graduate_training",
              facts={"diploma_date": "2021-06-30", "flexible_since": "2022-03-01", "course_started_on": "2022-07-04",
                     "level": "intermediate", "certificate_no": "LH2022-0001"},
              on=D(2022, 9, 1), region="210102", kind="institution", applicant=INSTITUTION, beneficiary=TRAINEE)
STEPS = ("course_started_on", "graduate", "flexible_since", "amount", "prepayment")

CASES = [
    Case("intermediate_certificate_is_1500", "一.2 可免费参加职业技能提升培训 (三.12's figures, local assumption)",
         entitled="1500.00", prepay=0, ready=True, steps=STEPS,
         limits=(Limit("flexible_graduate_training:certificate:LH20220001", 1, "once", "a certificate number once"),
                 Limit(f"flexible_graduate_training:trainee:{TRAINEE}:intermediate", 1, "once", "once per trainee")),
         cites={"graduate": ({"name": "graduate_within_years", "value": 5},), "amount": ("intermediate",)}),
    *[Case(f"{level}_certificate_is_{amount}", "一.2 (三.12's figures, local assumption)", facts={"level": level},
           entitled=f"{amount}.00") for level, amount in (("primary", 1000), ("advanced", 2000))],
    # ---- 毕业证书所注日期起5年内, on the course's first day, boundary included
    Case("course_on_the_diploma_date_plus_60_months", "DOMAIN: course_started_on ≤ diploma_date + 60 months",
         facts={"course_started_on": "2026-06-30"}, on=D(2026, 7, 1), entitled="1500.00",
         arithmetic={"graduate": "2021-06-30 ≤ 2026-06-30 ≤ 2021-06-30 + 60 months = 2026-06-30"}),
    Case("course_the_day_after_is_refused", "DOMAIN: course_started_on ≤ diploma_date + 60 months",
         facts={"course_started_on": "2026-07-01"}, on=D(2026, 7, 1),
         refused=not_eligible("flexible_graduate_training.graduate")),
    Case("course_before_the_diploma_is_refused", "a graduate: after the diploma's date",
         facts={"course_started_on": "2021-06-29", "flexible_since": "2021-06-01"},
         refused=not_eligible("flexible_graduate_training.graduate")),
    # ---- 实现灵活就业 by the course
    Case("flexible_since_the_course_day_passes", "一.2 实现灵活就业的高校毕业生",
         facts={"flexible_since": "2022-07-04"}, entitled="1500.00"),
    Case("flexible_only_after_the_course_began_is_refused", "一.2 实现灵活就业的高校毕业生",
         facts={"flexible_since": "2022-07-05"}, refused=not_eligible("flexible_graduate_training.flexible_since")),
    Case("course_after_the_application_date_is_refused", "a course the claim reports has begun",
         facts={"course_started_on": "2022-09-02"}, refused=not_eligible("flexible_graduate_training.course_started_on")),
]


@table(CASES)
def test_flexible_graduate_training(case):
    TABLE.check(case)
