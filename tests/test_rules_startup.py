"""二.5 一次性创业补贴: a first business in Liaoning with a guaranteed start-up loan receives
amount, raised by new_industry_uplift for new industries, formats and business models."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("startup")
FACTS = {"first_business": True, "guaranteed_loan": True, "new_industry": False, "registered_on": "2022-06-10"}


def claim(on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG, **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    rules = catalog.resolve("startup", region, on)
    return decide("startup", facts, rules, Context(on, region, "person", "e" * 64, None))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"startup.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    assert all(step["passed"] for step in caught.value.explanation[:-1])
    return caught.value


def test_startup_pays_the_amount_once():
    """二.5: 给予不低于…元的一次性创业补贴 — 5000.00 (assumed)."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (500000, Fraction(0), True)
    assert decision.limits == ()
    steps = decision.explanation
    assert [s["rule"].split(".")[1] for s in steps] == [
        "first_business", "guaranteed_loan", "registered_on", "amount", "prepayment"]
    assert steps[3]["parameters"][0]["source"] == "assumed"


def test_new_industry_uplift_raises_the_amount_by_30_percent():
    """二.5: 对从事新产业、新业态、新商业模式创业的小微企业补贴标准可上浮30% — 5000.00 × 1.3 = 6500.00."""
    decision = claim(new_industry=True)
    assert decision.entitled_fen == 650000
    amount = next(s for s in decision.explanation if s["rule"] == "startup.amount")
    assert amount["arithmetic"] == "⌊5000.00 × (1 + 0.3)⌋ = 6500.00"
    assert [p["name"] for p in amount["parameters"]] == ["amount", "new_industry_uplift"]


def test_new_industry_uplift_floors_to_the_fen():
    """二.5: a city's uplift of 1/3 — ⌊5000.00 × 4/3⌋ = 6666.66."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "startup", "new_industry_uplift", "1/3", region="210100", effective_from=D(2022, 6, 4), source="assumed")])
    assert claim(catalog=catalog, new_industry=True).entitled_fen == 666666


def test_first_business_is_required():
    """二.5: 首次在辽宁省内创办小微企业或从事个体经营."""
    refused("first_business", first_business=False)


def test_guaranteed_loan_is_required():
    """二.5: 且成功申领创业担保贷款."""
    refused("guaranteed_loan", guaranteed_loan=False)


def test_registered_on_the_application_date_counts_the_day_after_does_not():
    """二.5: the business must be registered by the application date."""
    assert claim(registered_on="2022-07-01").entitled_fen == 500000
    refused("registered_on", registered_on="2022-07-02")


def test_startup_is_for_the_applicant_alone():
    """二.5: a person applies for their own business; nothing comes later."""
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary, PROGRAM.fund_types) == (
        ("person",), False, ("employment_subsidy",))
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"new_industry": True})


def test_amount_city_override_applies_to_later_claims_only():
    """二.5 具体标准由各市确定: Dalian's figure from its date, the province's elsewhere."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "startup", "amount", "8000.00", region="210200", effective_from=D(2022, 9, 1), source="Dalian")])
    assert claim(catalog=catalog, region="210202", on=D(2022, 9, 1)).entitled_fen == 800000
    assert claim(catalog=catalog, region="210202", on=D(2022, 9, 1), new_industry=True).entitled_fen == 1040000
    assert claim(catalog=catalog, region="210202", on=D(2022, 8, 31)).entitled_fen == 500000
    assert claim(catalog=catalog, region="210102", on=D(2022, 9, 1)).entitled_fen == 500000


def test_uplift_set_for_next_year_is_not_in_force_yet():
    """二.5: a province uplift effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "startup", "new_industry_uplift", "0.2", region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31), new_industry=True).entitled_fen == 650000
    assert claim(catalog=catalog, on=D(2023, 1, 1), new_industry=True).entitled_fen == 600000
