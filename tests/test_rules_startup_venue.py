"""二.6 创业场地补贴: a business outside any incubator that has operated at least 6 months
receives its monthly rent for at most max_months; at most prepay_months months' rent may
be prepaid."""
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
PROGRAM = CATALOG.program("startup_venue")
FACTS = {"monthly_rent": "2000.00", "months": 12, "in_incubator": False, "operating_since": "2022-01-01"}


def claim(on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG, kind: str = "enterprise", **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    rules = catalog.resolve("startup_venue", region, on)
    return decide("startup_venue", facts, rules, Context(on, region, kind, "a" * 64, None))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"startup_venue.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    return caught.value


def step(decision, rule: str) -> dict:
    return next(s for s in decision.explanation if s["rule"] == f"startup_venue.{rule}")


def test_startup_venue_pays_the_rent_with_six_months_prepayable():
    """二.6: 按照实际租赁期限相应给予创业场地补贴…可预拨不超过6个月 — 2000.00 × 12, 6 of 12 prepayable."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (
        2400000, Fraction(1, 2), True)
    assert decision.limits == ()
    assert [s["rule"].split(".")[1] for s in decision.explanation] == [
        "in_incubator", "operating_months", "amount", "prepayment"]
    assert step(decision, "amount")["arithmetic"] == "2000.00 × min(12, 24) = 2000.00 × 12 = 24000.00"
    assert step(decision, "prepayment")["arithmetic"] == "min(6, 12) / 12 = 0.5; ⌊24000.00 × 0.5⌋ = 12000.00"


def test_max_months_24_is_paid_25_is_capped():
    """二.6: 补贴期限最长不超过24个月."""
    assert claim(months=23).entitled_fen == 200000 * 23
    assert claim(months=24).entitled_fen == 200000 * 24
    decision = claim(months=25)
    assert decision.entitled_fen == 200000 * 24
    assert decision.prepay_share == Fraction(6, 24)
    assert floor_fen(decision.entitled_fen * decision.prepay_share) == 200000 * 6


@pytest.mark.parametrize("months, share", [(1, Fraction(1)), (5, Fraction(1)), (6, Fraction(1)), (7, Fraction(6, 7))])
def test_prepay_months_never_exceed_the_months_covered(months, share):
    """二.6: at most prepay_months months' rent, and never more than the rent covered."""
    decision = claim(months=months)
    assert decision.prepay_share == share
    assert floor_fen(decision.entitled_fen * share) == 200000 * min(6, months)


def test_prepay_months_zero_means_no_prepayment():
    """二.6 有条件的市可预拨: a city that does not prepay sets prepay_months to 0."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "startup_venue", "prepay_months", 0, region="210100", effective_from=D(2022, 6, 4), source="assumed")])
    assert claim(catalog=catalog).prepay_share == Fraction(0)


def test_in_incubator_is_refused():
    """二.6: 对没有进入创业孵化基地（园区）."""
    refused("in_incubator", in_incubator=True)


def test_operating_exactly_six_months_qualifies_one_day_short_does_not():
    """二.6: 自工商登记注册之日起正常运营6个月以上 — 2022-01-01 + 6 months = 2022-07-01."""
    assert claim(on=D(2022, 7, 1), operating_since="2022-01-01").entitled_fen == 2400000
    failure = refused("operating_months", on=D(2022, 6, 30), operating_since="2022-01-01")
    assert failure.explanation[-1]["arithmetic"] == "2022-01-01 + 6 months = 2022-07-01 > 2022-06-30"


def test_operating_months_clamp_to_the_end_of_a_shorter_month():
    """二.6: operating since 31 December, six months are reached on 30 June."""
    assert claim(on=D(2022, 6, 30), operating_since="2021-12-31").entitled_fen == 2400000
    refused("operating_months", on=D(2022, 6, 29), operating_since="2021-12-31")


def test_operating_since_after_the_application_date_is_refused():
    """二.6: a business not yet operating has not operated 6 months."""
    refused("operating_months", operating_since="2022-07-02")


@pytest.mark.parametrize("kind", ["person", "enterprise"])
def test_startup_venue_is_for_the_applicant_alone(kind):
    """二.6: applied for by the graduate or the business itself; nothing comes later."""
    assert claim(kind=kind).entitled_fen == 2400000
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary) == (("person", "enterprise"), False)
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"months": 6})


def test_max_months_city_override_applies_to_later_claims_only():
    """二.6: a city's shorter period from its date, the province's elsewhere and before."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "startup_venue", "max_months", 12, region="210100", effective_from=D(2022, 9, 1), source="Shenyang")])
    assert claim(catalog=catalog, on=D(2022, 9, 1), months=24).entitled_fen == 200000 * 12
    assert claim(catalog=catalog, on=D(2022, 8, 31), months=24).entitled_fen == 200000 * 24
    assert claim(catalog=catalog, on=D(2022, 9, 1), months=24, region="210202").entitled_fen == 200000 * 24


def test_prepay_months_set_for_next_year_is_not_in_force_yet():
    """二.6: a province version effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "startup_venue", "prepay_months", 3, region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31)).prepay_share == Fraction(1, 2)
    assert claim(catalog=catalog, on=D(2023, 1, 1)).prepay_share == Fraction(1, 4)
