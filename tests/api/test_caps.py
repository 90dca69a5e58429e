"""Caps across claims (API.md ★, DOMAIN.md "Caps across claims"): a second claim never pays
again what the first covered. Each reproduction of the review, a later claim entitled to
what remains with its explanation citing the earlier claims, 409 limit_exceeded when nothing
remains, settlement giving back what a claim no longer uses, rejection, withdrawal and an
unpaid close freeing all of it, and count limits read on the later claim's own date."""
from __future__ import annotations

import datetime as dt

import pytest

from ..conftest import open_fund
from ..support import credit_code, internship_facts, parameters_in_force, person_id
from .helpers import SHENYANG, approve, assert_problem, pay, skill_certificate_claim, submit

DAY = "2022-07-15"


def claim(program: str, facts: dict, *, applicant: dict, beneficiary: dict | None = None,
          application_date: str = DAY) -> dict:
    body = {"program": program, "region": SHENYANG, "applicant": applicant, "facts": facts,
            "application_date": application_date}
    if beneficiary is not None:
        body["beneficiary"] = beneficiary
    return body


def person(number: str) -> dict:
    return {"kind": "person", "id": number, "name": "申请人"}


def company(code: str) -> dict:
    return {"kind": "enterprise", "id": code, "name": "沈阳示例科技有限公司"}


def flexible(number: str, months: int) -> dict:
    return claim("flexible_social_insurance", {"left_school_on": "2021-07-01", "monthly_contribution": "1000.00",
                                               "period_start": "2022-06-01",
                                               "months": months}, applicant=person(number))


def cap_step(body: dict) -> dict:
    return next(s for s in body["entitlement_explanation"] if s["rule"].endswith(".cap"))


@pytest.fixture
def money(staff):
    for fund_type in ("employment_subsidy", "skill_upgrade_account", "inclusive_finance"):
        open_fund(staff.treasurer, fund_type, SHENYANG, "5000000.00")


def test_two_24_month_flexible_claims_by_one_person_pay_24_months_once(staff):
    """The reproduction: two 24-month flexible_social_insurance claims by one person were
    both paid 15,999.84."""
    number = person_id()
    first = submit(staff.clerk, flexible(number, 24))
    assert first["amounts"]["entitled"] == "15999.84"
    refused = assert_problem(staff.clerk.post("/v1/claims", flexible(number, 24)), 409, "limit_exceeded")
    # The same 24 months again: every one is subsidised already (one subsidy per person-month).
    assert refused["rule"] == "flexible_social_insurance.person_months"
    step = next(s for s in refused["entitlement_explanation"] if s["rule"].endswith(".person_months"))
    assert step["earlier_claims"] == [first["claim_id"]]
    assert first["claim_id"] in refused["detail"]
    # 24 other months: nothing remains of the person's 24.
    later = flexible(number, 24)
    later["facts"]["period_start"] = "2024-06-01"
    refused = assert_problem(staff.clerk.post("/v1/claims", later), 409, "limit_exceeded")
    assert refused["rule"] == "flexible_social_insurance.cap"
    assert cap_step(refused)["earlier_claims"] == [first["claim_id"]]


def test_a_later_claim_is_entitled_to_what_remains_and_cites_the_earlier_ones(staff):
    number = person_id()
    first = submit(staff.clerk, flexible(number, 20))
    second = submit(staff.clerk, flexible(number, 24))
    assert second["amounts"]["entitled"] == "2666.64"              # 666.66 × the 4 months left of 24
    step = cap_step(second)
    assert step["earlier_claims"] == [first["claim_id"]] and first["claim_id"] in step["en"]
    assert "4 months" in step["en"] and step["passed"] is True
    assert_problem(staff.clerk.post("/v1/claims", flexible(number, 1)), 409, "limit_exceeded")
    # Another person is not touched by this one's cap.
    assert submit(staff.clerk, flexible(person_id(), 24))["amounts"]["entitled"] == "15999.84"


def social(employer: str, graduate: str, months: int = 12) -> dict:
    return claim("social_insurance", {"graduation_year": 2022, "diploma_date": "2022-06-30", "hired_on": "2022-07-01",
                                      "period_start": "2022-07-01", "registered_unemployed": False, "contract_months": 12,
                                      "enterprise_size": "small", "employer_monthly_contribution": "900.00",
                                      "months": months, "retained_intern": False},
                 applicant=company(employer), beneficiary={"id": graduate, "name": "毕业生"})


