"""二.7 创业担保贷款贴息: the interest due on a guaranteed start-up loan of at most
max_principal and max_term_months, paid from the inclusive-finance fund."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("loan_interest")
FACTS = {"loan_principal": "150000.00", "loan_term_months": 24, "interest_due": "3862.50"}


def claim(on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG, kind: str = "person", **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    rules = catalog.resolve("loan_interest", region, on)
    return decide("loan_interest", facts, rules, Context(on, region, kind, "e" * 64, None))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"loan_interest.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    assert caught.value.explanation[-1]["parameters"][0]["name"] == rule
    return caught.value


def test_loan_interest_pays_the_interest_due_from_inclusive_finance():
    """二.7: 按规定从普惠金融发展专项资金给予贴息."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (386250, Fraction(0), True)
    assert decision.limits == ()
    assert PROGRAM.fund_types == ("inclusive_finance",)
    assert [s["rule"].split(".")[1] for s in decision.explanation] == [
        "max_principal", "max_term_months", "amount", "prepayment"]


def test_max_principal_200000_qualifies_one_fen_more_does_not():
    """二.7: 最高不超过20万元."""
    assert claim(loan_principal="200000.00").entitled_fen == 386250
    failure = refused("max_principal", loan_principal="200000.01")
    assert failure.explanation[-1]["arithmetic"] == "200000.01 > 200000.00"


def test_max_term_months_36_qualifies_37_does_not():
    """二.7: 最长不超过3年."""
    assert claim(loan_term_months=36).entitled_fen == 386250
    assert claim(loan_term_months=35).entitled_fen == 386250
    refused("max_term_months", loan_term_months=37)


@pytest.mark.parametrize("kind", ["person", "enterprise"])
def test_loan_interest_is_for_the_borrower(kind):
    """二.7: 创办企业、从事个体经营和网络创业 — a person or their enterprise borrows."""
    assert claim(kind=kind).entitled_fen == 386250
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary) == (("person", "enterprise"), False)


def test_loan_interest_facts_are_money_and_months():
    """DOMAIN facts: principal and interest are money, the term whole months; nothing later."""
    for change, field in (({"interest_due": "0.00"}, "facts.interest_due"),
                          ({"loan_principal": 150000}, "facts.loan_principal"),
                          ({"loan_term_months": 0}, "facts.loan_term_months")):
        with pytest.raises(ValidationFailed) as caught:
            claim(**change)
        assert caught.value.field == field
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"interest_due": "1.00"})


def test_max_principal_city_override_applies_to_later_claims_only():
    """二.7: a city's higher ceiling from its date, the province's elsewhere and before."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "loan_interest", "max_principal", "300000.00", region="210100", effective_from=D(2022, 9, 1),
        source="Shenyang")])
    assert claim(catalog=catalog, on=D(2022, 9, 1), loan_principal="300000.00").entitled_fen == 386250
    with pytest.raises(NotEligible):
        claim(catalog=catalog, on=D(2022, 8, 31), loan_principal="300000.00")
    with pytest.raises(NotEligible):
        claim(catalog=catalog, on=D(2022, 9, 1), region="210202", loan_principal="300000.00")


def test_max_term_months_set_for_next_year_is_not_in_force_yet():
    """二.7: a province version effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "loan_interest", "max_term_months", 24, region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31), loan_term_months=36).entitled_fen == 386250
    with pytest.raises(NotEligible):
        claim(catalog=catalog, on=D(2023, 1, 1), loan_term_months=36)
