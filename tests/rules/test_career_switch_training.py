"""三.10 专业转换及技能提升培训: 3 to 6 months of training for graduates within within_years of
leaving school, or students in their graduating academic year; the training institution
receives monthly_rate per trainee-month, at most max_months_per_year months per trainee and
calendar year across all the trainee's claims."""
from __future__ import annotations

from .table import (DROP, INSTITUTION, TRAINEE, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible, table,
                    took)

TABLE = Table("career_switch_training", facts={"months": 4, "left_school_on": "2021-07-01"}, on=D(2022, 9, 1),
              region="210102", kind="institution", applicant=INSTITUTION, beneficiary=TRAINEE)
STEPS = ("months", "left_school_on", "within_years", "cap", "amount", "prepayment")
KEY_2022 = f"career_switch_training:{TRAINEE}:2022"
KEY_2023 = f"career_switch_training:{TRAINEE}:2023"
# A student not yet left school, graduating in 2023: the academic year 2022-09-01 – 2023-08-31.
STUDENT_OF_2023 = {"left_school_on": DROP, "graduation_year": 2023}
SHENYANG_1500 = (Version("monthly_rate", "1500.00", region="210100", effective_from=D(2022, 9, 1), source="Shenyang"),)
# Outside 三.10's figure (= 3): a version an earlier release could record, read as recorded.
TWO_YEARS_IN_2023 = (Version("within_years", 2, effective_from=D(2023, 1, 1), stored=True),)


def trainee_cap(units: int, key: str = KEY_2022) -> tuple[Cap, ...]:
    return (Cap(key, units, 6, "months"),)


