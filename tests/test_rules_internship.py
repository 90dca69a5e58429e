"""一.3 就业见习补贴: (living allowance + management fee) per month of the term, prepaid up
to a share, settled on the months served; the whole term counts when the intern left for
stable employment with less than a third of the term left."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.money import floor_fen
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("internship")


def claim(term: int = 3, later: dict | None = None, catalog=CATALOG, **at_submission):
    facts = PROGRAM.validate_facts({"term_months": term} | at_submission)
    if later:
        facts |= PROGRAM.validate_later_facts(later)
    on = D(2022, 7, 1)
    rules = catalog.resolve("internship", "210102", on)
    return decide("internship", facts, rules, Context(on, "210102", "institution", "a" * 64, "c" * 64))


def test_internship_of_three_months_is_worth_3450_with_1725_prepayable():
    """一.3 worked example: (1000.00 + 150.00) × 3 = 3450.00; prepayment at most 1725.00."""
    decision = claim(3)
    assert decision.entitled_fen == 345000
    assert decision.prepay_share == Fraction(1, 2)
    assert floor_fen(decision.entitled_fen * decision.prepay_share) == 172500
    assert decision.settlement_ready is False
    assert decision.limits == ()
    amount = next(s for s in decision.explanation if s["rule"] == "internship.amount")
    assert amount["arithmetic"] == "(1000.00 + 150.00) × 3 = 3450.00"
    assert [p["name"] for p in amount["parameters"]] == ["living_allowance", "management_fee"]
    prepay = next(s for s in decision.explanation if s["rule"] == "internship.prepayment")
    assert prepay["arithmetic"] == "⌊3450.00 × 0.5⌋ = 1725.00"


def test_term_months_of_12_is_the_longest_13_is_refused():
    """一.3: the term may not exceed max_term_months (12)."""
    assert claim(12).entitled_fen == 1380000
    with pytest.raises(NotEligible) as refused:
        claim(13)
    assert refused.value.rule == "internship.term_months"
    assert refused.value.explanation[-1]["parameters"][0]["name"] == "max_term_months"


def test_term_months_of_one_is_the_shortest():
    """一.3: a term is at least one month; zero is not a term at all."""
    assert claim(1).entitled_fen == 115000
    with pytest.raises(ValidationFailed):
        claim(0)


def test_months_served_settles_an_intern_who_left_early_not_for_a_job():
    """一.3 worked example: left after 1 of 3 months, not for a job → 1150.00; of a 1725.00
    prepayment, 575.00 is to be clawed back."""
    decision = claim(3, {"months_served": 1, "left_for_employment": False})
    assert decision.entitled_fen == 115000
    assert decision.settlement_ready is True
    assert 172500 - decision.entitled_fen == 57500
    steps = {s["rule"]: s for s in decision.explanation}
    assert steps["internship.amount"]["arithmetic"] == "(1000.00 + 150.00) × 1 = 1150.00"
    assert claim(3, {"months_served": 1}).entitled_fen == 115000


def test_left_for_employment_with_less_than_a_third_left_counts_the_whole_term():
    """一.3: 距见习期不足三分之一时实现稳定就业 — the agreed term counts."""
    decision = claim(4, {"months_served": 3, "left_for_employment": True})
    assert decision.entitled_fen == 460000
    step = next(s for s in decision.explanation if s["rule"] == "internship.left_for_employment")
    assert step["arithmetic"] == "3 × (4 − 3) = 3 < 4"
    assert claim(12, {"months_served": 9, "left_for_employment": True}).entitled_fen == 12 * 115000


def test_left_for_employment_with_exactly_a_third_left_counts_months_served():
    """一.3: 不足三分之一 is strict — 1 month left of 3, or 4 of 12, is not less than a third."""
    assert claim(3, {"months_served": 2, "left_for_employment": True}).entitled_fen == 230000
    assert claim(12, {"months_served": 8, "left_for_employment": True}).entitled_fen == 8 * 115000
    assert claim(3, {"months_served": 1, "left_for_employment": True}).entitled_fen == 115000


def test_leaving_late_not_for_a_job_counts_months_served():
    """一.3: only stable employment earns the whole term."""
    assert claim(4, {"months_served": 3, "left_for_employment": False}).entitled_fen == 345000


def test_months_served_of_the_whole_term_and_of_none():
    """一.3: settled on actual months, from 0 to the term."""
    assert claim(3, {"months_served": 3}).entitled_fen == 345000
    assert claim(3, {"months_served": 0}).entitled_fen == 0


def test_months_served_beyond_the_term_is_refused():
    """一.3: an intern cannot serve more than the agreed term."""
    with pytest.raises(ValidationFailed) as refused:
        claim(3, {"months_served": 4})
    assert refused.value.field == "facts.months_served"


def test_left_for_employment_alone_does_not_settle():
    """一.3: settlement needs the months served."""
    decision = claim(3, {"left_for_employment": True})
    assert decision.settlement_ready is False
    assert decision.entitled_fen == 345000


def test_months_served_at_submission_is_settled_at_once():
    """一.3: a host filing after the internship gives the months served up front."""
    decision = claim(3, months_served=2)
    assert (decision.entitled_fen, decision.settlement_ready) == (230000, True)


def test_prepay_share_follows_the_parameter_and_floors_to_the_fen():
    """一.3: 可预拨最多不超过50% — a city's share, applied to the fen and rounded down."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "internship", "prepay_share", "2/3", region="210100", effective_from=D(2022, 6, 4), source="assumed")])
    decision = claim(1, catalog=catalog)
    assert decision.prepay_share == Fraction(2, 3)
    prepay = next(s for s in decision.explanation if s["rule"] == "internship.prepayment")
    assert prepay["arithmetic"] == "⌊1150.00 × 2/3⌋ = 766.66"


def test_term_months_cannot_change_after_submission():
    """DOMAIN facts: only months_served and left_for_employment come later."""
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"term_months": 2})
