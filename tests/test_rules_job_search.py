"""二.8 一次性求职创业补贴: amount, once per person, for a graduate of the graduating year in
one of the eight listed hardship categories."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PERSON = "e" * 64
PROGRAM = CATALOG.program("job_search")
CATEGORIES = ["low_income", "disabled_family", "poverty_alleviation", "extreme_poverty", "disability",
              "martyr_family", "orphan", "student_loan"]


def claim(on: D = D(2022, 7, 1), region: str = "210202", catalog=CATALOG, validate: bool = True, **change):
    facts = {"graduation_year": 2022, "hardship_category": "low_income"} | change
    if validate:
        facts = PROGRAM.validate_facts(facts)
    rules = catalog.resolve("job_search", region, on)
    return decide("job_search", facts, rules, Context(on, region, "person", PERSON, None))


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_listed_hardship_category_qualifies(category):
    """二.8: 低保家庭、残疾人子女、脱贫家庭、特困、残疾、烈士子女、孤儿、国家助学贷款 — 1000.00 (Dalian)."""
    decision = claim(hardship_category=category)
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (100000, Fraction(0), True)
    assert [s["rule"].split(".")[1] for s in decision.explanation] == [
        "graduation_year", "hardship_category", "amount", "prepayment"]


def test_hardship_category_choices_are_the_eight_listed():
    """二.8: any other category is refused at the edge and by the rule."""
    assert list(PROGRAM.fact("hardship_category").choices) == CATEGORIES
    with pytest.raises(ValidationFailed) as caught:
        claim(hardship_category="unemployed")
    assert caught.value.field == "facts.hardship_category"
    with pytest.raises(NotEligible) as refused:
        claim(validate=False, hardship_category="unemployed")
    assert refused.value.rule == "job_search.hardship_category"


@pytest.mark.parametrize("year", [2021, 2023])
def test_graduation_year_must_be_the_graduating_year(year):
    """二.8: 对毕业学年…毕业生 — the graduation year is the year of the application date."""
    with pytest.raises(NotEligible) as refused:
        claim(graduation_year=year)
    assert refused.value.rule == "job_search.graduation_year"
    assert refused.value.explanation[-1]["passed"] is False


def test_job_search_once_per_person():
    """二.8: once per person, whatever the year."""
    (once,) = claim().limits
    assert (once.key, once.limit) == (f"job_search:{PERSON}", 1)
    assert "once per person" in once.label
    assert claim(on=D(2023, 3, 1), graduation_year=2023).limits == (once,)


def test_job_search_is_for_the_applicant_alone():
    """二.8: the graduate applies and is paid; nothing comes later."""
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary) == (("person",), False)
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"hardship_category": "orphan"})


def test_amount_city_override_applies_to_later_claims_only():
    """二.8 不低于…元: Shenyang's figure from its date, beside Dalian's province default."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "job_search", "amount", "1500.00", region="210100", effective_from=D(2022, 9, 1), source="Shenyang")])
    assert claim(catalog=catalog, region="210102", on=D(2022, 9, 1)).entitled_fen == 150000
    assert claim(catalog=catalog, region="210102", on=D(2022, 8, 31)).entitled_fen == 100000
    assert claim(catalog=catalog, region="210202", on=D(2022, 9, 1)).entitled_fen == 100000


def test_amount_set_for_next_year_is_not_in_force_yet():
    """二.8: a province version effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "job_search", "amount", "2000.00", region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31)).entitled_fen == 100000
    assert claim(catalog=catalog, on=D(2023, 1, 1), graduation_year=2023).entitled_fen == 200000
