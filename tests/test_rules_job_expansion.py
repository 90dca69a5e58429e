"""一.1 一次性扩岗补助: graduate of the application year, labour contract, unemployment
insurance, applied by the deadline; per_hire once per hire and year."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
HIRE = "b" * 64
FACTS = {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True}


def claim(on: D = D(2022, 7, 1), catalog=CATALOG, **change):
    facts = CATALOG.program("job_expansion").validate_facts(FACTS | change)
    rules = catalog.resolve("job_expansion", "210102", on)
    return decide("job_expansion", facts, rules, Context(on, "210102", "enterprise", "a" * 64, HIRE))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"job_expansion.{rule}"
    assert caught.value.explanation[-1]["rule"] == f"job_expansion.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    assert all(step["passed"] for step in caught.value.explanation[:-1])
    return caught.value


def test_job_expansion_pays_per_hire_once_without_prepayment():
    """一.1: 按照每人1500元标准发放一次性扩岗补助, no prepayment."""
    decision = claim()
    assert decision.entitled_fen == 150000
    assert decision.prepay_share == Fraction(0)
    assert decision.settlement_ready is True


def test_job_expansion_explanation_shows_every_rule_and_the_amount():
    """一.1: every condition checked, then the amount with its arithmetic and source."""
    steps = claim().explanation
    assert [s["rule"] for s in steps] == [
        "job_expansion.graduation_year", "job_expansion.unemployment_insured", "job_expansion.contract_start",
        "job_expansion.apply_until", "job_expansion.amount"]
    assert all(s["passed"] and s["clause"] == "一.1" and s["zh"] and s["en"] for s in steps)
    assert steps[-1]["arithmetic"] == "1500.00 × 1 = 1500.00"
    assert steps[-1]["parameters"] == [{"name": "per_hire", "value": "1500.00", "region": "210000",
                                        "effective_from": "2022-06-04", "source": "the notice, via Liaoning mirrors"}]
    assert steps[3]["parameters"][0]["value"] == "2022-12-31"


@pytest.mark.parametrize("year", [2021, 2023])
def test_graduation_year_must_be_the_application_year(year):
    """一.1: 毕业年度高校毕业生 — the graduation year is the year of the application date."""
    assert "2022" in refused("graduation_year", graduation_year=year).detail


def test_unemployment_insured_is_required():
    """一.1: 签订劳动合同并参加失业保险."""
    refused("unemployment_insured", unemployment_insured=False)


def test_contract_start_on_the_application_date_counts_the_day_after_does_not():
    """一.1: the labour contract must have started by the application date."""
    assert claim(contract_start="2022-07-01").entitled_fen == 150000
    refused("contract_start", contract_start="2022-07-02")


def test_apply_until_includes_the_last_day():
    """一.1: 政策实施期限截至2022年12月31日 — the 31st counts, 1 January does not."""
    assert claim(on=D(2022, 12, 31), contract_start="2022-12-01").entitled_fen == 150000
    refused("apply_until", on=D(2023, 1, 1), graduation_year=2023, contract_start="2022-12-01")


def test_job_expansion_limits_one_hire_per_calendar_year():
    """一.1: not with absorption for the same hire; a hire counts for one employer a year."""
    (limit,) = claim().limits
    assert (limit.key, limit.limit) == (f"hire:{HIRE}:2022", 1)
    assert "absorption" in limit.label
    (limit,) = claim(on=D(2022, 12, 31)).limits
    assert limit.key.endswith(":2022")


def test_per_hire_follows_a_city_override():
    """一.1: the amount is a parameter; a city's figure wins in its districts."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "job_expansion", "per_hire", "2000.00", region="210100", effective_from=D(2022, 7, 1), source="Shenyang")])
    assert claim(catalog=catalog).entitled_fen == 200000
    assert claim(on=D(2022, 6, 30), contract_start="2022-06-01", catalog=catalog).entitled_fen == 150000


def test_job_expansion_needs_a_hire_and_its_own_rules():
    """一.1 is claimed for one hire, and decided only under job_expansion's rule set."""
    facts = CATALOG.program("job_expansion").validate_facts(FACTS)
    rules = CATALOG.resolve("job_expansion", "210102", D(2022, 7, 1))
    with pytest.raises(ValueError):
        decide("job_expansion", facts, rules, Context(D(2022, 7, 1), "210102", "enterprise", "a", None))
    with pytest.raises(ValueError):
        decide("job_expansion", facts, CATALOG.resolve("internship", "210102", D(2022, 7, 1)),
               Context(D(2022, 7, 1), "210102", "enterprise", "a", HIRE))