def test_two_12_month_social_insurance_claims_for_one_hire(staff):
    """The reproduction: 10,800.00 twice for one hire."""
    employer, graduate = credit_code(), person_id()
    assert submit(staff.clerk, social(employer, graduate))["amounts"]["entitled"] == "10800.00"
    assert_problem(staff.clerk.post("/v1/claims", social(employer, graduate)), 409, "limit_exceeded")
    # The same graduate hired by another employer: 12 months per graduate, not per employer
    # (DOMAIN.md, One subsidy per person-month; see test_person_keys.py).
    assert_problem(staff.clerk.post("/v1/claims", social(credit_code(), graduate)), 409, "limit_exceeded")


def venue(business: dict, months: int = 24, founder: str | None = None) -> dict:
    return claim("startup_venue", {"monthly_rent": "2000.00", "months": months, "in_incubator": False,
                                   "operating_since": "2021-10-01", "graduation_year": 2020,
                                   "diploma_date": "2020-06-30", "first_business": True}, applicant=business,
                 beneficiary={"id": founder or person_id(), "name": "创始人"} if business["kind"] != "person" else None)


def test_two_24_month_venue_claims_for_one_business(staff):
    business, founder = company(credit_code()), person_id()
    assert submit(staff.clerk, venue(business, founder=founder))["amounts"]["entitled"] == "48000.00"
    assert_problem(staff.clerk.post("/v1/claims", venue(business, founder=founder)), 409, "limit_exceeded")


def apprentice_claim(employer: str, apprentice: str, day: str = "2022-07-12") -> dict:
    return claim("apprenticeship", {"level": "advanced", "shortage_occupation": False, "contract_months": 36,
                                    "certificate_no": f"GX{person_id()[-8:]}", "graduation_year": 2020,
                                    "diploma_date": "2020-06-30"},
                 applicant=company(employer), beneficiary={"id": apprentice, "name": "学徒"},
                 application_date=day)


def test_the_same_apprentice_once_a_year(staff):
    apprentice = person_id()
    submit(staff.clerk, apprentice_claim(credit_code(), apprentice))
    assert_problem(staff.clerk.post("/v1/claims", apprentice_claim(credit_code(), apprentice, "2022-11-01")), 409,
                   "limit_exceeded")
    assert submit(staff.clerk, apprentice_claim(credit_code(), apprentice, "2023-03-01"))["status"] == "submitted"


def startup(number: str) -> dict:
    return claim("startup", {"first_business": True, "guaranteed_loan": True, "new_industry": False,
                             "registered_on": "2022-05-10", "business_form": "enterprise", "graduation_year": 2021,
                             "diploma_date": "2021-06-30"},
                 applicant=person(number))


def test_a_second_startup_subsidy_for_the_same_person(staff):
    number = person_id()
    submit(staff.clerk, startup(number))
    assert_problem(staff.clerk.post("/v1/claims", startup(number)), 409, "limit_exceeded")


def training(trainee: str, course: str) -> dict:
    return claim("entrepreneurship_training", {"course": course, "graduation_year": 2022,
                                               "course_started_on": "2022-06-20"},
                 applicant={"kind": "institution", "id": credit_code(), "name": "创业培训学校"},
                 beneficiary={"id": trainee, "name": "学员"})


def test_the_same_trainees_course_once(staff):
    trainee = person_id()
    submit(staff.clerk, training(trainee, "GYB"))
    assert_problem(staff.clerk.post("/v1/claims", training(trainee, "GYB")), 409, "limit_exceeded")
    assert submit(staff.clerk, training(trainee, "SYB"))["amounts"]["entitled"] == "2000.00"


def test_a_loans_interest_is_capped_by_its_rate_and_term_across_claims(staff):
    """The reproduction: 50,000.00 of interest accepted on a 1,000.00 loan."""
    body = claim("loan_interest", {"loan_principal": "1000.00", "loan_term_months": 12, "interest_due": "50000.00",
                                   "loan_contract_no": "DK-001", "graduation_year": 2021, "diploma_date": "2021-06-30"},
                 applicant=person(person_id()))
    first = submit(staff.clerk, body)
    assert first["amounts"]["entitled"] == "52.00"                  # ⌊1000.00 × 0.052 × 12 / 12⌋
    assert_problem(staff.clerk.post("/v1/claims", body), 409, "limit_exceeded")


