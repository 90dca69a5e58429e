"""一.1 社会保险补贴: employers hiring a graduate of the application year or a
registered-unemployed graduate on a contract of at least a year receive the contributions
actually paid for at most max_months; small, medium and micro firms, or the employer of a
retained intern (一.3), may be prepaid a share, never twice."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("social_insurance")
FACTS = {"graduation_year": 2022, "registered_unemployed": False, "contract_months": 24, "enterprise_size": "large",
         "employer_monthly_contribution": "1000.00", "months": 6, "retained_intern": False}


def claim(on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG, **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    rules = catalog.resolve("social_insurance", region, on)
    return decide("social_insurance", facts, rules, Context(on, region, "enterprise", "a" * 64, "b" * 64))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"social_insurance.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    return caught.value


def step(decision, rule: str) -> dict:
    return next(s for s in decision.explanation if s["rule"] == f"social_insurance.{rule}")


def test_social_insurance_pays_actual_contributions_per_month():
    """一.1: 按其为高校毕业生实际缴纳的社会保险费 — 1000.00 × 6 = 6000.00."""
    decision = claim()
    assert (decision.entitled_fen, decision.settlement_ready, decision.limits) == (600000, True, ())
    assert [s["rule"].split(".")[1] for s in decision.explanation] == [
        "graduation_year", "contract_months", "amount", "prepayment"]
    assert step(decision, "amount")["arithmetic"] == "1000.00 × min(6, 12) = 1000.00 × 6 = 6000.00"


def test_max_months_12_is_paid_13_is_capped():
    """一.1: 最长不超过12个月 — 11 and 12 months in full, 13 counts as 12."""
    assert claim(months=11).entitled_fen == 1100000
    assert claim(months=12).entitled_fen == 1200000
    decision = claim(months=13)
    assert decision.entitled_fen == 1200000
    assert step(decision, "amount")["arithmetic"] == "1000.00 × min(13, 12) = 1000.00 × 12 = 12000.00"
    assert step(decision, "amount")["parameters"][0]["name"] == "max_months"


def test_graduation_year_or_registered_unemployed():
    """一.1: 招用毕业年度或登记失业高校毕业生."""
    assert claim(graduation_year=2020, registered_unemployed=True).entitled_fen == 600000
    assert claim(graduation_year=2022, registered_unemployed=True).entitled_fen == 600000
    refused("graduation_year", graduation_year=2021)


def test_graduation_year_after_the_application_year_is_refused_even_if_registered():
    """一.1: someone graduating next year is not yet a graduate."""
    refused("graduation_year", graduation_year=2023, registered_unemployed=True)


def test_contract_months_of_12_qualifies_11_does_not():
    """一.1: 签订1年以上期限劳动合同."""
    assert claim(contract_months=12).entitled_fen == 600000
    refused("contract_months", contract_months=11)


@pytest.mark.parametrize("size", ["micro", "small", "medium"])
def test_prepay_share_for_small_medium_and_micro_firms(size):
    """一.1: 中小微企业可预拨最多不超过50%的社会保险补贴."""
    decision = claim(enterprise_size=size)
    assert decision.prepay_share == Fraction(1, 2)
    assert step(decision, "prepayment")["arithmetic"] == "⌊6000.00 × 0.5⌋ = 3000.00"


def test_prepay_share_is_zero_for_a_large_firm():
    """一.1: a large firm hiring a graduate is not prepaid."""
    decision = claim(enterprise_size="large")
    assert decision.prepay_share == Fraction(0)
    assert step(decision, "prepayment")["parameters"] == []


def test_retained_intern_is_prepaid_at_a_large_firm():
    """一.3: 见习期满被留用的，可预拨用人单位最多不超过50%的社会保险补贴."""
    assert claim(retained_intern=True).prepay_share == Fraction(1, 2)


def test_retained_intern_at_a_small_firm_is_prepaid_once_not_twice():
    """一.3: 用人单位同时符合中小微企业预拨社会保险补贴条件的不重复享受."""
    decision = claim(retained_intern=True, enterprise_size="micro")
    assert decision.prepay_share == Fraction(1, 2)
    assert "never twice" in step(decision, "prepayment")["en"]
    assert "不重复" in step(decision, "prepayment")["zh"]


def test_social_insurance_facts_are_typed_and_none_comes_later():
    """DOMAIN facts: all seven facts at submission, nothing later."""
    with pytest.raises(ValidationFailed) as caught:
        PROGRAM.validate_facts({k: v for k, v in FACTS.items() if k != "retained_intern"})
    assert caught.value.field == "facts.retained_intern"
    with pytest.raises(ValidationFailed) as caught:
        claim(months=0)
    assert caught.value.field == "facts.months"
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"months": 12})


def test_prepay_share_city_override_applies_to_later_claims_only():
    """一.1 最多不超过50%: Shenyang's lower share from 2022-09-01, the province's elsewhere and before."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "social_insurance", "prepay_share", "0.3", region="210100", effective_from=D(2022, 9, 1),
        source="Shenyang")])
    assert claim(catalog=catalog, on=D(2022, 9, 1), enterprise_size="small").prepay_share == Fraction(3, 10)
    assert claim(catalog=catalog, on=D(2022, 8, 31), enterprise_size="small").prepay_share == Fraction(1, 2)
    assert claim(catalog=catalog, on=D(2022, 9, 1), region="210202",
                 enterprise_size="small").prepay_share == Fraction(1, 2)


def test_max_months_set_for_next_year_is_not_in_force_yet():
    """一.1: a version effective 2023-01-01 leaves 2022 claims at 12 months."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "social_insurance", "max_months", 6, region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31), months=12).entitled_fen == 1200000
    assert claim(catalog=catalog, on=D(2023, 1, 1), graduation_year=2023, months=12).entitled_fen == 600000
