"""All nineteen programs (the notice's and the care plan's) through the API: each is decided, approved from its
default fund and shows its rule version and explanation; prepaying programs allow their
share; the limits across claims hold."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import credit_code, internship_facts, person_id
from .helpers import assert_problem

D = "2022-07-15"


def company() -> dict:
    return {"kind": "enterprise", "id": credit_code(), "name": "沈阳示例有限公司"}


def school() -> dict:
    return {"kind": "institution", "id": credit_code(), "name": "沈阳职业技能培训学校"}


def person() -> dict:
    return {"kind": "person", "id": person_id(), "name": "王五"}


def hire() -> dict:
    return {"id": person_id(), "name": "张三"}


# program -> (applicant, needs beneficiary, facts, entitled, prepayment cap)
CASES = {
    "job_expansion": (company, True, {"graduation_year": 2022, "contract_start": "2022-07-01",
                                      "unemployment_insured": True}, "1500.00", None),
    "absorption": (company, True, {"graduation_year": 2022, "contract_months": 12, "enterprise_size": "small",
                                   "employer_monthly_contribution": "1000.00", "contribution_deferred": True},
                   "6000.00", "3000.00"),
    "social_insurance": (company, True, {"graduation_year": 2022, "diploma_date": "2022-06-30",
                                         "hired_on": "2022-07-01", "period_start": "2022-07-01",
                                         "registered_unemployed": False,
                                         "contract_months": 12, "enterprise_size": "small",
                                         "employer_monthly_contribution": "1000.00", "months": 12,
                                         "retained_intern": False}, "12000.00", "6000.00"),
    "flexible_social_insurance": (person, False, {"left_school_on": "2021-07-01", "monthly_contribution": "1000.00",
                                                  "months": 30, "period_start": "2022-06-01"}, "15999.84", None),
    "internship": (company, True, internship_facts(3), "3450.00", "1725.00"),
    "internship_base_award": (school, False, {"level": "national"}, "100000.00", None),
    "entrepreneurship_training": (school, True, {"course": "SYB", "graduation_year": 2022,
                                                 "course_started_on": "2022-06-20"}, "2000.00", None),
    "startup": (person, False, {"first_business": True, "guaranteed_loan": True, "new_industry": True,
                                "registered_on": "2022-05-10", "business_form": "enterprise",
                                "graduation_year": 2021, "diploma_date": "2021-06-30"}, "6500.00", None),
    "startup_venue": (person, False, {"monthly_rent": "2000.00", "months": 30, "in_incubator": False,
                                      "operating_since": "2021-10-01", "graduation_year": 2020,
                                      "diploma_date": "2020-06-30", "first_business": True}, "48000.00", "12000.00"),
    "loan_interest": (company, True, {"loan_principal": "200000.00", "loan_term_months": 36,
                                       "interest_due": "3456.78", "loan_contract_no": "DK-2022-0001",
                                       "graduation_year": 2021, "diploma_date": "2021-06-30"}, "3456.78", None),
    "job_search": (person, False, {"graduation_year": 2022, "hardship_category": "low_income"}, "1000.00", None),
    "incubator_support": (school, False, {"eligible_costs": "300000.00"}, "200000.00", None),
    "career_switch_training": (school, True, {"months": 4, "left_school_on": "2021-07-01"}, "4000.00", None),
    "apprenticeship": (company, True, {"level": "advanced", "shortage_occupation": True, "contract_months": 12,
                                       "certificate_no": "Y-0001", "graduation_year": 2020,
                                       "diploma_date": "2020-06-30"}, "7800.00", "3900.00"),
    "skill_certificate": (person, False, {"level": "intermediate", "occupation": "电工", "certificate_no": "S-0001",
                                          "certificate_date": "2022-05-20", "ui_contribution_months": 24,
                                          "receiving_ui_benefits": False}, "1500.00", None),
    # DOMAIN.md "New programs (revision of 2026-12-07)", with its worked examples
    "flexible_graduate_training": (school, True, {"diploma_date": "2021-06-30", "flexible_since": "2022-03-01",
                                                  "course_started_on": "2022-06-06", "level": "advanced",
                                                  "certificate_no": "LH-0001"}, "2000.00", None),
    "public_welfare_post": (company, True, {"hardship_category": "orphan", "diploma_date": "2021-06-30",
                                            "placed_on": "2022-06-15", "period_start": "2022-07-01",
                                            "employer_monthly_contribution": "800.00", "months": 6},
                            "10800.00", None),
    "care_institution_social_insurance": (school, True, {"institution_type": "elderly_care",
                                                         "hardship_certified": True, "hired_on": "2022-06-15",
                                                         "period_start": "2022-07-01",
                                                         "employer_monthly_contribution": "800.00", "months": 6},
                                          "4800.00", None),
    "care_worker_training": (school, True, {"occupation": "childcare_worker", "level": "intermediate",
                                            "certificate_no": "YT-0001", "certificate_date": "2022-06-20",
                                            "employed_in_care": True}, "1500.00", None),
}


@pytest.fixture
def bureau(staff):
    for fund_type in ("unemployment_insurance", "employment_subsidy", "skill_upgrade_account", "inclusive_finance"):
        open_fund(staff.treasurer, fund_type, "210000", "5000000.00")
    return staff


def claim_body(program: str) -> dict:
    applicant, with_beneficiary, facts, _, _ = CASES[program]
    body = {"program": program, "region": "210100", "applicant": applicant(), "facts": dict(facts),
            "application_date": D}
    if with_beneficiary:
        body["beneficiary"] = hire()
    return body


def test_the_catalog_lists_all_nineteen(staff):
    items = staff.clerk.get("/v1/programs").json()["items"]
    assert [p["code"] for p in items] == list(CASES)
    for p in items:
        assert p["facts"]["type"] == "object" and p["rule_version"].startswith(p["code"] + "@")
        assert p["parameters"] and p["fund_types"] and p["name_zh"] and p["clause"]


@pytest.mark.parametrize("program", list(CASES))
def test_each_program_is_decided_approved_and_prepaid_per_the_notice(bureau, program):
    _, _, _, entitled, cap = CASES[program]
    r = bureau.clerk.post("/v1/claims", claim_body(program))
    assert r.status_code == 201, r.text
    claim = r.json()
    assert claim["amounts"]["entitled"] == entitled
    assert claim["rule_version"].startswith(program + "@")
    steps = claim["entitlement_explanation"]
    assert steps and all(s["zh"] and s["en"] and s["clause"] for s in steps)
    r = bureau.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {"approved_on": "2022-07-16"})
    assert r.status_code == 200, r.text
    assert r.json()["fund_id"].split(":")[0] == bureau.admin.get(f"/v1/programs/{program}").json()["fund_types"][0]
    pay = {"kind": "prepayment", "payment_ref": f"P-{program}", "paid_on": "2022-07-20"}
    if cap is None:
        assert_problem(bureau.treasurer.post(f"/v1/claims/{claim['claim_id']}/payments", {**pay, "amount": "1.00"}),
                       409, "limit_exceeded")
    else:
        over = f"{int(cap.split('.')[0]) + 1}.00"
        assert_problem(bureau.treasurer.post(f"/v1/claims/{claim['claim_id']}/payments", {**pay, "amount": over}),
                       409, "limit_exceeded")
        r = bureau.treasurer.post(f"/v1/claims/{claim['claim_id']}/payments", {**pay, "amount": cap})
        assert r.status_code == 201 and r.json()["status"] == "prepaid", r.text


def test_job_expansion_and_absorption_never_both_for_one_hire(bureau):
    """一.1: 与一次性吸纳就业补贴不重复享受."""
    graduate = hire()
    first = claim_body("job_expansion")
    first["beneficiary"] = graduate
    assert bureau.clerk.post("/v1/claims", first).status_code == 201
    second = claim_body("absorption")
    second["beneficiary"] = graduate
    assert_problem(bureau.clerk.post("/v1/claims", second), 409, "duplicate")


def test_job_search_once_per_person_and_base_award_once_per_base_and_level(bureau):
    """二.8 and 一.3."""
    body = claim_body("job_search")
    assert bureau.clerk.post("/v1/claims", body).status_code == 201
    assert_problem(bureau.clerk.post("/v1/claims", body), 409, "duplicate")
    award = claim_body("internship_base_award")
    assert bureau.clerk.post("/v1/claims", award).status_code == 201
    assert_problem(bureau.clerk.post("/v1/claims", award), 409, "duplicate")
    award["facts"] = {"level": "provincial"}
    assert bureau.clerk.post("/v1/claims", award).status_code == 201


def test_absorption_pays_the_rest_once_the_firm_resumes(bureau):
    """一.1: 余下部分在企业恢复缴纳社会保险费后拨付."""
    cid = bureau.clerk.post("/v1/claims", claim_body("absorption")).json()["claim_id"]
    bureau.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"})
    pay = {"paid_on": "2022-07-20"}
    assert bureau.treasurer.post(f"/v1/claims/{cid}/payments", {**pay, "amount": "3000.00", "kind": "prepayment",
                                                                "payment_ref": "A-1"}).status_code == 201
    assert_problem(bureau.treasurer.post(f"/v1/claims/{cid}/payments", {**pay, "amount": "3000.00",
                                                                        "kind": "settlement", "payment_ref": "A-2"}),
                   409, "invalid_state")
    r = bureau.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"contribution_deferred": False}})
    assert r.status_code == 200, r.text
    r = bureau.treasurer.post(f"/v1/claims/{cid}/payments", {**pay, "amount": "3000.00", "kind": "settlement",
                                                             "payment_ref": "A-2"})
    assert r.status_code == 201 and r.json()["status"] == "paid", r.text


def test_a_refusal_shows_the_rule_that_failed_with_its_explanation(bureau):
    body = claim_body("career_switch_training")
    body["facts"]["left_school_on"] = "2019-07-01"
    r = bureau.clerk.post("/v1/claims", body)
    problem = assert_problem(r, 422, "not_eligible")
    assert problem["rule"].startswith("career_switch_training.") and problem["rule"] in problem["detail"]
    assert problem["entitlement_explanation"][-1]["passed"] is False


