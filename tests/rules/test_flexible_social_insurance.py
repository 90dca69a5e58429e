"""一.2 灵活就业社会保险补贴: a graduate in flexible employment within within_years of leaving
school receives ⌊share × contribution⌋ a month, for at most max_months + extension_months per
person across all the person's claims."""
from __future__ import annotations

from .table import PERSON, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible, table, took

TABLE = Table("flexible_social_insurance",
              facts={"left_school_on": "2021-07-01", "monthly_contribution": "1000.00", "months": 30},
              on=D(2022, 7, 1), region="210102", kind="person", applicant=PERSON, beneficiary=None)
STEPS = ("left_school_on", "within_years", "cap", "amount", "prepayment")
PERSON_KEY = f"flexible_social_insurance:person:{PERSON}"
SHENYANG_EXTENDS_6 = (Version("extension_months", 6, region="210100", effective_from=D(2022, 7, 1), source="Shenyang"),)
HALF_IN_2023 = (Version("share", "1/2", effective_from=D(2023, 1, 1)),)


def person_cap(units: int, cap: int = 24) -> tuple[Cap, ...]:
    return (Cap(PERSON_KEY, units, cap, "months"),)


CASES = [
    Case("worked_example_1000_a_month_for_30_months_is_15999_84", "一.2: 不超过实际缴费的三分之二，补贴期限最长不超过24个月",
         entitled="15999.84", prepay=0, ready=True, limits=(), caps=person_cap(24), steps=STEPS,
         arithmetic={"cap": "max(0, 24 − 0) = 24; min(30, 24) = 24",
                     "amount": "⌊1000.00 × 2/3⌋ = 666.66; 666.66 × 24 = 15999.84",
                     "within_years": "2021-07-01 + 2 years = 2023-07-01"},
         cites={"left_school_on": (), "within_years": ("within_years",), "cap": ("max_months", "extension_months"),
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
    # ---- left school within 2 years (离校2年内)
    Case("second_anniversary_of_leaving_counts", "一.2: 离校2年内", facts={"left_school_on": "2020-07-01"},
         entitled="15999.84"),
    Case("day_after_the_second_anniversary_is_refused", "一.2: 离校2年内", facts={"left_school_on": "2020-07-01"},
         on=D(2022, 7, 2), refused=not_eligible("flexible_social_insurance.within_years"),
         arithmetic={"within_years": "2020-07-01 + 2 years = 2022-07-01"}, cites={"within_years": ("within_years",)}),
    Case("left_school_on_the_application_date_counts", "一.2: 离校 by the application date",
         facts={"left_school_on": "2022-07-01"}, entitled="15999.84"),
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
         steps=("left_school_on", "within_years", "cap"), arithmetic={"cap": "max(0, 24 − 24) = 0; min(30, 0) = 0"},
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