def test_an_incubators_yearly_support_is_capped_across_claims(staff):
    incubator = {"kind": "institution", "id": credit_code(), "name": "孵化基地"}
    body = lambda costs: claim("incubator_support", {"eligible_costs": costs}, applicant=incubator)  # noqa: E731
    assert submit(staff.clerk, body("150000.00"))["amounts"]["entitled"] == "150000.00"
    assert submit(staff.clerk, body("100000.00"))["amounts"]["entitled"] == "50000.00"
    assert_problem(staff.clerk.post("/v1/claims", body("1.00")), 409, "limit_exceeded")


def internship_for(intern: str, term: int) -> dict:
    return claim("internship", internship_facts(term), applicant=company(credit_code()),
                 beneficiary={"id": intern, "name": "见习生"})


def test_settlement_gives_back_what_a_claim_no_longer_uses(staff, money):
    intern = person_id()
    first = submit(staff.clerk, internship_for(intern, 12))
    assert_problem(staff.clerk.post("/v1/claims", internship_for(intern, 1)), 409, "limit_exceeded")
    approve(staff.reviewer, first["claim_id"])
    r = staff.clerk.post(f"/v1/claims/{first['claim_id']}/facts", {"facts": {"months_served": 5}})
    assert r.status_code == 200, r.text
    assert r.json()["amounts"]["entitled"] == "5750.00"             # 1,150.00 × 5 months
    second = submit(staff.clerk, internship_for(intern, 12))
    assert second["amounts"]["entitled"] == "8050.00"                # the 7 months given back
    assert cap_step(second)["earlier_claims"] == [first["claim_id"]]


@pytest.mark.parametrize("end", ["reject", "withdraw", "close"])
def test_a_claim_that_does_not_count_frees_all_it_took(staff, money, end):
    number = person_id()
    first = submit(staff.clerk, flexible(number, 24))
    cid = first["claim_id"]
    if end == "close":
        approve(staff.reviewer, cid)
        r = staff.reviewer.post(f"/v1/claims/{cid}/close", {"reason": "未支付结案"})
    else:
        api = staff.reviewer if end == "reject" else staff.clerk
        r = api.post(f"/v1/claims/{cid}/{end}", {"reason": "不再申请"})
    assert r.status_code == 200, r.text
    assert submit(staff.clerk, flexible(number, 24))["amounts"]["entitled"] == "15999.84"


def test_a_claim_closed_after_payment_still_counts(staff, money):
    number = person_id()
    cid = submit(staff.clerk, flexible(number, 12))["claim_id"]
    approve(staff.reviewer, cid)
    pay(staff.treasurer, cid, "7999.92", "ZF-CAP-1")
    assert submit(staff.clerk, flexible(number, 24))["amounts"]["entitled"] == "7999.92"   # the other 12 months


def lower_max_per_year(client, value: int, from_day: dt.date) -> None:
    """The province lowers skill_certificate.max_per_year from a date (a confirmed
    parameter change; the workflow itself is tested in test_parameters.py)."""
    parameters_in_force(client.app.state.runtime.ledger, "skill_certificate", {
        "region": "210000", "effective_from": from_day.isoformat(), "values": {"max_per_year": value}})


def test_a_lowered_yearly_limit_applies_to_the_claims_after_it(client, staff):
    """The reproduction: after the province lowered max_per_year to 1, a person's 2nd and 3rd
    claims were still accepted (the limit was frozen by the first claim of the year)."""
    number = person_id()
    submit(staff.clerk, skill_certificate_claim(number, occupation="电工", application_date="2022-07-01"))
    lower_max_per_year(client, 1, dt.date(2022, 8, 1))
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(number, occupation="焊工", application_date="2022-08-02",
                                                               certificate_date="2022-07-20"))
    assert_problem(r, 409, "limit_exceeded")
    # Before the change a second claim of the same year was still within the limit of 3.
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(number, occupation="钳工", application_date="2022-07-30"))
    assert r.status_code == 201, r.text


def test_a_yearly_limit_of_zero_refuses_the_first_claim(client, staff):
    lower_max_per_year(client, 0, dt.date(2022, 8, 1))
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(person_id(), application_date="2022-08-02",
                                                               certificate_date="2022-07-20"))
    assert_problem(r, 409, "limit_exceeded")
