"""四.14 公益性岗位补贴: a graduate of a listed hardship family (job_search's categories but
the student loan), placed in a public-welfare post within 5 years of the diploma's date: the
employer receives the post subsidy and the social insurance it pays, month by month from
period_start (not before the placement's month), for at most max_months (36, 财社〔2017〕164号)
per graduate, never for a month another counting claim of the graduate (social_insurance,
care_institution_social_insurance, flexible_social_insurance, this program) already covers
(DOMAIN.md, One subsidy per person-month)."""
from __future__ import annotations

from ledger.policy.programs import months_from

from .table import (EMPLOYER, HIRE, Cap, Case, D, Months, Table, Version, cap_reached, invalid, not_eligible, table,
                    took)

TABLE = Table("public_welfare_post",
              facts={"hardship_category": "low_income", "diploma_date": "2021-06-30", "placed_on": "2022-07-01",
                     "period_start": "2022-07-01", "employer_monthly_contribution": "800.00", "months": 6},
              on=D(2022, 12, 15), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE)
STEPS = ("hardship_category", "placed_on", "graduate", "period_start", "person_months", "cap", "amount", "prepayment")
GRADUATE = f"public_welfare_post:graduate:{HIRE}"
MONTHS_KEY = f"person-months:{HIRE}"  # the graduate's months, shared by every person-month program
SIX = tuple(months_from(D(2022, 7, 1), 6))


def taken(*months: str, fen: int = 180000) -> tuple[Months, ...]:
    return (Months(MONTHS_KEY, months, fen),)


def held(first: str, count: int, claim: str) -> dict:
    return {MONTHS_KEY: {m: claim for m in months_from(D.fromisoformat(first), count)}}

