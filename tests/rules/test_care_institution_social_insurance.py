"""辽政办发〔2022〕32号 三.2 养老托育机构社会保险补贴: a care institution taking on a worker
certified as having employment difficulties (财社〔2017〕164号) receives the social insurance
it pays for the worker, month by month from period_start (not before the hire's month), for
at most max_months (36) per worker across all of the worker's claims, never for a month
another counting claim of the worker (social_insurance, public_welfare_post,
flexible_social_insurance, this program) already covers (DOMAIN.md, One subsidy per
person-month)."""
from __future__ import annotations

from ledger.policy.programs import months_from

from .table import (HIRE, INSTITUTION, Cap, Case, D, Months, Table, Version, cap_reached, invalid, not_eligible, table,
                    took)

TABLE = Table("care_institution_social_insurance",
              facts={"institution_type": "elderly_care", "hardship_certified": True, "hired_on": "2022-06-20",
                     "period_start": "2022-06-01", "employer_monthly_contribution": "800.00", "months": 6},
              on=D(2022, 12, 15), region="210102", kind="institution", applicant=INSTITUTION, beneficiary=HIRE)
STEPS = ("institution_type", "hardship_certified", "hired_on", "period_start", "person_months", "cap", "amount",
         "prepayment")
WORKER = f"care_institution_social_insurance:worker:{HIRE}"
MONTHS_KEY = f"person-months:{HIRE}"  # the worker's months, shared by every person-month program


def taken(*months: str, fen: int = 80000) -> tuple[Months, ...]:
    return (Months(MONTHS_KEY, months, fen),)


def held(first: str, count: int, claim: str) -> dict:
    return {MONTHS_KEY: {m: claim for m in months_from(D.fromisoformat(first), count)}}


SIX = tuple(months_from(D(2022, 6, 1), 6))