CASES = [
    Case("pays_the_monthly_rate_per_month_to_the_institution", "三.10: 按规定给予每人每月…元培训补贴，补贴直补培训机构",
         entitled="4000.00", prepay=0, ready=True, limits=(), caps=trainee_cap(4), steps=STEPS,
         arithmetic={"amount": "1000.00 × 4 = 4000.00", "cap": "max(0, 6 − 0) = 6; min(4, 6) = 4"},
         cites={"months": (), "left_school_on": (), "within_years": ("within_years",),
                "cap": ("max_months_per_year",), "amount": ({"name": "monthly_rate", "source": "assumed"},),
                "prepayment": ()}),
    Case("months_3_is_the_shortest", "三.10: 组织实施3至6个月", facts={"months": 3}, entitled="3000.00"),
    Case("months_6_is_the_longest", "三.10: 组织实施3至6个月", facts={"months": 6}, entitled="6000.00"),
    Case("months_2_is_refused_as_a_fact", "三.10: 3至6个月", facts={"months": 2}, refused=invalid("facts.months")),
    Case("months_7_is_refused_as_a_fact", "三.10: 3至6个月", facts={"months": 7}, refused=invalid("facts.months")),
    Case("months_2_is_refused_by_the_rule", "三.10: 3至6个月", facts={"months": 2}, validate=False,
         refused=not_eligible("career_switch_training.months")),
    Case("months_7_is_refused_by_the_rule", "三.10: 3至6个月", facts={"months": 7}, validate=False,
         refused=not_eligible("career_switch_training.months")),
    # ---- left school within three years (毕业离校三年内)
    Case("third_anniversary_of_leaving_counts", "三.10: 毕业离校三年内", facts={"left_school_on": "2019-07-01"},
         on=D(2022, 7, 1), entitled="4000.00"),
    Case("day_after_the_third_anniversary_is_refused", "三.10: 毕业离校三年内", facts={"left_school_on": "2019-07-01"},
         on=D(2022, 7, 2), refused=not_eligible("career_switch_training.within_years"),
         arithmetic={"within_years": "2019-07-01 + 3 years = 2022-07-01"}),
    Case("three_years_from_a_leap_day_end_on_28_february", "三.10: 三年内 from 29 February 2020",
         facts={"left_school_on": "2020-02-29"}, on=D(2023, 2, 28), entitled="4000.00"),
    Case("three_years_from_a_leap_day_not_on_1_march", "三.10: 三年内 from 29 February 2020",
         facts={"left_school_on": "2020-02-29"}, on=D(2023, 3, 1),
         refused=not_eligible("career_switch_training.within_years")),
    Case("left_school_on_the_application_date_counts", "三.10: 毕业离校 by the application date",
         facts={"left_school_on": "2022-09-01"}, entitled="4000.00"),
    Case("left_school_the_day_after_is_refused", "三.10: 毕业离校 by the application date",
         facts={"left_school_on": "2022-09-02"}, refused=not_eligible("career_switch_training.left_school_on")),
    # ---- or a student in the graduating academic year (毕业学年的高校毕业生), both ends included
    Case("student_of_2023_on_2022-09-01_first_day_of_the_academic_year", "三.10: 及毕业学年的高校毕业生",
         facts=STUDENT_OF_2023, on=D(2022, 9, 1), entitled="4000.00",
         steps=("months", "graduating_academic_year", "cap", "amount", "prepayment"),
         arithmetic={"graduating_academic_year": "2022-09-01 ≤ 2022-09-01 ≤ 2023-08-31"}),
    Case("student_of_2023_on_2022-08-31_the_day_before_is_refused", "三.10: 毕业学年", facts=STUDENT_OF_2023,
         on=D(2022, 8, 31), refused=not_eligible("career_switch_training.graduating_academic_year"),
         arithmetic={"graduating_academic_year": "2022-08-31 ∉ [2022-09-01, 2023-08-31]"}),
    Case("student_of_2023_on_2023-08-31_last_day_of_the_academic_year", "三.10: 毕业学年", facts=STUDENT_OF_2023,
         on=D(2023, 8, 31), entitled="4000.00", caps=trainee_cap(4, KEY_2023)),
    Case("student_of_2023_on_2023-09-01_the_day_after_is_refused", "三.10: 毕业学年", facts=STUDENT_OF_2023,
         on=D(2023, 9, 1), refused=not_eligible("career_switch_training.graduating_academic_year")),
    Case("both_left_school_on_and_graduation_year_is_refused", "DOMAIN.md conditions: exactly one of the two facts",
         facts={"graduation_year": 2023}, refused=invalid("facts.left_school_on", "exactly one")),
    Case("neither_left_school_on_nor_graduation_year_is_refused", "DOMAIN.md conditions: exactly one of the two facts",
         facts={"left_school_on": DROP}, refused=invalid("facts.left_school_on", "exactly one")),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"months": 6},
         refused=invalid("facts.months", "cannot change after submission")),
    # ---- parameters by region and date
    Case("shenyang_rate_from_its_date", "三.10: 每人每月…元至…元 — a city's rate", versions=SHENYANG_1500,
         entitled="6000.00"),
    Case("shenyang_rate_not_the_day_before", "三.10: a city's rate from its date only", versions=SHENYANG_1500,
         on=D(2022, 8, 31), entitled="4000.00"),
    Case("shenyang_rate_not_in_dalian", "三.10: a city's rate in its own districts only", versions=SHENYANG_1500,
         region="210202", entitled="4000.00"),
    Case("within_years_of_next_year_not_in_force_yet", "三.10: a version effective 2023-01-01 changes nothing in 2022",
         versions=TWO_YEARS_IN_2023, on=D(2022, 12, 31), facts={"left_school_on": "2020-01-01"}, entitled="4000.00"),
    Case("within_years_of_next_year_in_force_then", "三.10: the window in force on the claim's date",
         versions=TWO_YEARS_IN_2023, on=D(2023, 1, 1), facts={"left_school_on": "2020-01-01"},
         refused=not_eligible("career_switch_training.within_years")),
    # ---- the cap across claims: 6 months per trainee and calendar year
    Case("earlier_claims_took_2_the_4_fit", "三.10: months per trainee and year, across claims",
         prior={KEY_2022: took(2, "claim-1")}, entitled="4000.00", caps=trainee_cap(4),
         arithmetic={"cap": "max(0, 6 − 2) = 4; min(4, 4) = 4"}),
    Case("earlier_claims_took_3_the_rest_is_3_months", "三.10: months per trainee and year, across claims",
         prior={KEY_2022: took(3, "claim-1")}, entitled="3000.00", caps=trainee_cap(3),
         arithmetic={"cap": "max(0, 6 − 3) = 3; min(4, 3) = 3", "amount": "1000.00 × 3 = 3000.00"}),
    Case("earlier_claims_took_5_the_rest_is_1_month", "三.10: months per trainee and year, across claims",
         prior={KEY_2022: took(5, "claim-1")}, entitled="1000.00", caps=trainee_cap(1)),
    Case("earlier_claims_took_6_nothing_remains", "三.10: months per trainee and year, across claims",
         prior={KEY_2022: took(6, "claim-1", "claim-2")}, refused=cap_reached("career_switch_training.cap"),
         steps=("months", "left_school_on", "within_years", "cap"), cites={"cap": ("max_months_per_year",)}),
    Case("a_new_year_has_its_own_6_months", "三.10: 每年 — per calendar year", on=D(2023, 1, 2),
         elsewhere={KEY_2022: took(6, "claim-1")}, entitled="4000.00", caps=trainee_cap(4, KEY_2023)),
    Case("another_trainee_has_their_own_6_months", "三.10: per trainee", beneficiary="f" * 64,
         elsewhere={KEY_2022: took(6, "claim-1")}, entitled="4000.00",
         caps=(Cap(f"career_switch_training:{'f' * 64}:2022", 4, 6, "months"),)),
    # ---- rules recorded before the yearly cap was a parameter
    Case("v1_rules_without_the_yearly_cap_decide_as_before", "三.10 under the rules recorded before the revision of "
         "2026-11-30 (RuleSet.from_wire without max_months_per_year)", without=("max_months_per_year",),
         on=D(2022, 7, 15), region="210100", entitled="4000.00", caps=(),
         steps=("months", "left_school_on", "within_years", "max_months_per_year", "amount", "prepayment"),
         says={"max_months_per_year": ("not checked", "未核对")}),
]


@table(CASES)
def test_career_switch_training(case: Case) -> None:
    TABLE.check(case)


def test_months_fact_declares_the_3_to_6_range():
    """三.10: 3至6个月 — the bounds are in the published fact schema, not only in the rule."""
    schema = TABLE.program.facts_schema()
    assert (schema["properties"]["months"]["minimum"], schema["properties"]["months"]["maximum"]) == (3, 6)
    assert {"oneOf": [{"required": ["left_school_on"]}, {"required": ["graduation_year"]}]} in schema["allOf"]


def test_career_switch_training_is_paid_to_the_institution_for_a_trainee():
    """三.10: 补贴直补培训机构, from the skill-upgrade account or the employment subsidy fund."""
    program = TABLE.program
    assert (program.applicant_kinds, program.beneficiary_role) == (("institution",), "trainee")
    assert program.fund_types == ("skill_upgrade_account", "employment_subsidy")
