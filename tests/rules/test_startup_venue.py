"""二.6 创业场地补贴: a graduate's business outside any incubator that has operated at least 6
months receives its monthly rent for at most max_months per business across all its claims;
at most prepay_months months' rent may be prepaid."""
from __future__ import annotations

from .table import DROP, EMPLOYER, PERSON, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible, table, took

TABLE = Table("startup_venue", facts={"monthly_rent": "2000.00", "months": 12, "in_incubator": False,
                                      "operating_since": "2022-01-01", "graduation_year": 2020},
              on=D(2022, 7, 1), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=None)
STEPS = ("graduate", "in_incubator", "operating_months", "cap", "amount", "prepayment")
BUSINESS_KEY = f"startup_venue:business:{EMPLOYER}"
NO_PREPAYMENT = (Version("prepay_months", 0, region="210100"),)
SHENYANG_12_FROM_SEPTEMBER = (Version("max_months", 12, region="210100", effective_from=D(2022, 9, 1),
                                      source="Shenyang"),)
PREPAY_3_IN_2023 = (Version("prepay_months", 3, effective_from=D(2023, 1, 1)),)


def business_cap(units: int, cap: int = 24) -> tuple[Cap, ...]:
    return (Cap(BUSINESS_KEY, units, cap, "months"),)


