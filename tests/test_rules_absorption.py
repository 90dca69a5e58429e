"""一.1 一次性吸纳就业补贴: small, medium and micro firms hiring a graduate of the application
year on a contract of at least a year receive the employer's contribution for
months_covered months; a firm deferring contributions is prepaid at most a share and the
rest once it resumes; never together with job_expansion for the same hire."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
HIRE = "b" * 64
PROGRAM = CATALOG.program("absorption")
FACTS = {"graduation_year": 2022, "contract_months": 12, "enterprise_size": "small",
         "employer_monthly_contribution": "1200.00"}


def claim(on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG, later: dict | None = None,
          hire: str | None = HIRE, **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    if later:
        facts |= PROGRAM.validate_later_facts(later)
    rules = catalog.resolve("absorption", region, on)
    return decide("absorption", facts, rules, Context(on, region, "enterprise", "a" * 64, hire))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"absorption.{rule}"
    assert caught.value.explanation[-1]["rule"] == f"absorption.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    assert all(step["passed"] for step in caught.value.explanation[:-1])
    return caught.value


def test_absorption_pays_the_employer_contribution_for_months_covered():
    """一.1: 按企业为其缴纳的最长不超过6个月社会保险费 — 1200.00 × 6 = 7200.00."""
    decision = claim()
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (720000, Fraction(0), True)
    amount = next(s for s in decision.explanation if s["rule"] == "absorption.amount")
    assert amount["arithmetic"] == "1200.00 × 6 = 7200.00"
    assert amount["parameters"] == [{"name": "months_covered", "value": 6, "region": "210000",
                                     "effective_from": "2022-06-04",
                                     "source": "the notice's ceiling; Tieling chose 2"}]


def test_absorption_explanation_lists_every_rule():
    """一.1: graduation year, contract, firm size, amount, prepayment — in Chinese and English."""
    steps = claim().explanation
    assert [s["rule"].split(".")[1] for s in steps] == [
        "graduation_year", "contract_months", "enterprise_size", "amount", "prepayment"]
    assert all(s["passed"] and s["clause"] == "一.1" and s["zh"] and s["en"] for s in steps)


@pytest.mark.parametrize("year", [2021, 2023])
def test_graduation_year_must_be_the_application_year(year):
    """一.1: 招用毕业年度高校毕业生."""
    assert "2022" in refused("graduation_year", graduation_year=year).detail


def test_contract_months_of_12_qualifies_11_does_not():
    """一.1: 签订1年以上期限劳动合同."""
    assert claim(contract_months=12).entitled_fen == 720000
    refused("contract_months", contract_months=11)


@pytest.mark.parametrize("size", ["micro", "small", "medium"])
def test_enterprise_size_small_medium_and_micro_qualify(size):
    """一.1: 中小微企业."""
    assert claim(enterprise_size=size).entitled_fen == 720000


def test_enterprise_size_large_is_refused():
    """一.1: a large enterprise gets no absorption subsidy."""
    refused("enterprise_size", enterprise_size="large")


def test_contribution_deferred_prepays_at_most_the_share_until_the_firm_resumes():
    """一.1: 在阶段性缓缴社会保险费期限内的符合条件企业，可预拨不超过50%."""
    decision = claim(contribution_deferred=True)
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (
        720000, Fraction(1, 2), False)
    prepay = decision.explanation[-1]
    assert prepay["rule"] == "absorption.prepayment"
    assert prepay["arithmetic"] == "⌊7200.00 × 0.5⌋ = 3600.00"
    assert prepay["parameters"][0]["name"] == "prepay_share"


def test_contribution_deferred_false_later_releases_the_rest():
    """一.1: 余下部分在企业恢复缴纳社会保险费后拨付 — the clerk records that the firm resumed."""
    assert PROGRAM.validate_later_facts({"contribution_deferred": False}) == {"contribution_deferred": False}
    decision = claim(contribution_deferred=True, later={"contribution_deferred": False})
    assert (decision.entitled_fen, decision.settlement_ready) == (720000, True)


def test_contribution_deferred_left_out_means_not_deferring():
    """一.1: a firm paying its contributions is not prepaid, and is paid in full."""
    assert claim(contribution_deferred=False).settlement_ready is True
    assert claim().prepay_share == Fraction(0)


def test_only_contribution_deferred_comes_later():
    """DOMAIN facts: contribution_deferred is the one later fact."""
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"enterprise_size": "micro"})
    with pytest.raises(ValidationFailed) as caught:
        claim(enterprise_size="huge")
    assert caught.value.field == "facts.enterprise_size"
    with pytest.raises(ValidationFailed) as caught:
        claim(employer_monthly_contribution="1200")
    assert caught.value.field == "facts.employer_monthly_contribution"


def test_absorption_and_job_expansion_share_one_hire_limit():
    """一.1: 与一次性吸纳就业补贴不重复享受 — the same key, so one hire is paid by one of the two,
    for one employer, once a calendar year."""
    (hire,) = claim().limits
    on = D(2022, 7, 1)
    expansion = decide("job_expansion", CATALOG.program("job_expansion").validate_facts(
        {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True}),
        CATALOG.resolve("job_expansion", "210102", on), Context(on, "210102", "enterprise", "f" * 64, HIRE))
    assert expansion.limits == (hire,)
    assert (hire.key, hire.limit) == (f"hire:{HIRE}:2022", 1)
    assert "job_expansion or absorption" in hire.label
    (next_year,) = claim(on=D(2023, 1, 1), graduation_year=2023).limits
    assert next_year.key == f"hire:{HIRE}:2023"


def test_absorption_needs_a_hire():
    """一.1: a claim is for one hire."""
    with pytest.raises(ValueError):
        claim(hire=None)


def test_months_covered_city_override_applies_to_later_claims_only():
    """一.1 具体标准由各市确定: Tieling chose 2 months, from its own date, beside the province's 6."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "absorption", "months_covered", 2, region="211200", effective_from=D(2022, 8, 1), source="Tieling")])
    assert claim(catalog=catalog, region="211202", on=D(2022, 8, 1)).entitled_fen == 240000
    assert claim(catalog=catalog, region="211202", on=D(2022, 7, 31)).entitled_fen == 720000
    assert claim(catalog=catalog, region="210102", on=D(2022, 8, 1)).entitled_fen == 720000


def test_prepay_share_set_for_next_year_is_not_in_force_yet():
    """一.1: a province version effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "absorption", "prepay_share", "0.3", region="210000", effective_from=D(2023, 1, 1), source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31), contribution_deferred=True).prepay_share == Fraction(1, 2)
    assert claim(catalog=catalog, on=D(2023, 1, 1), graduation_year=2023,
                 contribution_deferred=True).prepay_share == Fraction(3, 10)