CASES = [
    Case("pays_the_contribution_for_each_month", "32号 三.2 按规定给予社保补贴: DOMAIN 800.00 × 6 = 4,800.00",
         entitled="4800.00", prepay=0, ready=True, limits=(), caps=(Cap(WORKER, 6, 36, "months"),), steps=STEPS,
         months=taken(*SIX),
         arithmetic={"person_months": "6 − 0 = 6", "cap": "max(0, 36 − 0) = 36; min(6, 36) = 6",
                     "amount": "800.00 × 6 = 4800.00"},
         cites={"person_months": (), "cap": ({"name": "max_months", "value": 36},), "amount": ()},
         says={"amount": "2022-06 to 2022-11"}),
    Case("a_childcare_institution_too", "32号 三.2 养老托育机构", facts={"institution_type": "childcare"},
         entitled="4800.00", says={"institution_type": "托育机构"}),
    Case("a_worker_not_certified_is_refused", "财社〔2017〕164号: 就业困难人员",
         facts={"hardship_certified": False}, refused=not_eligible("care_institution_social_insurance.hardship_certified")),
    Case("months_36_paid_in_full", "164号 最长不超过3年", facts={"months": 36}, entitled="28800.00",
         caps=(Cap(WORKER, 36, 36, "months"),)),
    Case("months_37_count_as_36", "164号 最长不超过3年", facts={"months": 37}, entitled="28800.00",
         arithmetic={"cap": "max(0, 36 − 0) = 36; min(37, 36) = 36"},
         months=taken(*months_from(D(2022, 6, 1), 36)), says={"amount": "2022-06 to 2025-05"}),
    Case("earlier_claims_leave_what_remains", "164号 最长不超过3年, per worker across institutions",
         prior={WORKER: took(32, "c-1", "c-2")}, entitled="3200.00", caps=(Cap(WORKER, 4, 36, "months"),),
         arithmetic={"cap": "max(0, 36 − 32) = 4; min(6, 4) = 4"}),
    Case("nothing_left_is_limit_exceeded", "164号 最长不超过3年", prior={WORKER: took(36, "c-1")},
         refused=cap_reached("care_institution_social_insurance.cap")),
    Case("a_city_lowering_the_period_holds_later_claims_to_it", "DOMAIN: a limit in force on the claim's own date",
         versions=(Version("max_months", 24, region="210100", effective_from=D(2022, 9, 1)),),
         prior={WORKER: took(20, "c-1")}, entitled="3200.00", caps=(Cap(WORKER, 4, 24, "months"),)),
    # ---- one subsidy per person-month, across the person-month programs (DOMAIN.md, F3)
    Case("months_social_insurance_holds_are_not_paid_again", "DOMAIN One subsidy per person-month (F3)",
         held=held("2022-06-01", 2, "social-1"), entitled="3200.00", caps=(Cap(WORKER, 4, 36, "months"),),
         months=taken(*SIX[2:]), arithmetic={"person_months": "6 − 2 = 4", "amount": "800.00 × 4 = 3200.00"},
         says={"person_months": ("social-1", "4 months remain"), "amount": "2022-08 to 2022-11"}),
    Case("a_month_held_inside_the_period_splits_it", "DOMAIN One subsidy per person-month (F3)",
         held={MONTHS_KEY: {"2022-08": "post-1", "2022-09": "flexible-1"}}, entitled="3200.00",
         months=taken("2022-06", "2022-07", "2022-10", "2022-11"),
         says={"person_months": ("flexible-1, post-1", "2 are subsidised"),
               "amount": "2022-06 to 2022-07, 2022-10 to 2022-11"}),
    Case("months_held_outside_the_period_do_not_count", "DOMAIN One subsidy per person-month: the period's months",
         held={MONTHS_KEY: {"2022-05": "social-1", "2022-12": "social-2"}}, entitled="4800.00", months=taken(*SIX),
         arithmetic={"person_months": "6 − 0 = 6"}),
    Case("every_month_held_is_409", "DOMAIN One subsidy per person-month: none left is 409 limit_exceeded",
         held=held("2022-06-01", 6, "social-1"), refused=cap_reached("care_institution_social_insurance.person_months"),
         steps=("institution_type", "hardship_certified", "hired_on", "period_start", "person_months")),
    Case("free_months_beyond_the_cap_are_not_taken", "164号 最长不超过3年 with DOMAIN One subsidy per person-month",
         held=held("2022-06-01", 1, "social-1"), prior={WORKER: took(33, "c-1")}, entitled="2400.00",
         caps=(Cap(WORKER, 3, 36, "months"),), months=taken(*SIX[1:4]),
         arithmetic={"person_months": "6 − 1 = 5", "cap": "max(0, 36 − 33) = 3; min(5, 3) = 3"}),
    Case("period_from_the_hire_month_passes", "DOMAIN: period_start ≥ hired_on's month",
         facts={"hired_on": "2022-06-30", "period_start": "2022-06-01"}, entitled="4800.00"),
    Case("period_before_the_hire_month_is_refused", "DOMAIN: period_start ≥ hired_on's month",
         facts={"period_start": "2022-05-01"}, refused=not_eligible("care_institution_social_insurance.period_start")),
    Case("period_not_on_a_month_first_day_is_refused", "DOMAIN: period_start is YYYY-MM-01",
         facts={"period_start": "2022-07-15"}, refused=not_eligible("care_institution_social_insurance.period_start")),
    Case("months_may_run_past_the_application_date", "DOMAIN: covers months months, which may follow the application date",
         facts={"period_start": "2022-12-01", "months": 12}, entitled="9600.00",
         says={"amount": "2022-12 to 2023-11"}),
    Case("hired_after_the_application_date_is_refused", "a hire the claim reports has happened",
         facts={"hired_on": "2022-12-16", "period_start": "2022-12-01"},
         refused=not_eligible("care_institution_social_insurance.hired_on")),
    Case("an_unknown_institution_type_is_422", "32号 三.2 养老托育机构", facts={"institution_type": "hospital"},
         refused=invalid("facts.institution_type")),
]


@table(CASES)
def test_care_institution_social_insurance(case):
    TABLE.check(case)
