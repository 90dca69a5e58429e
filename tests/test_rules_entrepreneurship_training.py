"""二.4 创业培训补贴: the training institution receives gyb_amount or syb_amount per trainee
who graduates in the application year."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import NotEligible, ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
PROGRAM = CATALOG.program("entrepreneurship_training")


def claim(course: str = "SYB", graduation_year: int = 2022, on: D = D(2022, 7, 1), region: str = "210102",
          catalog=CATALOG):
    facts = PROGRAM.validate_facts({"course": course, "graduation_year": graduation_year})
    rules = catalog.resolve("entrepreneurship_training", region, on)
    return decide("entrepreneurship_training", facts, rules, Context(on, region, "institution", "a" * 64, "d" * 64))


@pytest.mark.parametrize("course, fen, parameter", [("GYB", 50000, "gyb_amount"), ("SYB", 200000, "syb_amount")])
def test_amount_by_course(course, fen, parameter):
    """二.4: 每人创业引导培训 (GYB) 500, 创业指导培训 (SYB) 2000 (Liaoning), paid to the institution."""
    decision = claim(course)
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (fen, Fraction(0), True)
    assert decision.limits == ()
    steps = decision.explanation
    assert [s["rule"].split(".")[1] for s in steps] == ["graduation_year", "amount", "prepayment"]
    assert steps[1]["parameters"] == [{"name": parameter, "value": f"{fen // 100}.00", "region": "210000",
                                       "effective_from": "2022-06-04", "source": "Liaoning"}]


@pytest.mark.parametrize("year", [2021, 2023])
def test_graduation_year_must_be_the_application_year(year):
    """二.4: 毕业年度高校毕业生可参加免费创业培训."""
    with pytest.raises(NotEligible) as caught:
        claim(graduation_year=year)
    assert caught.value.rule == "entrepreneurship_training.graduation_year"
    assert caught.value.explanation[-1]["passed"] is False


def test_graduation_year_is_the_year_of_the_application_date():
    """二.4: evaluated on the application date — a 2023 graduate applying on 1 January 2023."""
    assert claim(graduation_year=2023, on=D(2023, 1, 1)).entitled_fen == 200000


def test_course_must_be_gyb_or_syb():
    """二.4: the two courses of the notice."""
    with pytest.raises(ValidationFailed) as caught:
        claim("IYB")
    assert caught.value.field == "facts.course"


def test_entrepreneurship_training_is_paid_to_the_institution_for_a_trainee():
    """二.4: 给予符合条件的培训机构创业培训补贴; paid from the skill-upgrade account or the employment fund."""
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary, PROGRAM.beneficiary_role) == (
        ("institution",), True, "trainee")
    assert PROGRAM.fund_types == ("skill_upgrade_account", "employment_subsidy")


def test_syb_amount_city_override_applies_to_later_claims_only():
    """二.4 不低于…元: Shenyang pays more from its date; Dalian keeps the province's figure."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "entrepreneurship_training", "syb_amount", "2500.00", region="210100", effective_from=D(2022, 9, 1),
        source="Shenyang")])
    assert claim(catalog=catalog, on=D(2022, 9, 1)).entitled_fen == 250000
    assert claim(catalog=catalog, on=D(2022, 8, 31)).entitled_fen == 200000
    assert claim(catalog=catalog, on=D(2022, 9, 1), region="210202").entitled_fen == 200000
    assert claim("GYB", catalog=catalog, on=D(2022, 9, 1)).entitled_fen == 50000


def test_gyb_amount_set_for_next_year_is_not_in_force_yet():
    """二.4: a version effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "entrepreneurship_training", "gyb_amount", "600.00", region="210000", effective_from=D(2023, 1, 1),
        source="assumed")])
    assert claim("GYB", catalog=catalog, on=D(2022, 12, 31)).entitled_fen == 50000
    assert claim("GYB", graduation_year=2023, catalog=catalog, on=D(2023, 1, 1)).entitled_fen == 60000
