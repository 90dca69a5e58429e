"""二.9 创业孵化载体补助: the incubator's basic operating and public-service costs × share,
at most cap."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("incubator_support")


def claim(costs: str = "150000.00", on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG,
          kind: str = "institution"):
    facts = PROGRAM.validate_facts({"eligible_costs": costs})
    rules = catalog.resolve("incubator_support", region, on)
    return decide("incubator_support", facts, rules, Context(on, region, kind, "a" * 64, None))


def amount(decision) -> dict:
    return next(s for s in decision.explanation if s["rule"] == "incubator_support.amount")


def test_incubator_support_pays_the_eligible_costs():
    """二.9: 按其实际支出的基本运营和公共服务等费用给予补助 — share 1."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (
        15000000, Fraction(0), True)
    assert decision.limits == ()
    assert [s["rule"].split(".")[1] for s in decision.explanation] == ["amount", "prepayment"]
    assert amount(decision)["arithmetic"] == "min(⌊150000.00 × 1⌋, 200000.00) = min(150000.00, 200000.00) = 150000.00"
    assert [p["name"] for p in amount(decision)["parameters"]] == ["share", "cap"]


@pytest.mark.parametrize("costs, fen", [("199999.99", 19999999), ("200000.00", 20000000), ("200000.01", 20000000),
                                        ("1000000.00", 20000000)])
def test_cap_at_below_and_above(costs, fen):
    """二.9 具体补助办法由各市确定: at most cap (200000.00, assumed)."""
    assert claim(costs).entitled_fen == fen


def test_share_applies_before_the_cap_and_floors_to_the_fen():
    """二.9: a city reimbursing a third — ⌊1000.00 × 1/3⌋ = 333.33; 900000.00 × 1/3 is capped."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "incubator_support", "share", "1/3", region="210100", effective_from=D(2022, 6, 4), source="assumed")])
    assert claim("1000.00", catalog=catalog).entitled_fen == 33333
    assert claim("600000.00", catalog=catalog).entitled_fen == 20000000
    decision = claim("900000.00", catalog=catalog)
    assert decision.entitled_fen == 20000000
    assert amount(decision)["arithmetic"] == "min(⌊900000.00 × 1/3⌋, 200000.00) = min(300000.00, 200000.00) = 200000.00"


@pytest.mark.parametrize("kind", ["institution", "enterprise"])
def test_incubator_support_is_for_the_incubator_itself(kind):
    """二.9: 高校出资创办的创业孵化基地纳入支持范围 — an institution or an enterprise runs it."""
    assert claim(kind=kind).entitled_fen == 15000000
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary) == (("institution", "enterprise"), False)
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"eligible_costs": "1.00"})


def test_cap_city_override_applies_to_later_claims_only():
    """二.9: Shenyang's cap from its date, the province's elsewhere and before."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "incubator_support", "cap", "300000.00", region="210100", effective_from=D(2022, 9, 1), source="Shenyang")])
    assert claim("500000.00", catalog=catalog, on=D(2022, 9, 1)).entitled_fen == 30000000
    assert claim("500000.00", catalog=catalog, on=D(2022, 8, 31)).entitled_fen == 20000000
    assert claim("500000.00", catalog=catalog, on=D(2022, 9, 1), region="210202").entitled_fen == 20000000


def test_share_set_for_next_year_is_not_in_force_yet():
    """二.9: a province share effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "incubator_support", "share", "0.8", region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31)).entitled_fen == 15000000
    assert claim(catalog=catalog, on=D(2023, 1, 1)).entitled_fen == 12000000