CASES = [
    Case("pays_the_rent_with_6_months_prepayable", "二.6: 按照实际租赁期限相应给予创业场地补贴…可预拨不超过6个月",
         entitled="24000.00", prepay="1/2", prepayable="12000.00", ready=True, limits=(), caps=business_cap(12),
         steps=STEPS,
         arithmetic={"cap": "max(0, 24 − 0) = 24; min(12, 24) = 12", "amount": "2000.00 × 12 = 24000.00",
                     "prepayment": "min(6, 12) / 12 = 0.5; ⌊24000.00 × 0.5⌋ = 12000.00",
                     "operating_months": "2022-01-01 + 6 months = 2022-07-01 ≤ 2022-07-01"},
         cites={"graduate": ("graduate_within_years",), "in_incubator": (), "operating_months": (),
                "cap": ("max_months",), "amount": (), "prepayment": ("prepay_months",)}),
    Case("months_23_paid_in_full", "二.6: 补贴期限最长不超过24个月", facts={"months": 23}, entitled="46000.00"),
    Case("months_24_paid_in_full", "二.6: 补贴期限最长不超过24个月", facts={"months": 24}, entitled="48000.00"),
    Case("months_25_count_as_24", "二.6: 补贴期限最长不超过24个月", facts={"months": 25}, entitled="48000.00",
         prepay="1/4", prepayable="12000.00", caps=business_cap(24)),
    *[Case(f"prepayment_of_{months}_months_rent", "二.6: at most prepay_months months' rent, never more than covered",
           facts={"months": months}, prepay=share, prepayable=f"{2000 * min(6, months)}.00")
      for months, share in ((1, 1), (5, 1), (6, 1), (7, "6/7"))],
    Case("prepay_months_0_means_no_prepayment", "二.6: 有条件的市可预拨 — a city that does not prepay",
         versions=NO_PREPAYMENT, prepay=0, prepayable="0.00"),
    Case("in_an_incubator_is_refused", "二.6: 对没有进入创业孵化基地（园区）", facts={"in_incubator": True},
         refused=not_eligible("startup_venue.in_incubator")),
    Case("operating_exactly_6_months", "二.6: 自工商登记注册之日起正常运营6个月以上", entitled="24000.00"),
    Case("operating_one_day_short_of_6_months_is_refused", "二.6: 正常运营6个月以上", on=D(2022, 6, 30),
         refused=not_eligible("startup_venue.operating_months"),
         arithmetic={"operating_months": "2022-01-01 + 6 months = 2022-07-01 > 2022-06-30"}),
    Case("operating_since_31_december_reaches_6_months_on_30_june", "二.6: months end on the shorter month's last day",
         facts={"operating_since": "2021-12-31"}, on=D(2022, 6, 30), entitled="24000.00"),
    Case("operating_since_31_december_not_on_29_june", "二.6: 正常运营6个月以上",
         facts={"operating_since": "2021-12-31"}, on=D(2022, 6, 29),
         refused=not_eligible("startup_venue.operating_months")),
    Case("operating_after_the_application_date_is_refused", "二.6: a business not yet operating",
         facts={"operating_since": "2022-07-02"}, refused=not_eligible("startup_venue.operating_months")),
    Case("applied_for_by_the_graduate", "二.6: the graduate or the business itself applies", kind="person",
         applicant=PERSON, entitled="24000.00", caps=(Cap(f"startup_venue:business:{PERSON}", 12, 24, "months"),)),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"months": 6},
         refused=invalid("facts.months", "cannot change after submission")),
    Case("graduation_year_is_required", "DOMAIN.md conditions: a required graduation_year",
         facts={"graduation_year": DROP}, refused=invalid("facts.graduation_year")),
    # ---- parameters by region and date
    Case("shenyang_12_months_from_its_date", "二.6: a city's shorter period", versions=SHENYANG_12_FROM_SEPTEMBER,
         on=D(2022, 9, 1), facts={"months": 24}, entitled="24000.00", caps=business_cap(12, 12)),
    Case("shenyang_12_months_not_the_day_before", "二.6: a city's period from its date only",
         versions=SHENYANG_12_FROM_SEPTEMBER, on=D(2022, 8, 31), facts={"months": 24}, entitled="48000.00"),
    Case("shenyang_12_months_not_in_dalian", "二.6: a city's period in its own districts only",
         versions=SHENYANG_12_FROM_SEPTEMBER, on=D(2022, 9, 1), region="210202", facts={"months": 24},
         entitled="48000.00"),
    Case("prepay_months_of_next_year_not_in_force_yet", "二.6: a version effective 2023-01-01 changes nothing in 2022",
         versions=PREPAY_3_IN_2023, on=D(2022, 12, 31), prepay="1/2"),
    Case("prepay_months_of_next_year_in_force_then", "二.6: prepay_months in force on the claim's date",
         versions=PREPAY_3_IN_2023, on=D(2023, 1, 1), prepay="1/4"),
    # ---- a graduate within five years
    Case("graduated_5_years_before_the_application_year", "本通知所指高校毕业生: 5年内",
         facts={"graduation_year": 2017}, entitled="24000.00", arithmetic={"graduate": "0 ≤ 2022 − 2017 = 5 ≤ 5"}),
    Case("graduated_6_years_before_is_refused", "本通知所指高校毕业生: 5年内", facts={"graduation_year": 2016},
         refused=not_eligible("startup_venue.graduate"), arithmetic={"graduate": "0 ≤ 2022 − 2016 = 6 > 5"},
         cites={"graduate": ("graduate_within_years",)}),
    Case("graduating_in_the_application_year", "本通知所指高校毕业生: from the diploma's date",
         facts={"graduation_year": 2022}, entitled="24000.00", arithmetic={"graduate": "0 ≤ 2022 − 2022 = 0 ≤ 5"}),
    # Five years *from* the diploma's date: someone graduating after the application year holds
    # no diploma yet and is not a graduate of the notice (一.1 social_insurance refuses the same).
    Case("graduating_after_the_application_year_is_not_a_graduate", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2023}, refused=not_eligible("startup_venue.graduate")),
    Case("v1_rules_and_facts_note_the_graduate_not_checked", "本通知所指高校毕业生: not checked on a claim that "
         "predates the condition", facts={"graduation_year": DROP}, validate=False,
         without=("graduate_within_years",), entitled="24000.00", steps=STEPS,
         says={"graduate": ("not checked", "未核对")}),
    # ---- the cap across claims: max_months per business
    Case("earlier_claims_took_12_exactly_12_more", "二.6: 补贴期限最长不超过24个月 per business, across claims",
         prior={BUSINESS_KEY: took(12, "claim-1")}, entitled="24000.00", caps=business_cap(12),
         arithmetic={"cap": "max(0, 24 − 12) = 12; min(12, 12) = 12"}),
    Case("earlier_claims_took_18_the_rest_is_6_months", "二.6: 24 months per business, across claims",
         prior={BUSINESS_KEY: took(18, "claim-1")}, entitled="12000.00", prepay=1, prepayable="12000.00",
         caps=business_cap(6)),
    Case("earlier_claims_took_23_the_rest_is_1_month", "二.6: 24 months per business, across claims",
         prior={BUSINESS_KEY: took(23, "claim-1", "claim-2")}, entitled="2000.00", prepay=1, caps=business_cap(1),
         arithmetic={"cap": "max(0, 24 − 23) = 1; min(12, 1) = 1", "prepayment": "min(6, 1) / 1 = 1; ⌊2000.00 × 1⌋ = 2000.00"}),
    Case("earlier_claims_took_24_nothing_remains", "二.6: 24 months per business, across claims",
         prior={BUSINESS_KEY: took(24, "claim-1", "claim-2")}, refused=cap_reached("startup_venue.cap"),
         steps=("graduate", "in_incubator", "operating_months", "cap")),
    Case("another_business_has_its_own_24_months", "二.6: per business", applicant="f" * 64,
         elsewhere={BUSINESS_KEY: took(24, "claim-1")}, entitled="24000.00"),
]


@table(CASES)
def test_startup_venue(case: Case) -> None:
    TABLE.check(case)


def test_startup_venue_is_for_the_applicant_alone():
    """二.6: applied for by the graduate or by the business itself."""
    assert (TABLE.program.applicant_kinds, TABLE.program.beneficiary) == (("person", "enterprise"), False)
