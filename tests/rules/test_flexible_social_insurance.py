"""一.2 灵活就业社会保险补贴: a graduate in flexible employment within within_years of leaving
school receives ⌊share × contribution⌋ a month, for at most max_months + extension_months per
person across all the person's claims; the person's first subsidised month lies within
within_years of leaving school, and a month another counting claim of the person holds is
never subsidised twice (DOMAIN.md, revision of 2026-12-07)."""
from __future__ import annotations

from ledger.policy.programs import months_from

from .table import (DROP, PERSON, Cap, Case, D, Months, Table, Version, cap_reached, invalid, not_eligible, table,
                    took)

TABLE = Table("flexible_social_insurance",
              facts={"left_school_on": "2021-07-01", "monthly_contribution": "1000.00", "months": 30,
                     "period_start": "2022-06-01"},
              on=D(2022, 7, 1), region="210102", kind="person", applicant=PERSON, beneficiary=None)
STEPS = ("left_school_on", "within_years", "person_months", "cap", "amount", "prepayment")
PERSON_KEY = f"flexible_social_insurance:person:{PERSON}"
MONTHS_KEY = f"person-months:{PERSON}"


def taken(first: str, count: int, fen: int = 66666) -> tuple[Months, ...]:
    return (Months(MONTHS_KEY, tuple(months_from(D.fromisoformat(first), count)), fen),)


def held(first: str, count: int, claim: str) -> dict:
    return {MONTHS_KEY: {m: claim for m in months_from(D.fromisoformat(first), count)}}
SHENYANG_EXTENDS_6 = (Version("extension_months", 6, region="210100", effective_from=D(2022, 7, 1), source="Shenyang"),)
HALF_IN_2023 = (Version("share", "1/2", effective_from=D(2023, 1, 1)),)


def person_cap(units: int, cap: int = 24) -> tuple[Cap, ...]:
    return (Cap(PERSON_KEY, units, cap, "months"),)


