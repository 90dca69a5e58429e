"""三.12 技能提升补贴: by certificate level, within 12 months of the certificate, for the
insured unemployed (certificate obtained while receiving benefits) or for employees with
enough months of contributions; once per certificate, once per occupation and level, at
most 3 a year."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, add_months, decide

CATALOG = load_catalog()
D = dt.date
PERSON = "e" * 64
PROGRAM = CATALOG.program("skill_certificate")
FACTS = {"level": "intermediate", "occupation": "焊工", "certificate_no": "S2022-0001",
         "certificate_date": "2022-06-15", "ui_contribution_months": 0, "receiving_ui_benefits": True}


def claim(on: D = D(2022, 7, 1), catalog=CATALOG, **change):
    facts = PROGRAM.validate_facts(FACTS | change)
    rules = catalog.resolve("skill_certificate", "210102", on)
    return decide("skill_certificate", facts, rules, Context(on, "210102", "person", PERSON, None))


def refused(rule: str, **kwargs) -> NotEligible:
    with pytest.raises(NotEligible) as caught:
        claim(**kwargs)
    assert caught.value.rule == f"skill_certificate.{rule}"
    assert caught.value.explanation[-1]["passed"] is False
    return caught.value


@pytest.mark.parametrize("level, fen", [("primary", 100000), ("intermediate", 150000), ("advanced", 200000)])
def test_amount_by_certificate_level(level, fen):
    """三.12: 初级(五级) 1000, 中级(四级) 1500, 高级(三级) 2000; no prepayment."""
    decision = claim(level=level)
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (fen, Fraction(0), True)


def test_unemployed_route_needs_no_contribution_months():
    """三.12: 在领取失业保险金期间取得证书的参保失业人员."""
    steps = claim(ui_contribution_months=0, receiving_ui_benefits=True).explanation
    assert [s["rule"].split(".")[1] for s in steps] == [
        "certificate_date", "within_months", "unemployed_route", "amount"]


def test_contribution_months_12_qualifies_11_does_not_in_2022():
    """三.12: 2022年12月31日前 放宽至参加失业保险12个月及以上."""
    on, got = D(2022, 12, 31), "2022-12-01"
    assert claim(on=on, certificate_date=got, receiving_ui_benefits=False, ui_contribution_months=12).entitled_fen
    failure = refused("contribution_months", on=on, certificate_date=got, receiving_ui_benefits=False,
                      ui_contribution_months=11)
    assert failure.explanation[-1]["arithmetic"] == "11 < 12"
    assert failure.explanation[-1]["parameters"][0]["value"] == 12


def test_contribution_months_36_qualifies_35_does_not_from_2023():
    """三.12: from 2023-01-01 the 2017 national rule's 36 months applies again."""
    on, got = D(2023, 1, 1), "2022-12-01"
    assert claim(on=on, certificate_date=got, receiving_ui_benefits=False, ui_contribution_months=36).entitled_fen
    refused("contribution_months", on=on, certificate_date=got, receiving_ui_benefits=False,
            ui_contribution_months=35)
    refused("contribution_months", on=on, certificate_date=got, receiving_ui_benefits=False,
            ui_contribution_months=12)


def test_within_months_includes_the_anniversary_and_not_the_day_after():
    """三.12: 取得证书之日起12个月内 — 2022-06-15 + 12 months = 2023-06-15 still counts."""
    assert claim(on=D(2023, 6, 15)).entitled_fen == 150000
    failure = refused("within_months", on=D(2023, 6, 16))
    assert failure.explanation[-1]["arithmetic"] == "2022-06-15 + 12 months = 2023-06-15"


def test_within_months_clamps_to_the_end_of_a_shorter_month():
    """三.12: a certificate of 31 August plus 6 months ends on 28 February."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "skill_certificate", "within_months", 6, region="210100", effective_from=D(2022, 6, 4), source="assumed")])
    assert claim(on=D(2023, 2, 28), catalog=catalog, certificate_date="2022-08-31").entitled_fen == 150000
    with pytest.raises(NotEligible) as caught:
        claim(on=D(2023, 3, 1), catalog=catalog, certificate_date="2022-08-31")
    assert caught.value.rule == "skill_certificate.within_months"


def test_add_months_clamps_the_day():
    """"Within N months" adds calendar months, the day clamped to the month's end."""
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2022, 1, 31), 1) == D(2022, 2, 28)
    assert add_months(D(2022, 11, 30), 3) == D(2023, 2, 28)
    assert add_months(D(2022, 6, 15), 12) == D(2023, 6, 15)


def test_certificate_date_on_the_application_date_counts_the_day_after_does_not():
    """三.12: a certificate not yet obtained on the application date earns nothing."""
    assert claim(on=D(2022, 7, 1), certificate_date="2022-07-01").entitled_fen == 150000
    refused("certificate_date", on=D(2022, 7, 1), certificate_date="2022-07-02")


def test_skill_certificate_limits_certificate_occupation_and_year():
    """三.12: a certificate once; 同一职业同一等级不可重复享受; 每人每年最多不超过3次."""
    certificate, occupation, year = claim(on=D(2022, 12, 31), certificate_no=" s2022-0001 ").limits
    assert (certificate.key, certificate.limit) == ("skill_certificate:certificate:S2022-0001", 1)
    assert (occupation.key, occupation.limit) == (f"skill_certificate:occupation:{PERSON}:焊工:intermediate", 1)
    assert (year.key, year.limit) == (f"skill_certificate:year:{PERSON}:2022", 3)
    assert "3" in year.label
    _, _, next_year = claim(on=D(2023, 1, 2), certificate_date="2022-12-01").limits
    assert next_year.key.endswith(":2023")


def test_skill_certificate_takes_no_later_facts():
    """DOMAIN facts: nothing changes after submission."""
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"ui_contribution_months": 36})
