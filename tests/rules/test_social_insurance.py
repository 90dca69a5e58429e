"""一.1 社会保险补贴: an employer hiring a graduate of the year of the hire or a
registered-unemployed graduate (within 5 years of the diploma's date) on a contract of at
least a year receives the contributions it actually pays, for at most max_months per
graduate across all employers and claims, never for a month another counting claim of the
graduate already covers (DOMAIN.md, revision of 2026-12-07); small, medium and micro firms,
or the employer of a retained intern (一.3), may be prepaid a share, never twice."""
from __future__ import annotations

from ledger.policy.programs import months_from

from .table import (DROP, EMPLOYER, HIRE, Cap, Case, D, Months, Table, Version, cap_reached, invalid, not_eligible,
                    table, took)

TABLE = Table("social_insurance", facts={"graduation_year": 2022, "diploma_date": "2022-06-30",
                                         "hired_on": "2022-07-01", "period_start": "2022-07-01",
                                         "registered_unemployed": False, "contract_months": 24,
                                         "enterprise_size": "large", "employer_monthly_contribution": "1000.00",
                                         "months": 6, "retained_intern": False},
              on=D(2022, 7, 1), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE)
STEPS = ("graduation_year", "contract_months", "period_start", "person_months", "cap", "amount", "prepayment")
UNEMPLOYED_STEPS = ("graduation_year", "graduate", "contract_months", "period_start", "person_months", "cap",
                    "amount", "prepayment")
GRADUATE_KEY = f"social_insurance:graduate:{HIRE}"
HIRE_KEY = f"social_insurance:hire:{EMPLOYER}:{HIRE}"  # the key of 2026-11-30: claims stored then count
MONTHS_KEY = f"person-months:{HIRE}"
OTHER_EMPLOYER = "f" * 64
SHENYANG_PREPAY_03 = (Version("prepay_share", "0.3", region="210100", effective_from=D(2022, 9, 1), source="Shenyang"),)
SIX_MONTHS_IN_2023 = (Version("max_months", 6, effective_from=D(2023, 1, 1)),)
# A city lowering the period mid-year: later claims are held to the lower figure.
SHENYANG_6_FROM_SEPTEMBER = (Version("max_months", 6, region="210100", effective_from=D(2022, 9, 1)),)
# The audit's registered-unemployed "graduate" of 1990, hired by a large firm in 2022.
OF_1990 = {"graduation_year": 1990, "diploma_date": "1990-07-01", "registered_unemployed": True}


def cap(units: int, of: int = 12) -> tuple[Cap, ...]:
    return (Cap(GRADUATE_KEY, units, of, "months"),)


def taken(first: str, count: int, fen: int = 100000) -> tuple[Months, ...]:
    return (Months(MONTHS_KEY, tuple(months_from(D.fromisoformat(first), count)), fen),)


def held(first: str, count: int, claim: str) -> dict:
    return {MONTHS_KEY: {m: claim for m in months_from(D.fromisoformat(first), count)}}


