"""三.11 新型学徒制培训补贴: by level per apprentice-year, raised for shortage occupations,
contract of at least a year, part prepaid and the rest on completion."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("apprenticeship")
FACTS = {"level": "advanced", "shortage_occupation": False, "contract_months": 24, "certificate_no": "GJ-2022-001"}


def claim(later: dict | None = None, catalog=CATALOG, **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    if later:
        facts |= PROGRAM.validate_later_facts(later)
    on = D(2022, 9, 1)
    rules = catalog.resolve("apprenticeship", "210302", on)
    return decide("apprenticeship", facts, rules, Context(on, "210302", "enterprise", "a" * 64, "d" * 64))


def test_advanced_on_the_shortage_list_is_worth_7800():
    """三.11 worked example: 6000.00 × (1 + 0.3) = 7800.00."""
    decision = claim(shortage_occupation=True)
    assert decision.entitled_fen == 780000
    amount = next(s for s in decision.explanation if s["rule"] == "apprenticeship.amount")
    assert amount["arithmetic"] == "⌊6000.00 × (1 + 0.3)⌋ = 7800.00"
    assert [p["name"] for p in amount["parameters"]] == ["advanced", "shortage_uplift"]


@pytest.mark.parametrize("level, fen", [
    ("intermediate", 500000), ("advanced", 600000), ("technician", 700000), ("senior_technician", 800000)])
def test_amount_by_level(level, fen):
    """三.11: 中级工 5000, 高级工 6000 (Anshan 2022); 技师 7000, 高级技师 8000 (assumed)."""
    assert claim(level=level).entitled_fen == fen


def test_shortage_uplift_floors_to_the_fen():
    """三.11: the raised amount is rounded down to the fen."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "apprenticeship", "shortage_uplift", "1/3", region="210300", effective_from=D(2022, 6, 4), source="assumed")])
    assert claim(catalog=catalog, level="intermediate", shortage_occupation=True).entitled_fen == 666666


def test_contract_months_of_12_qualifies_11_does_not():
    """三.11: 签订1年以上期限劳动合同."""
    assert claim(contract_months=12).entitled_fen == 600000
    with pytest.raises(NotEligible) as refused:
        claim(contract_months=11)
    assert refused.value.rule == "apprenticeship.contract_months"
    assert refused.value.explanation[-1]["passed"] is False


def test_apprenticeship_prepays_a_share_until_completion():
    """三.11: at most prepay_share before completion, the rest on completion."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (600000, Fraction(1, 2), False)
    assert decision.limits == ()
    prepay = next(s for s in decision.explanation if s["rule"] == "apprenticeship.prepayment")
    assert prepay["arithmetic"] == "⌊6000.00 × 0.5⌋ = 3000.00"


def test_completed_settles_the_full_amount():
    """三.11: completion earns the rest."""
    decision = claim({"completed": True}, shortage_occupation=True)
    assert (decision.entitled_fen, decision.settlement_ready) == (780000, True)


def test_not_completed_settles_at_nothing():
    """三.11: the subsidy is for training completed with a certificate."""
    decision = claim({"completed": False})
    assert (decision.entitled_fen, decision.settlement_ready) == (0, True)
    assert all(step["passed"] for step in decision.explanation)


def test_apprenticeship_explanation_lists_every_rule():
    """三.11: contract, certificate, amount, completion, prepayment."""
    assert [s["rule"].split(".")[1] for s in claim().explanation] == [
        "contract_months", "certificate", "amount", "completion", "prepayment"]


@pytest.mark.parametrize("change, field", [
    ({"level": "master"}, "facts.level"), ({"certificate_no": ""}, "facts.certificate_no"),
    ({"shortage_occupation": 1}, "facts.shortage_occupation"), ({"contract_months": "24"}, "facts.contract_months")])
def test_apprenticeship_facts_are_typed(change, field):
    """DOMAIN facts: level is one of four, certificate_no is text, the rest typed."""
    with pytest.raises(ValidationFailed) as refused:
        claim(**change)
    assert refused.value.field == field


def test_only_completed_comes_later():
    """DOMAIN facts: completed is the one later fact."""
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"level": "technician"})
