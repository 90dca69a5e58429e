"""三.10 专业转换及技能提升培训: 3 to 6 months of training for graduates within within_years of
leaving school; the training institution receives monthly_rate per trainee-month."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("career_switch_training")
FACTS = {"months": 4, "left_school_on": "2021-07-01"}


def claim(on: D = D(2022, 9, 1), region: str = "210102", catalog=CATALOG, validate: bool = True, **change):
    facts = FACTS | change
    if validate:
        facts = PROGRAM.validate_facts(facts)
    rules = catalog.resolve("career_switch_training", region, on)
    return decide("career_switch_training", facts, rules, Context(on, region, "institution", "a" * 64, "d" * 64))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"career_switch_training.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    return caught.value


def test_career_switch_training_pays_the_monthly_rate_per_month():
    """三.10: 按规定给予每人每月…元培训补贴，补贴直补培训机构 — 1000.00 × 4 = 4000.00 (assumed)."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (400000, Fraction(0), True)
    assert decision.limits == ()
    steps = decision.explanation
    assert [s["rule"].split(".")[1] for s in steps] == [
        "months", "left_school_on", "within_years", "amount", "prepayment"]
    assert steps[3]["arithmetic"] == "1000.00 × 4 = 4000.00"
    assert steps[3]["parameters"][0]["source"] == "assumed"


@pytest.mark.parametrize("months", [3, 6])
def test_months_3_and_6_are_the_bounds(months):
    """三.10: 组织实施3至6个月的免费专业转换及技能提升培训."""
    assert claim(months=months).entitled_fen == 100000 * months


@pytest.mark.parametrize("months", [2, 7])
def test_months_outside_3_to_6_are_refused_as_fact_and_as_rule(months):
    """三.10: 3至6个月 — refused at the edge (the fact schema) and by the rule itself."""
    with pytest.raises(ValidationFailed) as caught:
        claim(months=months)
    assert caught.value.field == "facts.months"
    with pytest.raises(NotEligible) as caught:
        claim(validate=False, months=months)
    assert caught.value.rule == "career_switch_training.months"
    schema = PROGRAM.facts_schema()["properties"]["months"]
    assert (schema["minimum"], schema["maximum"]) == (3, 6)


def test_within_years_includes_the_third_anniversary_and_not_the_day_after():
    """三.10: 毕业离校三年内 — left 2019-07-01, applying 2022-07-01 counts, 2022-07-02 does not."""
    assert claim(left_school_on="2019-07-01", on=D(2022, 7, 1)).entitled_fen == 400000
    failure = refused("within_years", left_school_on="2019-07-01", on=D(2022, 7, 2))
    assert failure.explanation[-1]["arithmetic"] == "2019-07-01 + 3 years = 2022-07-01"


def test_within_years_from_a_leap_day_ends_on_28_february():
    """三.10: three years from 29 February 2020 end on 28 February 2023."""
    assert claim(left_school_on="2020-02-29", on=D(2023, 2, 28)).entitled_fen == 400000
    refused("within_years", left_school_on="2020-02-29", on=D(2023, 3, 1))


def test_left_school_on_after_the_application_date_is_refused():
    """三.10: the trainee must have left school by the application date."""
    assert claim(left_school_on="2022-09-01").entitled_fen == 400000
    refused("left_school_on", left_school_on="2022-09-02")


def test_career_switch_training_is_paid_to_the_institution_for_a_trainee():
    """三.10: 补贴直补培训机构; from the skill-upgrade account or the employment fund."""
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary_role) == (("institution",), "trainee")
    assert PROGRAM.fund_types == ("skill_upgrade_account", "employment_subsidy")
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"months": 6})


def test_monthly_rate_city_override_applies_to_later_claims_only():
    """三.10 每人每月…元至…元: Shenyang's rate from its date, the province's elsewhere and before."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "career_switch_training", "monthly_rate", "1500.00", region="210100", effective_from=D(2022, 9, 1),
        source="Shenyang")])
    assert claim(catalog=catalog, on=D(2022, 9, 1)).entitled_fen == 600000
    assert claim(catalog=catalog, on=D(2022, 8, 31)).entitled_fen == 400000
    assert claim(catalog=catalog, on=D(2022, 9, 1), region="210202").entitled_fen == 400000


def test_within_years_set_for_next_year_is_not_in_force_yet():
    """三.10: a province window of 2 years from 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "career_switch_training", "within_years", 2, region="210000", effective_from=D(2023, 1, 1),
        source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31), left_school_on="2020-01-01").entitled_fen == 400000
    with pytest.raises(NotEligible):
        claim(catalog=catalog, on=D(2023, 1, 1), left_school_on="2020-01-01")