CASES = [
    Case("pays_actual_contributions_per_month", "一.1: 按其为高校毕业生实际缴纳的社会保险费",
         entitled="6000.00", prepay=0, ready=True, limits=(), caps=cap(6), months=taken("2022-07-01", 6), steps=STEPS,
         arithmetic={"cap": "max(0, 12 − 0) = 12; min(6, 12) = 6", "amount": "1000.00 × 6 = 6000.00",
                     "person_months": "6 − 0 = 6"},
         cites={"graduation_year": (), "contract_months": (), "period_start": (), "person_months": (),
                "cap": ("max_months",), "amount": (), "prepayment": ()}),
    Case("months_11_paid_in_full", "一.1: 最长不超过12个月", facts={"months": 11}, entitled="11000.00"),
    Case("months_12_paid_in_full", "一.1: 最长不超过12个月", facts={"months": 12}, entitled="12000.00", caps=cap(12),
         months=taken("2022-07-01", 12)),
    Case("months_13_count_as_12", "一.1: 最长不超过12个月", facts={"months": 13}, entitled="12000.00", caps=cap(12),
         months=taken("2022-07-01", 12),
         arithmetic={"cap": "max(0, 12 − 0) = 12; min(13, 12) = 12", "amount": "1000.00 × 12 = 12000.00"},
         cites={"cap": ({"name": "max_months", "value": 12, "source": "the notice"},)}),
    # ---- who: 毕业年度 (of the hire) or 登记失业 (within 5 years of the diploma)
    Case("graduate_of_2025_hired_in_2025_applies_on_2026_01_04", "一.1 毕业年度 is the hire's year (issue 19, F9)",
         on=D(2026, 1, 4), facts={"graduation_year": 2025, "diploma_date": "2025-06-30", "hired_on": "2025-09-01",
                                  "period_start": "2025-09-01"}, entitled="6000.00",
         months=taken("2025-09-01", 6), says={"graduation_year": "hired 2025-09-01, in the year of the diploma 2025"}),
    Case("graduate_of_2025_hired_in_2026_is_not_of_the_year", "一.1 毕业年度: the year of the hire",
         on=D(2026, 1, 4), facts={"graduation_year": 2025, "diploma_date": "2025-06-30", "hired_on": "2026-01-02",
                                  "period_start": "2026-01-01"}, refused=not_eligible("social_insurance.graduation_year")),
    Case("registered_unemployed_graduate_of_an_earlier_year", "一.1: 招用毕业年度或登记失业高校毕业生",
         facts={"graduation_year": 2020, "diploma_date": "2020-07-01", "registered_unemployed": True},
         entitled="6000.00", steps=UNEMPLOYED_STEPS, arithmetic={"graduate": "2020-07-01 ≤ 2022-07-01 ≤ 2020-07-01 + 60 months = 2025-07-01"}),
    Case("registered_unemployed_of_1990_is_no_graduate", "一.1 登记失业高校毕业生; 毕业证书所注日期起5年内 (issue 19, F3)",
         facts=OF_1990, refused=not_eligible("social_insurance.graduate"),
         arithmetic={"graduate": "2022-07-01 ∉ [1990-07-01, 1995-07-01]"}),
    Case("registered_unemployed_hired_on_the_day_60_months_after_the_diploma",
         "毕业证书所注日期起5年内: the boundary day included (F13)",
         on=D(2025, 7, 10), facts={"graduation_year": 2020, "diploma_date": "2020-07-01", "registered_unemployed": True,
                                  "hired_on": "2025-07-01", "period_start": "2025-07-01"}, entitled="6000.00"),
    Case("registered_unemployed_hired_the_day_after_60_months_is_refused", "毕业证书所注日期起5年内 (F13)",
         on=D(2025, 7, 10), facts={"graduation_year": 2020, "diploma_date": "2020-07-01", "registered_unemployed": True,
                                  "hired_on": "2025-07-02", "period_start": "2025-07-01"},
         refused=not_eligible("social_insurance.graduate")),
    Case("registered_unemployed_graduate_of_the_year", "一.1: 招用毕业年度或登记失业高校毕业生",
         facts={"registered_unemployed": True}, entitled="6000.00", steps=STEPS),
    Case("earlier_graduate_not_registered_is_refused", "一.1: 招用毕业年度或登记失业高校毕业生",
         facts={"graduation_year": 2021, "diploma_date": "2021-06-30"},
         refused=not_eligible("social_insurance.graduation_year")),
    Case("hired_the_year_before_the_diploma_is_refused_even_if_registered",
         "一.1: someone hired before their diploma's year is not yet a graduate",
         facts={"graduation_year": 2023, "diploma_date": "2023-06-30", "registered_unemployed": True},
         refused=not_eligible("social_insurance.graduation_year")),
    Case("graduation_year_left_out_is_the_diplomas", "DOMAIN.md: graduation_year, if given, is the diploma's year",
         facts={"graduation_year": DROP}, entitled="6000.00"),
    Case("graduation_year_other_than_the_diplomas_is_422", "DOMAIN.md: graduation_year, if given, is the diploma's year",
         facts={"graduation_year": 2021}, refused=invalid("facts.graduation_year")),
    Case("contract_of_12_months_qualifies", "一.1: 签订1年以上期限劳动合同", facts={"contract_months": 12},
         entitled="6000.00"),
    Case("contract_of_11_months_is_refused", "一.1: 签订1年以上期限劳动合同", facts={"contract_months": 11},
         refused=not_eligible("social_insurance.contract_months")),
    # ---- the period: from the month of the hire, one subsidy per person-month
    Case("period_before_the_hire_is_refused", "DOMAIN.md: period_start ≥ hired_on's month",
         facts={"period_start": "2022-06-01"}, refused=not_eligible("social_insurance.period_start")),
    Case("period_in_the_month_of_the_hire_counts", "DOMAIN.md: period_start ≥ hired_on's month",
         facts={"hired_on": "2022-07-20"}, entitled="6000.00"),
    Case("period_may_follow_the_application_date", "DOMAIN.md: months which may follow the application date",
         facts={"period_start": "2022-09-01"}, entitled="6000.00", months=taken("2022-09-01", 6)),
    Case("period_start_is_the_first_of_a_month", "DOMAIN.md: period_start is YYYY-MM-01",
         facts={"period_start": "2022-07-02"}, refused=invalid("facts.period_start")),
    Case("months_of_flexible_employment_are_not_paid_again", "DOMAIN.md One subsidy per person-month (F3)",
         held=held("2022-07-01", 2, "flexible-1"), entitled="4000.00", caps=cap(4), months=taken("2022-09-01", 4),
         says={"person_months": ("flexible-1", "4 months remain")}),
    Case("every_month_held_is_409", "DOMAIN.md One subsidy per person-month: none left is 409 limit_exceeded",
         held=held("2022-07-01", 6, "flexible-1"), refused=cap_reached("social_insurance.person_months"),
         steps=("graduation_year", "contract_months", "period_start", "person_months")),
    # ---- prepayment: 中小微企业, or a retained intern (一.3), never twice
    *[Case(f"{size}_firm_is_prepaid_half", "一.1: 中小微企业可预拨最多不超过50%的社会保险补贴",
           facts={"enterprise_size": size}, prepay="1/2", prepayable="3000.00",
           arithmetic={"prepayment": "⌊6000.00 × 0.5⌋ = 3000.00"}, cites={"prepayment": ("prepay_share",)})
      for size in ("micro", "small", "medium")],
    Case("large_firm_is_not_prepaid", "一.1: only small, medium and micro firms are prepaid",
         prepay=0, cites={"prepayment": ()}),
    Case("retained_intern_at_a_large_firm_is_prepaid_half", "一.3: 见习期满被留用的，可预拨用人单位最多不超过50%的社会保险补贴",
         facts={"retained_intern": True}, prepay="1/2", says={"prepayment": "an intern kept on"}),
    Case("retained_intern_at_a_micro_firm_is_prepaid_once_not_twice", "一.3: 用人单位同时符合中小微企业预拨社会保险补贴条件的不重复享受",
         facts={"retained_intern": True, "enterprise_size": "micro"}, prepay="1/2", prepayable="3000.00",
         says={"prepayment": ("never twice", "不重复")}),
    # ---- the facts
    Case("retained_intern_is_required", "DOMAIN.md facts: required at submission",
         facts={"retained_intern": DROP}, refused=invalid("facts.retained_intern")),
    *[Case(f"{name}_is_required", "DOMAIN.md Graduates, hires, interns: diploma_date, hired_on, period_start",
           facts={name: DROP}, refused=invalid(f"facts.{name}")) for name in ("diploma_date", "hired_on", "period_start")],
    Case("months_0_is_refused", "DOMAIN.md facts: months from 1", facts={"months": 0}, refused=invalid("facts.months")),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"months": 12},
         refused=invalid("facts.months", "cannot change after submission")),
    # ---- parameters by region and date
    Case("shenyang_prepay_share_from_its_date", "一.1 最多不超过50%: a city's lower share", versions=SHENYANG_PREPAY_03,
         on=D(2022, 9, 1), facts={"enterprise_size": "small"}, prepay="3/10", prepayable="1800.00"),
    Case("shenyang_prepay_share_not_the_day_before", "一.1: a city's share from its date only",
         versions=SHENYANG_PREPAY_03, on=D(2022, 8, 31), facts={"enterprise_size": "small"}, prepay="1/2"),
    Case("shenyang_prepay_share_not_in_dalian", "一.1: a city's share in its own districts only",
         versions=SHENYANG_PREPAY_03, on=D(2022, 9, 1), region="210202", facts={"enterprise_size": "small"},
         prepay="1/2"),
    Case("max_months_of_next_year_not_in_force_yet", "一.1: a version effective 2023-01-01 changes nothing in 2022",
         versions=SIX_MONTHS_IN_2023, on=D(2022, 12, 31), facts={"months": 12}, entitled="12000.00"),
    Case("max_months_of_next_year_in_force_then", "一.1: the period in force on the claim's own date",
         versions=SIX_MONTHS_IN_2023, on=D(2023, 1, 1),
         facts={"graduation_year": 2023, "diploma_date": "2023-01-01", "hired_on": "2023-01-01",
                "period_start": "2023-01-01", "months": 12}, entitled="6000.00", caps=cap(6, 6)),
    # ---- the cap across claims: 12 months per graduate, all employers (DOMAIN.md, F3)
    Case("earlier_claims_took_6_this_one_gets_its_6", "一.1: 最长不超过12个月 per graduate, across its claims",
         prior={GRADUATE_KEY: took(6, "claim-1")}, facts={"months": 6}, entitled="6000.00", caps=cap(6),
         arithmetic={"cap": "max(0, 12 − 6) = 6; min(6, 6) = 6"}),
    Case("earlier_claims_took_11_this_one_gets_the_last_month", "一.1: 最长不超过12个月 per graduate, across its claims",
         prior={GRADUATE_KEY: took(11, "claim-1", "claim-2")}, entitled="1000.00", caps=cap(1),
         months=taken("2022-07-01", 1),
         arithmetic={"cap": "max(0, 12 − 11) = 1; min(6, 1) = 1", "amount": "1000.00 × 1 = 1000.00"},
         says={"cap": ("claim-1, claim-2", "1 months remain")}),
    Case("earlier_claims_took_12_nothing_remains", "一.1: 最长不超过12个月 per graduate, across its claims",
         prior={GRADUATE_KEY: took(12, "claim-1", "claim-2")}, refused=cap_reached("social_insurance.cap"),
         steps=("graduation_year", "contract_months", "period_start", "person_months", "cap"),
         arithmetic={"cap": "max(0, 12 − 12) = 0; min(6, 0) = 0"}),
    Case("another_employer_of_the_same_graduate_shares_the_12_months",
         "一.1 per graduate, not per employer: branches A, B and C of one group (issue 19, F3)",
         applicant=OTHER_EMPLOYER, prior={GRADUATE_KEY: took(12, "branch-a")},
         refused=cap_reached("social_insurance.cap")),
    Case("claims_stored_per_hire_count_for_the_same_employer", "DOMAIN.md: stored claims still count",
         prior={HIRE_KEY: took(10, "stored-1")}, entitled="2000.00", caps=cap(2),
         says={"cap": "stored-1"}),
    Case("a_claim_stored_before_the_revision_is_decided_as_then", "DOMAIN.md: stored claims still load",
         validate=False, on=D(2022, 7, 1),
         facts={"diploma_date": DROP, "hired_on": DROP, "period_start": DROP}, entitled="6000.00", months=(),
         caps=(Cap(HIRE_KEY, 6, 12, "months"),), says={"person_months": "not checked"}),
    Case("period_lowered_mid_year_holds_the_later_claim", "DOMAIN.md: a period limit is checked against the parameter "
         "in force on the later claim's own application date", versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 9, 1),
         prior={GRADUATE_KEY: took(6, "claim-1")}, refused=cap_reached("social_insurance.cap")),
    Case("period_lowered_mid_year_not_for_a_claim_before_it",
         "DOMAIN.md: the parameter in force on the claim's own date",
         versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 8, 31), prior={GRADUATE_KEY: took(6, "claim-1")},
         entitled="6000.00", caps=cap(6)),
    # Earlier claims took more than the lowered cap: nothing remains, and the arithmetic shown
    # to the reviewer must still be true.
    Case("period_lowered_below_what_was_taken_shows_true_arithmetic", "DOMAIN.md: a period limit lowered mid-year",
         versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 9, 1), prior={GRADUATE_KEY: took(8, "claim-1")},
         refused=cap_reached("social_insurance.cap"), omits={"cap": "6 − 8 = 0"}),
]


@table(CASES)
def test_social_insurance(case: Case) -> None:
    TABLE.check(case)
