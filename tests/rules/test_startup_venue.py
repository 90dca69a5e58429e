"""二.6 创业场地补贴: a graduate's first business on a rented venue (租赁场地首次创办), outside any
incubator, that has operated at least 6 months receives its monthly rent for at most
max_months per graduate across all their claims, as a person or through companies (DOMAIN.md,
revision of 2026-12-07); at most prepay_months months' rent may be prepaid."""
from __future__ import annotations

from ledger.errors import Duplicate

from .table import (DROP, EMPLOYER, HIRE, PERSON, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible,
                    raises, table, took)

# An enterprise names its founder, the graduate (HIRE stands for the founder's keyed hash).
TABLE = Table("startup_venue", facts={"monthly_rent": "2000.00", "months": 12, "in_incubator": False,
                                      "operating_since": "2022-01-01", "graduation_year": 2020,
                                      "diploma_date": "2020-06-30", "first_business": True},
              on=D(2022, 7, 1), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE)
STEPS = ("graduate", "in_incubator", "first_business", "operating_months", "cap", "amount", "prepayment")
BUSINESS_KEY = f"startup_venue:graduate:{HIRE}"
STORED_KEY = f"startup_venue:business:{EMPLOYER}"  # the key of 2026-11-30: claims stored then count
NO_PREPAYMENT = (Version("prepay_months", 0, region="210100"),)
SHENYANG_12_FROM_SEPTEMBER = (Version("max_months", 12, region="210100", effective_from=D(2022, 9, 1),
                                      source="Shenyang"),)
PREPAY_3_IN_2023 = (Version("prepay_months", 3, effective_from=D(2023, 1, 1)),)


def business_cap(units: int, cap: int = 24) -> tuple[Cap, ...]:
    return (Cap(BUSINESS_KEY, units, cap, "months", tag=EMPLOYER),)


CASES = [
    Case("pays_the_rent_with_6_months_prepayable", "二.6: 按照实际租赁期限相应给予创业场地补贴…可预拨不超过6个月",
         entitled="24000.00", prepay="1/2", prepayable="12000.00", ready=True, limits=(), caps=business_cap(12),
         steps=STEPS,
         arithmetic={"cap": "max(0, 24 − 0) = 24; min(12, 24) = 12", "amount": "2000.00 × 12 = 24000.00",
                     "prepayment": "min(6, 12) / 12 = 0.5; ⌊24000.00 × 0.5⌋ = 12000.00",
                     "operating_months": "2022-01-01 + 6 months = 2022-07-01 ≤ 2022-07-01"},
         cites={"graduate": ("graduate_within_years",), "in_incubator": (), "first_business": (), "operating_months": (),
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
         applicant=PERSON, beneficiary=None, entitled="24000.00",
         caps=(Cap(f"startup_venue:graduate:{PERSON}", 12, 24, "months", tag=PERSON),)),
    # ---- 首次创办 (F7): one business per graduate, as a person or through any company
    Case("not_a_first_business_is_refused", "二.6: 租赁场地首次创办", facts={"first_business": False},
         refused=not_eligible("startup_venue.first_business")),
    Case("the_same_graduate_through_another_company_is_a_duplicate",
         "二.6 首次创办: the graduate as a person, then through two companies (issue 19, F7)",
         prior={BUSINESS_KEY: took(12, "as-a-person", tags=((HIRE, 12),))},
         refused=raises(Duplicate, "another business")),
    Case("the_same_company_claims_its_remaining_months", "二.6: 24 months per graduate, the same business",
         prior={BUSINESS_KEY: took(12, "claim-1", tags=((EMPLOYER, 12),))}, entitled="24000.00", caps=business_cap(12)),
    Case("the_graduate_as_a_person_after_a_company_is_a_duplicate", "二.6 首次创办 (F7)", kind="person",
         applicant=HIRE, beneficiary=None, prior={BUSINESS_KEY: took(6, "company-claim", tags=((EMPLOYER, 6),))},
         refused=raises(Duplicate, "another business")),
    Case("claims_stored_per_business_count", "DOMAIN.md: stored claims still count",
         prior={STORED_KEY: took(20, "stored-1")}, entitled="8000.00", prepay=1, caps=business_cap(4),
         says={"cap": "stored-1"}),
    Case("a_company_claim_stored_without_a_founder_keeps_its_business_key", "DOMAIN.md: stored claims still load",
         validate=False, beneficiary=None, facts={"diploma_date": DROP, "first_business": DROP},
         entitled="24000.00", caps=(Cap(f"startup_venue:graduate:{EMPLOYER}", 12, 24, "months", tag=EMPLOYER),)),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"months": 6},
         refused=invalid("facts.months", "cannot change after submission")),
    Case("diploma_date_is_required", "DOMAIN.md Graduates, hires, interns: diploma_date",
         facts={"diploma_date": DROP}, refused=invalid("facts.diploma_date")),
    Case("first_business_is_required", "DOMAIN.md Graduates, hires, interns: first_business",
         facts={"first_business": DROP}, refused=invalid("facts.first_business")),
    Case("graduation_year_may_be_left_out", "DOMAIN.md: graduation_year, if given, is the diploma's year",
         facts={"graduation_year": DROP}, entitled="24000.00"),
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
    # ---- a graduate: the business registered within 5 years of the diploma's date (F13)
    Case("registered_on_the_day_60_months_after_the_diploma", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2016, "diploma_date": "2016-06-30", "operating_since": "2021-06-30"},
         entitled="24000.00", arithmetic={"graduate": "2016-06-30 ≤ 2021-06-30 ≤ 2016-06-30 + 60 months = 2021-06-30"}),
    Case("registered_the_day_after_60_months_is_refused", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2016, "diploma_date": "2016-06-30", "operating_since": "2021-07-01"},
         refused=not_eligible("startup_venue.graduate"), cites={"graduate": ("graduate_within_years",)}),
    Case("no_calendar_year_count", "毕业证书所注日期起5年内, not application year − graduation year (F13)",
         facts={"graduation_year": 2017, "diploma_date": "2017-07-15", "operating_since": "2022-01-01"},
         entitled="24000.00"),
    Case("registered_before_the_diploma_is_not_a_graduates_business", "本通知所指高校毕业生: from the diploma's date",
         facts={"graduation_year": 2022, "diploma_date": "2022-06-30"}, refused=not_eligible("startup_venue.graduate")),
    Case("stored_without_a_diploma_date_counts_years_as_then", "本通知所指高校毕业生: a claim stored before F13",
         facts={"diploma_date": DROP, "graduation_year": 2016}, validate=False,
         refused=not_eligible("startup_venue.graduate"), arithmetic={"graduate": "0 ≤ 2022 − 2016 = 6 > 5"}),
    Case("v1_rules_and_facts_note_the_graduate_not_checked", "本通知所指高校毕业生: not checked on a claim that "
         "predates the condition", facts={"graduation_year": DROP, "diploma_date": DROP}, validate=False,
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
         steps=("graduate", "in_incubator", "first_business", "operating_months", "cap")),
    Case("another_graduate_has_their_own_24_months", "二.6: per graduate", beneficiary="f" * 64,
         elsewhere={BUSINESS_KEY: took(24, "claim-1")}, entitled="24000.00"),
]


@table(CASES)
def test_startup_venue(case: Case) -> None:
    TABLE.check(case)


def test_startup_venue_is_for_the_applicant_alone():
    """二.6: applied for by the graduate or by the business itself."""
    assert (TABLE.program.applicant_kinds, TABLE.program.beneficiary, TABLE.program.founder) == (
        ("person", "enterprise"), False, True)
