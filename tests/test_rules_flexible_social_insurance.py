"""一.2 灵活就业社会保险补贴: a graduate in flexible employment within within_years of leaving
school receives ⌊share × contribution⌋ a month for at most max_months + extension_months."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("flexible_social_insurance")
FACTS = {"left_school_on": "2021-07-01", "monthly_contribution": "1000.00", "months": 30}


def claim(on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG, **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    rules = catalog.resolve("flexible_social_insurance", region, on)
    return decide("flexible_social_insurance", facts, rules, Context(on, region, "person", "e" * 64, None))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"flexible_social_insurance.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    return caught.value


def amount(decision) -> dict:
    return next(s for s in decision.explanation if s["rule"] == "flexible_social_insurance.amount")


def test_worked_example_1000_a_month_for_30_months_is_15999_84():
    """一.2 worked example: ⌊1000.00 × 2/3⌋ = 666.66, × 24 months = 15999.84."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (1599984, Fraction(0), True)
    assert decision.limits == ()
    assert amount(decision)["arithmetic"] == (
        "⌊1000.00 × 2/3⌋ = 666.66; 666.66 × min(30, 24 + 0) = 666.66 × 24 = 15999.84")
    assert [p["name"] for p in amount(decision)["parameters"]] == ["share", "max_months", "extension_months"]
    assert amount(decision)["parameters"][0]["value"] == "2/3"


def test_flexible_social_insurance_explanation_lists_every_rule():
    """一.2: left school, within the window, amount, prepayment."""
    assert [s["rule"].split(".")[1] for s in claim().explanation] == [
        "left_school_on", "within_years", "amount", "prepayment"]


def test_share_floors_the_monthly_subsidy_to_the_fen():
    """一.2: 不超过实际缴费的三分之二 — ⌊1000.01 × 2/3⌋ = 666.67, never rounded up."""
    assert claim(monthly_contribution="1000.01", months=1).entitled_fen == 66667
    assert claim(monthly_contribution="0.01", months=1).entitled_fen == 0


def test_max_months_24_is_paid_25_is_capped():
    """一.2: 补贴期限最长不超过24个月."""
    assert claim(months=23).entitled_fen == 66666 * 23
    assert claim(months=24).entitled_fen == 66666 * 24
    assert claim(months=25).entitled_fen == 66666 * 24


def test_extension_months_a_city_sets_extend_the_cap():
    """一.2: 享受期限可延长最多不超过6个月，具体期限由各市确定 — Shenyang's 6 from its date."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "flexible_social_insurance", "extension_months", 6, region="210100", effective_from=D(2022, 7, 1),
        source="Shenyang")])
    decision = claim(catalog=catalog)
    assert decision.entitled_fen == 66666 * 30
    assert amount(decision)["arithmetic"].endswith("666.66 × min(30, 24 + 6) = 666.66 × 30 = 19999.80")
    assert claim(catalog=catalog, months=31).entitled_fen == 66666 * 30
    assert claim(catalog=catalog, on=D(2022, 6, 30)).entitled_fen == 1599984
    assert claim(catalog=catalog, region="210202").entitled_fen == 1599984


def test_within_years_includes_the_second_anniversary_and_not_the_day_after():
    """一.2: 离校2年内 — left 2020-07-01, applying 2022-07-01 counts, 2022-07-02 does not."""
    assert claim(left_school_on="2020-07-01", on=D(2022, 7, 1)).entitled_fen == 1599984
    failure = refused("within_years", left_school_on="2020-07-01", on=D(2022, 7, 2))
    assert failure.explanation[-1]["arithmetic"] == "2020-07-01 + 2 years = 2022-07-01"
    assert failure.explanation[-1]["parameters"][0]["name"] == "within_years"


def test_left_school_on_after_the_application_date_is_refused():
    """一.2: the graduate must have left school (离校) by the application date."""
    assert claim(left_school_on="2022-07-01").entitled_fen == 1599984
    refused("left_school_on", left_school_on="2022-07-02")


def test_flexible_social_insurance_is_for_the_applicant_alone():
    """一.2: applied for by the graduate, paid to the graduate, no beneficiary, no later facts."""
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary, PROGRAM.fund_types) == (
        ("person",), False, ("employment_subsidy",))
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"months": 12})


def test_share_set_for_next_year_is_not_in_force_yet():
    """一.2: a province share of 1/2 from 2023-01-01 leaves 2022 claims at 2/3."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "flexible_social_insurance", "share", "1/2", region="210000", effective_from=D(2023, 1, 1),
        source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31)).entitled_fen == 1599984
    assert claim(catalog=catalog, on=D(2023, 1, 1)).entitled_fen == 50000 * 24
