"""一.1 社会保险补贴: an employer hiring a graduate of the application year or a
registered-unemployed graduate on a contract of at least a year receives the contributions
it actually pays, for at most max_months per hire across all the hire's claims; small,
medium and micro firms, or the employer of a retained intern (一.3), may be prepaid a share,
never twice."""
from __future__ import annotations

from .table import DROP, EMPLOYER, HIRE, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible, table, took

TABLE = Table("social_insurance", facts={"graduation_year": 2022, "registered_unemployed": False, "contract_months": 24,
                                         "enterprise_size": "large", "employer_monthly_contribution": "1000.00",
                                         "months": 6, "retained_intern": False},
              on=D(2022, 7, 1), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE)
STEPS = ("graduation_year", "contract_months", "cap", "amount", "prepayment")
HIRE_KEY = f"social_insurance:hire:{EMPLOYER}:{HIRE}"
OTHER_EMPLOYER = "f" * 64
SHENYANG_PREPAY_03 = (Version("prepay_share", "0.3", region="210100", effective_from=D(2022, 9, 1), source="Shenyang"),)
SIX_MONTHS_IN_2023 = (Version("max_months", 6, effective_from=D(2023, 1, 1)),)
# A city lowering the period mid-year: later claims are held to the lower figure.
SHENYANG_6_FROM_SEPTEMBER = (Version("max_months", 6, region="210100", effective_from=D(2022, 9, 1)),)

CASES = [
    Case("pays_actual_contributions_per_month", "一.1: 按其为高校毕业生实际缴纳的社会保险费",
         entitled="6000.00", prepay=0, ready=True, limits=(), caps=(Cap(HIRE_KEY, 6, 12, "months"),), steps=STEPS,
         arithmetic={"cap": "max(0, 12 − 0) = 12; min(6, 12) = 6", "amount": "1000.00 × 6 = 6000.00"},
         cites={"graduation_year": (), "contract_months": (), "cap": ("max_months",), "amount": (), "prepayment": ()}),
    Case("months_11_paid_in_full", "一.1: 最长不超过12个月", facts={"months": 11}, entitled="11000.00"),
    Case("months_12_paid_in_full", "一.1: 最长不超过12个月", facts={"months": 12}, entitled="12000.00",
         caps=(Cap(HIRE_KEY, 12, 12, "months"),)),
    Case("months_13_count_as_12", "一.1: 最长不超过12个月", facts={"months": 13}, entitled="12000.00",
         caps=(Cap(HIRE_KEY, 12, 12, "months"),),
         arithmetic={"cap": "max(0, 12 − 0) = 12; min(13, 12) = 12", "amount": "1000.00 × 12 = 12000.00"},
         cites={"cap": ({"name": "max_months", "value": 12, "source": "the notice"},)}),
    # ---- who: 毕业年度 or 登记失业
    Case("registered_unemployed_graduate_of_an_earlier_year", "一.1: 招用毕业年度或登记失业高校毕业生",
         facts={"graduation_year": 2020, "registered_unemployed": True}, entitled="6000.00"),
    Case("registered_unemployed_graduate_of_the_year", "一.1: 招用毕业年度或登记失业高校毕业生",
         facts={"registered_unemployed": True}, entitled="6000.00"),
    Case("earlier_graduate_not_registered_is_refused", "一.1: 招用毕业年度或登记失业高校毕业生",
         facts={"graduation_year": 2021}, refused=not_eligible("social_insurance.graduation_year")),
    Case("graduating_next_year_is_refused_even_if_registered",
         "一.1: someone graduating next year is not yet a graduate",
         facts={"graduation_year": 2023, "registered_unemployed": True},
         refused=not_eligible("social_insurance.graduation_year")),
    Case("contract_of_12_months_qualifies", "一.1: 签订1年以上期限劳动合同", facts={"contract_months": 12},
         entitled="6000.00"),
    Case("contract_of_11_months_is_refused", "一.1: 签订1年以上期限劳动合同", facts={"contract_months": 11},
         refused=not_eligible("social_insurance.contract_months")),
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
    Case("retained_intern_is_required", "DOMAIN.md facts: all seven at submission",
         facts={"retained_intern": DROP}, refused=invalid("facts.retained_intern")),
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
         versions=SIX_MONTHS_IN_2023, on=D(2023, 1, 1), facts={"graduation_year": 2023, "months": 12},
         entitled="6000.00", caps=(Cap(HIRE_KEY, 6, 6, "months"),)),
    # ---- the cap across claims: 12 months per hire (DOMAIN.md, caps across claims)
    Case("earlier_claims_took_6_this_one_gets_its_6", "一.1: 最长不超过12个月 per hire, across its claims",
         prior={HIRE_KEY: took(6, "claim-1")}, facts={"months": 6}, entitled="6000.00",
         caps=(Cap(HIRE_KEY, 6, 12, "months"),), arithmetic={"cap": "max(0, 12 − 6) = 6; min(6, 6) = 6"}),
    Case("earlier_claims_took_11_this_one_gets_the_last_month", "一.1: 最长不超过12个月 per hire, across its claims",
         prior={HIRE_KEY: took(11, "claim-1", "claim-2")}, entitled="1000.00",
         caps=(Cap(HIRE_KEY, 1, 12, "months"),),
         arithmetic={"cap": "max(0, 12 − 11) = 1; min(6, 1) = 1", "amount": "1000.00 × 1 = 1000.00"},
         says={"cap": ("claim-1, claim-2", "1 months remain")}),
    Case("earlier_claims_took_12_nothing_remains", "一.1: 最长不超过12个月 per hire, across its claims",
         prior={HIRE_KEY: took(12, "claim-1", "claim-2")}, refused=cap_reached("social_insurance.cap"),
         steps=("graduation_year", "contract_months", "cap"), arithmetic={"cap": "max(0, 12 − 12) = 0; min(6, 0) = 0"}),
    Case("another_employer_of_the_same_graduate_has_its_own_12_months", "一.1: per hire (employer and graduate)",
         applicant=OTHER_EMPLOYER, elsewhere={HIRE_KEY: took(12, "claim-1")}, entitled="6000.00",
         caps=(Cap(f"social_insurance:hire:{OTHER_EMPLOYER}:{HIRE}", 6, 12, "months"),)),
    Case("period_lowered_mid_year_holds_the_later_claim", "DOMAIN.md: a period limit is checked against the parameter "
         "in force on the later claim's own application date", versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 9, 1),
         prior={HIRE_KEY: took(6, "claim-1")}, refused=cap_reached("social_insurance.cap")),
    Case("period_lowered_mid_year_not_for_a_claim_before_it",
         "DOMAIN.md: the parameter in force on the claim's own date",
         versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 8, 31), prior={HIRE_KEY: took(6, "claim-1")},
         entitled="6000.00", caps=(Cap(HIRE_KEY, 6, 12, "months"),)),
    # Earlier claims took more than the lowered cap: nothing remains, and the arithmetic shown
    # to the reviewer must still be true.
    Case("period_lowered_below_what_was_taken_shows_true_arithmetic", "DOMAIN.md: a period limit lowered mid-year",
         versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 9, 1), prior={HIRE_KEY: took(8, "claim-1")},
         refused=cap_reached("social_insurance.cap"), omits={"cap": "6 − 8 = 0"}),
]


@table(CASES)
def test_social_insurance(case: Case) -> None:
    TABLE.check(case)