CASES = [
    Case("pays_post_subsidy_and_contribution_per_month", "四.14; DOMAIN (1,000.00 + 800.00) × 6 = 10,800.00",
         entitled="10800.00", prepay=0, ready=True, limits=(), caps=(Cap(GRADUATE, 6, 36, "months"),), steps=STEPS,
         months=taken(*SIX), says={"amount": "2022-07 to 2022-12"},
         arithmetic={"amount": "(1000.00 + 800.00) × 6 = 10800.00", "person_months": "6 − 0 = 6",
                     "graduate": "2021-06-30 ≤ 2022-07-01 ≤ 2021-06-30 + 60 months = 2026-06-30"},
         cites={"amount": ({"name": "post_subsidy_monthly", "value": "1000.00"},), "cap": ("max_months",),
                "graduate": ("graduate_within_years",)}),
    *[Case(f"category_{category}_qualifies", "四.14: 低保家庭毕业生…孤儿（含事实无人抚养儿童）毕业生",
           facts={"hardship_category": category}, entitled="10800.00")
      for category in ("disabled_family", "poverty_alleviation", "extreme_poverty", "disability", "martyr_family",
                       "orphan")],
    Case("a_student_loan_is_not_a_category_here", "四.14 lists no 获得国家助学贷款的毕业生",
         facts={"hardship_category": "student_loan"}, refused=invalid("facts.hardship_category")),
    # ---- 毕业证书所注日期起5年内, on the placement's day, boundary included
    Case("placed_on_the_diploma_date_plus_60_months", "DOMAIN: reference date ≤ diploma_date + 60 months",
         facts={"placed_on": "2026-06-30", "period_start": "2026-06-01"}, on=D(2026, 7, 1), entitled="10800.00"),
    Case("placed_the_day_after_is_refused", "DOMAIN: reference date ≤ diploma_date + 60 months",
         facts={"placed_on": "2026-07-01", "period_start": "2026-07-01"}, on=D(2026, 7, 1),
         refused=not_eligible("public_welfare_post.graduate"),
         arithmetic={"graduate": "2026-07-01 ∉ [2021-06-30, 2026-06-30]"}),
    Case("diploma_of_29_february_ends_on_28_february", "DOMAIN: + 60 months, clamped to the month's end",
         facts={"diploma_date": "2020-02-29", "placed_on": "2025-02-28", "period_start": "2025-02-01"},
         on=D(2025, 3, 1), entitled="10800.00"),
    Case("placed_before_the_diploma_is_refused", "a graduate: placed after the diploma's date",
         facts={"placed_on": "2021-06-29", "period_start": "2021-07-01"},
         refused=not_eligible("public_welfare_post.graduate")),
    Case("placed_after_the_application_date_is_refused", "a placement the claim reports has happened",
         facts={"placed_on": "2022-12-16", "period_start": "2022-12-01"},
         refused=not_eligible("public_welfare_post.placed_on")),
    Case("period_before_the_placement_month_is_refused", "DOMAIN: period from the placement's month",
         facts={"period_start": "2022-06-01"}, refused=not_eligible("public_welfare_post.period_start")),
    # ---- 最长不超过3年 per graduate
    Case("months_36_paid_in_full", "财社〔2017〕164号 最长不超过3年", facts={"months": 36}, entitled="64800.00",
         caps=(Cap(GRADUATE, 36, 36, "months"),), months=taken(*months_from(D(2022, 7, 1), 36))),
    Case("months_37_count_as_36", "财社〔2017〕164号 最长不超过3年", facts={"months": 37}, entitled="64800.00",
         caps=(Cap(GRADUATE, 36, 36, "months"),), months=taken(*months_from(D(2022, 7, 1), 36)),
         arithmetic={"person_months": "37 − 0 = 37", "cap": "max(0, 36 − 0) = 36; min(37, 36) = 36"}),
    Case("earlier_claims_leave_what_remains", "164号 最长不超过3年, per graduate across employers",
         prior={GRADUATE: took(34, "c-1")}, entitled="3600.00", caps=(Cap(GRADUATE, 2, 36, "months"),)),
    Case("nothing_left_is_limit_exceeded", "164号 最长不超过3年", prior={GRADUATE: took(36, "c-1")},
         refused=cap_reached("public_welfare_post.cap")),
    # ---- one subsidy per person-month, across the person-month programs (DOMAIN.md, F3)
    Case("months_social_insurance_holds_are_not_paid_again", "DOMAIN One subsidy per person-month (F3)",
         held=held("2022-07-01", 3, "social-1"), entitled="5400.00", caps=(Cap(GRADUATE, 3, 36, "months"),),
         months=taken(*SIX[3:]), arithmetic={"person_months": "6 − 3 = 3", "amount": "(1000.00 + 800.00) × 3 = 5400.00"},
         says={"person_months": ("social-1", "3 months remain"), "amount": "2022-10 to 2022-12"}),
    Case("the_last_month_held_leaves_the_first_five", "DOMAIN One subsidy per person-month (F3)",
         held=held("2022-12-01", 1, "care-1"), entitled="9000.00", months=taken(*SIX[:5]),
         says={"person_months": "care-1", "amount": "2022-07 to 2022-11"}),
    Case("every_month_held_is_409", "DOMAIN One subsidy per person-month: none left is 409 limit_exceeded",
         held=held("2022-07-01", 6, "flexible-1"), refused=cap_reached("public_welfare_post.person_months"),
         steps=("hardship_category", "placed_on", "graduate", "period_start", "person_months")),
    Case("free_months_within_the_cap_all_taken", "164号 最长不超过3年 with DOMAIN One subsidy per person-month",
         held=held("2022-07-01", 2, "social-1"), prior={GRADUATE: took(32, "c-1")}, entitled="7200.00",
         caps=(Cap(GRADUATE, 4, 36, "months"),), months=taken(*SIX[2:]),
         arithmetic={"person_months": "6 − 2 = 4", "cap": "max(0, 36 − 32) = 4; min(4, 4) = 4"}),
    Case("free_months_beyond_the_cap_are_not_taken", "164号 最长不超过3年 with DOMAIN One subsidy per person-month",
         held=held("2022-07-01", 2, "social-1"), prior={GRADUATE: took(33, "c-1")}, entitled="5400.00",
         caps=(Cap(GRADUATE, 3, 36, "months"),), months=taken(*SIX[2:5]),
         arithmetic={"cap": "max(0, 36 − 33) = 3; min(4, 3) = 3"}),
    Case("a_city_post_subsidy", "四.14 可按规定: a city's figure within the bound",
         versions=(Version("post_subsidy_monthly", "1200.00", region="210100"),), entitled="12000.00",
         cites={"amount": ({"name": "post_subsidy_monthly", "value": "1200.00", "region": "210100"},)}),
]


@table(CASES)
def test_public_welfare_post(case):
    TABLE.check(case)
