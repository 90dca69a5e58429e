"""辽政办发〔2022〕32号 三.2 养老托育机构社会保险补贴: a care institution taking on a worker
certified as having employment difficulties (财社〔2017〕164号) receives the social insurance
it pays for the worker, month by month from period_start (not before the hire's month), for
at most max_months (36) per worker across all of the worker's claims."""
from __future__ import annotations

from .table import HIRE, INSTITUTION, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible, table, took

TABLE = Table("care_institution_social_insurance",
              facts={"institution_type": "elderly_care", "hardship_certified": True, "hired_on": "2022-06-20",
                     "period_start": "2022-06-01", "employer_monthly_contribution": "800.00", "months": 6},
              on=D(2022, 12, 15), region="210102", kind="institution", applicant=INSTITUTION, beneficiary=HIRE)
STEPS = ("institution_type", "hardship_certified", "hired_on", "period_start", "cap", "amount", "prepayment")
WORKER = f"care_institution_social_insurance:worker:{HIRE}"

CASES = [
    Case("pays_the_contribution_for_each_month", "32号 三.2 按规定给予社保补贴: DOMAIN 800.00 × 6 = 4,800.00",
         entitled="4800.00", prepay=0, ready=True, limits=(), caps=(Cap(WORKER, 6, 36, "months"),), steps=STEPS,
         arithmetic={"cap": "max(0, 36 − 0) = 36; min(6, 36) = 6", "amount": "800.00 × 6 = 4800.00"},
         cites={"cap": ({"name": "max_months", "value": 36},), "amount": ()},
         says={"amount": "2022-06 to 2022-11"}),
    Case("a_childcare_institution_too", "32号 三.2 养老托育机构", facts={"institution_type": "childcare"},
         entitled="4800.00", says={"institution_type": "托育机构"}),
    Case("a_worker_not_certified_is_refused", "财社〔2017〕164号: 就业困难人员",
         facts={"hardship_certified": False}, refused=not_eligible("care_institution_social_insurance.hardship_certified")),
    Case("months_36_paid_in_full", "164号 最长不超过3年", facts={"months": 36}, entitled="28800.00",
         caps=(Cap(WORKER, 36, 36, "months"),)),
    Case("months_37_count_as_36", "164号 最长不超过3年", facts={"months": 37}, entitled="28800.00",
         arithmetic={"cap": "max(0, 36 − 0) = 36; min(37, 36) = 36"}),
    Case("earlier_claims_leave_what_remains", "164号 最长不超过3年, per worker across institutions",
         prior={WORKER: took(32, "c-1", "c-2")}, entitled="3200.00", caps=(Cap(WORKER, 4, 36, "months"),),
         arithmetic={"cap": "max(0, 36 − 32) = 4; min(6, 4) = 4"}),
    Case("nothing_left_is_limit_exceeded", "164号 最长不超过3年", prior={WORKER: took(36, "c-1")},
         refused=cap_reached("care_institution_social_insurance.cap")),
    Case("a_city_lowering_the_period_holds_later_claims_to_it", "DOMAIN: a limit in force on the claim's own date",
         versions=(Version("max_months", 24, region="210100", effective_from=D(2022, 9, 1)),),
         prior={WORKER: took(20, "c-1")}, entitled="3200.00", caps=(Cap(WORKER, 4, 24, "months"),)),
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