CASES = [
    Case("worked_example_1000_a_month_for_30_months_is_15999_84", "一.2: 不超过实际缴费的三分之二，补贴期限最长不超过24个月",
         entitled="15999.84", prepay=0, ready=True, limits=(), caps=person_cap(24), steps=STEPS,
         months=taken("2022-06-01", 24),
         arithmetic={"cap": "max(0, 24 − 0) = 24; min(30, 24) = 24",
                     "amount": "⌊1000.00 × 2/3⌋ = 666.66; 666.66 × 24 = 15999.84",
                     "within_years": "2021-07 ≤ 2022-06 ≤ 2023-07-01", "person_months": "30 − 0 = 30"},
         cites={"left_school_on": (), "within_years": ("within_years",), "person_months": (),
                "cap": ("max_months", "extension_months"),
                "amount": ({"name": "share", "value": "2/3", "source": "the notice"},), "prepayment": ()}),
    Case("share_floors_the_monthly_subsidy_to_the_fen", "一.2: ⌊1000.01 × 2/3⌋ = 666.67, never rounded up",
         facts={"monthly_contribution": "1000.01", "months": 1}, entitled="666.67"),
    Case("one_fen_a_month_is_subsidised_nothing", "一.2: ⌊0.01 × 2/3⌋ = 0.00",
         facts={"monthly_contribution": "0.01", "months": 1}, entitled="0.00"),
    Case("months_23_paid_in_full", "一.2: 补贴期限最长不超过24个月", facts={"months": 23}, entitled="15333.18",
         caps=person_cap(23)),
    Case("months_24_paid_in_full", "一.2: 补贴期限最长不超过24个月", facts={"months": 24}, entitled="15999.84",
         caps=person_cap(24)),
    Case("months_25_count_as_24", "一.2: 补贴期限最长不超过24个月", facts={"months": 25}, entitled="15999.84",
         caps=person_cap(24)),
    # ---- a city's extension (可延长最多不超过6个月，具体期限由各市确定)
    Case("shenyang_extension_of_6_months_from_its_date", "一.2: 享受期限可延长最多不超过6个月", versions=SHENYANG_EXTENDS_6,
         entitled="19999.80", caps=person_cap(30, 30),
         arithmetic={"cap": "max(0, 30 − 0) = 30; min(30, 30) = 30",
                     "amount": "⌊1000.00 × 2/3⌋ = 666.66; 666.66 × 30 = 19999.80"},
         cites={"cap": ({"name": "max_months", "value": 24}, {"name": "extension_months", "value": 6,
                                                              "region": "210100", "source": "Shenyang"})}),
    Case("shenyang_extension_caps_31_months_at_30", "一.2: 24 + 6 months at most", versions=SHENYANG_EXTENDS_6,
         facts={"months": 31}, entitled="19999.80"),
    Case("shenyang_extension_not_the_day_before", "一.2: a city's extension from its date only",
         versions=SHENYANG_EXTENDS_6, on=D(2022, 6, 30), entitled="15999.84"),
    Case("shenyang_extension_not_in_dalian", "一.2: a city's extension in its own districts only",
         versions=SHENYANG_EXTENDS_6, region="210202", entitled="15999.84"),
    # ---- left school within 2 years (离校2年内): the person's first subsidised month (F9)
    Case("first_month_on_the_second_anniversary_counts", "一.2: 离校2年内", on=D(2022, 7, 1),
         facts={"left_school_on": "2020-07-01", "period_start": "2022-07-01"}, entitled="15999.84",
         arithmetic={"within_years": "2020-07 ≤ 2022-07 ≤ 2022-07-01"}),
    Case("first_month_after_the_second_anniversary_is_refused", "一.2: 离校2年内", on=D(2022, 8, 1),
         facts={"left_school_on": "2020-07-01", "period_start": "2022-08-01"},
         refused=not_eligible("flexible_social_insurance.within_years"),
         arithmetic={"within_years": "2022-08 ∉ [2020-07, 2022-07-01]"}, cites={"within_years": ("within_years",)}),
    Case("applied_a_day_after_two_years_for_a_period_begun_within_them_is_paid",
         "一.2 离校2年内 tests the subsidised period, not the application date (issue 19, F9)",
         on=D(2022, 7, 2), facts={"left_school_on": "2020-07-01", "period_start": "2022-06-01", "months": 12},
         entitled="7999.92", months=taken("2022-06-01", 12)),
    Case("a_period_before_leaving_school_is_refused", "一.2: 离校 before the first subsidised month",
         facts={"left_school_on": "2021-07-15", "period_start": "2021-06-01"},
         refused=not_eligible("flexible_social_insurance.within_years")),
    Case("later_months_may_pass_two_years_after_an_earlier_claim_within_them",
         "一.2 离校2年内: the first subsidised month, of this or an earlier claim (DOMAIN.md F9)",
         on=D(2023, 3, 1), facts={"left_school_on": "2021-07-01", "period_start": "2023-08-01", "months": 6},
         prior={PERSON_KEY: took(6, "flex-1")}, held=held("2022-01-01", 6, "flex-1"), entitled="3999.96",
         months=taken("2023-08-01", 6), says={"within_years": ("2022-01", "an earlier claim")}),
    Case("months_of_another_program_do_not_open_the_window", "一.2: the person's first flexible-employment month",
         on=D(2023, 3, 1), facts={"left_school_on": "2021-07-01", "period_start": "2023-08-01", "months": 6},
         held=held("2022-01-01", 6, "social-insurance-1"),
         refused=not_eligible("flexible_social_insurance.within_years")),
    # ---- one subsidy per person-month (DOMAIN.md; F3): months social insurance already pays
    Case("months_held_by_social_insurance_are_not_paid_again",
         "DOMAIN.md One subsidy per person-month: 社会保险补贴 and 灵活就业社会保险补贴 never for one month",
         facts={"months": 12}, held=held("2022-06-01", 4, "social-insurance-1"), entitled="5333.28",
         months=taken("2022-10-01", 8), caps=person_cap(8),
         says={"person_months": ("social-insurance-1", "8 months remain")}),
    Case("every_month_held_is_409", "DOMAIN.md One subsidy per person-month: none left is 409 limit_exceeded",
         facts={"months": 4}, held=held("2022-06-01", 4, "social-insurance-1"),
         refused=cap_reached("flexible_social_insurance.person_months"),
         steps=("left_school_on", "within_years", "person_months")),
    Case("period_start_is_the_first_of_a_month", "DOMAIN.md: period_start is YYYY-MM-01",
         facts={"period_start": "2022-06-15"}, refused=invalid("facts.period_start")),
    Case("period_start_is_required", "DOMAIN.md: every person-month claim records its months",
         facts={"period_start": DROP}, refused=invalid("facts.period_start")),
    Case("a_claim_stored_before_periods_is_decided_as_then", "DOMAIN.md: stored claims still load and count",
         facts={"period_start": DROP}, validate=False, entitled="15999.84", months=(),
         steps=("left_school_on", "within_years", "person_months", "cap", "amount", "prepayment"),
         says={"person_months": "not checked"},
         arithmetic={"within_years": "2021-07-01 + 2 years = 2023-07-01"}),
    Case("left_school_on_the_application_date_counts", "一.2: 离校 by the application date",
         facts={"left_school_on": "2022-07-01", "period_start": "2022-07-01"}, entitled="15999.84"),
    Case("left_school_the_day_after_is_refused", "一.2: 离校 by the application date",
         facts={"left_school_on": "2022-07-02"}, refused=not_eligible("flexible_social_insurance.left_school_on")),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"months": 12},
         refused=invalid("facts.months", "cannot change after submission")),
    Case("share_of_next_year_not_in_force_yet", "一.2: a version effective 2023-01-01 changes nothing in 2022",
         versions=HALF_IN_2023, on=D(2022, 12, 31), entitled="15999.84"),
    Case("share_of_next_year_in_force_then", "一.2: the share in force on the claim's date", versions=HALF_IN_2023,
         on=D(2023, 1, 1), entitled="12000.00"),
    # ---- the cap across claims: 24 (+ extension) months per person
    Case("earlier_claims_took_0_all_24_remain", "一.2: 补贴期限最长不超过24个月 per person, across claims",
         prior={PERSON_KEY: took(0)}, entitled="15999.84", caps=person_cap(24)),
    Case("earlier_claims_took_12_exactly_12_more", "一.2: 24 months per person, across claims",
         prior={PERSON_KEY: took(12, "claim-1")}, facts={"months": 12}, entitled="7999.92", caps=person_cap(12),
         arithmetic={"cap": "max(0, 24 − 12) = 12; min(12, 12) = 12"}),
    Case("earlier_claims_took_12_a_13th_is_cut", "一.2: 24 months per person, across claims",
         prior={PERSON_KEY: took(12, "claim-1")}, facts={"months": 13}, entitled="7999.92", caps=person_cap(12)),
    Case("earlier_claims_took_23_the_rest_is_1_month", "一.2: 24 months per person, across claims",
         prior={PERSON_KEY: took(23, "claim-1", "claim-2")}, entitled="666.66", caps=person_cap(1),
         arithmetic={"cap": "max(0, 24 − 23) = 1; min(30, 1) = 1", "amount": "⌊1000.00 × 2/3⌋ = 666.66; 666.66 × 1 = 666.66"},
         says={"cap": ("claim-1, claim-2", "took 23 months", "1 months remain")}),
    Case("earlier_claims_took_24_nothing_remains", "一.2: 24 months per person, across claims",
         prior={PERSON_KEY: took(24, "claim-1", "claim-2")}, refused=cap_reached("flexible_social_insurance.cap"),
         steps=("left_school_on", "within_years", "person_months", "cap"),
         arithmetic={"cap": "max(0, 24 − 24) = 0; min(30, 0) = 0"},
         cites={"cap": ("max_months", "extension_months")}),
    Case("earlier_claims_took_24_the_extension_remains", "一.2: 享受期限可延长最多不超过6个月",
         versions=SHENYANG_EXTENDS_6, prior={PERSON_KEY: took(24, "claim-1")}, entitled="3999.96",
         caps=person_cap(6, 30)),
    Case("another_person_has_their_own_24_months", "一.2: per person", applicant="f" * 64,
         elsewhere={PERSON_KEY: took(24, "claim-1")}, entitled="15999.84",
         caps=(Cap(f"flexible_social_insurance:person:{'f' * 64}", 24, 24, "months"),)),
]


@table(CASES)
def test_flexible_social_insurance(case: Case) -> None:
    TABLE.check(case)


def test_flexible_social_insurance_is_for_the_applicant_alone():
    """一.2: applied for by the graduate and paid to the graduate, from the employment subsidy fund."""
    program = TABLE.program
    assert (program.applicant_kinds, program.beneficiary, program.fund_types) == (
        ("person",), False, ("employment_subsidy",))
