"""One subsidy per person-month across all four person-month programs (DOMAIN.md, "One
subsidy per person-month (revision of 2026-12-07)": "A person's months are subsidised once
across social_insurance, care_institution_social_insurance, public_welfare_post
(beneficiary) and flexible_social_insurance (applicant): a claim gets its period's months
that no counting claim of the person covers, within its cap; … none: 409 limit_exceeded").
The two programs of the care plan and 四.14 take their months from the same person-months
as social_insurance, through the HTTP API."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import credit_code, person_id
from .helpers import SHENYANG, assert_problem, submit


@pytest.fixture
def money(staff):
    open_fund(staff.treasurer, "employment_subsidy", SHENYANG, "5000000.00")


def employer(kind: str = "enterprise") -> dict:
    return {"kind": kind, "id": credit_code(), "name": "沈阳示例单位"}


def social(person: str, **facts) -> dict:
    return {"program": "social_insurance", "region": SHENYANG, "applicant": employer(),
            "beneficiary": {"id": person, "name": "毕业生"},
            "facts": {"diploma_date": "2022-06-30", "hired_on": "2022-07-01", "period_start": "2022-07-01",
                      "registered_unemployed": False, "contract_months": 24, "enterprise_size": "large",
                      "employer_monthly_contribution": "1000.00", "months": 6, "retained_intern": False, **facts},
            "application_date": "2022-12-20"}


def post(person: str, **facts) -> dict:
    return {"program": "public_welfare_post", "region": SHENYANG, "applicant": employer(),
            "beneficiary": {"id": person, "name": "毕业生"},
            "facts": {"hardship_category": "orphan", "diploma_date": "2022-06-30", "placed_on": "2022-07-01",
                      "period_start": "2022-07-01", "employer_monthly_contribution": "800.00", "months": 6, **facts},
            "application_date": "2022-12-20"}


def care(person: str, **facts) -> dict:
    return {"program": "care_institution_social_insurance", "region": SHENYANG, "applicant": employer("institution"),
            "beneficiary": {"id": person, "name": "劳动者"},
            "facts": {"institution_type": "childcare", "hardship_certified": True, "hired_on": "2022-07-01",
                      "period_start": "2022-07-01", "employer_monthly_contribution": "800.00", "months": 6, **facts},
            "application_date": "2022-12-20"}


def flexible(person: str, **facts) -> dict:
    return {"program": "flexible_social_insurance", "region": SHENYANG,
            "applicant": {"kind": "person", "id": person, "name": "毕业生"},
            "facts": {"left_school_on": "2022-06-30", "monthly_contribution": "900.00", "months": 6,
                      "period_start": "2022-07-01", **facts}, "application_date": "2022-12-20"}


def months_step(claim: dict) -> dict:
    return next(s for s in claim["entitlement_explanation"] if s["rule"].endswith(".person_months"))


@pytest.mark.parametrize("program", [post, care])
def test_the_months_social_insurance_pays_are_not_paid_again(staff, money, program):
    person = person_id()
    first = submit(staff.clerk, social(person))                                               # 2022-07 .. 2022-12
    assert first["amounts"]["entitled"] == "6000.00"
    refused = assert_problem(staff.clerk.post("/v1/claims", program(person)), 409, "limit_exceeded")
    assert refused["rule"].endswith(".person_months")
    # Three of its months overlap social_insurance's: only the other three are paid.
    later = submit(staff.clerk, program(person, period_start="2022-10-01", months=6))
    step = months_step(later)
    assert step["earlier_claims"] == [first["claim_id"]]
    assert step["months_taken"] == ["2022-10", "2022-11", "2022-12"]
    expected = {post: "5400.00", care: "2400.00"}[program]                                   # 1,800.00 / 800.00 × 3
    assert later["amounts"]["entitled"] == expected


@pytest.mark.parametrize("program", [post, care])
def test_social_insurance_does_not_pay_again_what_these_programs_pay(staff, money, program):
    person = person_id()
    first = submit(staff.clerk, program(person, months=3))                                   # 2022-07 .. 2022-09
    later = submit(staff.clerk, social(person))
    assert later["amounts"]["entitled"] == "3000.00"                                         # 1,000.00 × 3
    assert months_step(later)["earlier_claims"] == [first["claim_id"]]


def test_a_month_is_paid_once_across_all_four_programs(staff, money):
    person = person_id()
    submit(staff.clerk, care(person, months=2))                                              # 2022-07, 2022-08
    submit(staff.clerk, post(person, period_start="2022-09-01", months=2))                   # 2022-09, 2022-10
    submit(staff.clerk, social(person, period_start="2022-11-01", months=1))                 # 2022-11
    # flexible_social_insurance takes the applicant's months: the same person, one month left.
    assert submit(staff.clerk, flexible(person))["amounts"]["entitled"] == "600.00"          # ⌊900.00 × 2/3⌋ × 1
    for body in (care(person), post(person), social(person), flexible(person)):
        assert_problem(staff.clerk.post("/v1/claims", body), 409, "limit_exceeded")


def test_another_persons_months_are_their_own(staff, money):
    submit(staff.clerk, social(person_id()))
    assert submit(staff.clerk, post(person_id()))["amounts"]["entitled"] == "10800.00"


def test_a_rejected_claim_gives_its_months_back(staff, money):
    person = person_id()
    first = submit(staff.clerk, post(person))
    r = staff.reviewer.post(f"/v1/claims/{first['claim_id']}/reject", {"reason": "材料不全"})
    assert r.status_code == 200, r.text
    assert submit(staff.clerk, care(person))["amounts"]["entitled"] == "4800.00"
