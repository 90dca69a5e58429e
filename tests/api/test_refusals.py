"""The contract's refusals other than validation: not_found, invalid_state,
insufficient_funds, not_eligible, limit_exceeded and duplicate; each records nothing."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import credit_code, internship_claim, job_expansion_claim, person_id
from .helpers import (APPROVED_ON, PAID_ON, approve, approved_job_expansion, assert_problem, claim_ids, fund_balance,
                      paid_job_expansion, pay, skill_certificate_claim, submit)

UNKNOWN = "0b6f2d55-9c1e-4a43-8d7e-3f1c2b9a7e10"


# ---- not_found ------------------------------------------------------------------------


@pytest.mark.parametrize("claim_id", [UNKNOWN, "not-a-uuid", "12345"])
def test_unknown_claims_are_not_found(staff, funds, claim_id):
    assert_problem(staff.auditor.get(f"/v1/claims/{claim_id}"), 404, "not_found")
    assert_problem(staff.auditor.get(f"/v1/claims/{claim_id}/events"), 404, "not_found")
    assert_problem(staff.reviewer.post(f"/v1/claims/{claim_id}/approve", {"approved_on": APPROVED_ON}),
                   404, "not_found")
    assert_problem(staff.reviewer.post(f"/v1/claims/{claim_id}/reject", {"reason": "无此申请"}), 404, "not_found")
    assert_problem(staff.clerk.post(f"/v1/claims/{claim_id}/withdraw", {"reason": "无此申请"}), 404, "not_found")
    assert_problem(staff.treasurer.post(f"/v1/claims/{claim_id}/payments",
                                        {"amount": "1.00", "kind": "settlement", "payment_ref": "P"}),
                   404, "not_found")


def test_unknown_payment_and_clawback_are_not_found(staff, funds):
    cid = paid_job_expansion(staff, ref="ZF-1")["claim_id"]
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments/ZF-404/return", {"reason": "退票"}),
                   404, "not_found")
    assert_problem(staff.reviewer2.post(f"/v1/claims/{cid}/clawbacks/{UNKNOWN}/confirm"), 404, "not_found")
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["version"] == 3


def test_unknown_fund_is_not_found(staff):
    assert_problem(staff.auditor.get("/v1/funds/inclusive_finance:210100"), 404, "not_found")
    assert_problem(staff.treasurer.post("/v1/funds/inclusive_finance:210100/allocations",
                                        {"amount": "1.00", "source": "other", "document_no": "d",
                                         "effective_date": "2022-06-20"}), 404, "not_found")


def test_approval_from_a_named_unknown_fund_is_not_found(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    r = staff.reviewer2.post(f"/v1/claims/{cid}/approve",
                             {"approved_on": APPROVED_ON, "fund_id": "unemployment_insurance:210000"})
    assert_problem(r, 404, "not_found")


def test_unknown_path_is_a_problem_too(staff):
    assert_problem(staff.auditor.get("/v1/nothing-here"), 404, "not_found")


# ---- invalid_state --------------------------------------------------------------------


def test_approving_twice(staff, funds):
    cid = approved_job_expansion(staff)["claim_id"]
    assert_problem(staff.reviewer2.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON}),
                   409, "invalid_state")
    assert fund_balance(staff.treasurer, funds["ui"])["reserved"] == "1500.00"


def test_paying_a_submitted_claim(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", {"amount": "1500.00", "kind": "settlement",
                                                             "payment_ref": "ZF-1", "paid_on": PAID_ON})
    assert_problem(r, 409, "invalid_state")
    assert fund_balance(staff.treasurer, funds["ui"])["disbursed"] == "0.00"


def test_closing_a_paid_claim(staff, funds):
    cid = paid_job_expansion(staff)["claim_id"]
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/close", {"reason": "结案"}), 409, "invalid_state")
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["status"] == "paid"


def test_a_recovery_without_a_confirmed_demand(staff, funds):
    cid = paid_job_expansion(staff)["claim_id"]
    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "100.00", "reference": "HK-1"})
    assert_problem(r, 409, "invalid_state")
    assert fund_balance(staff.treasurer, funds["ui"])["recovered"] == "0.00"


@pytest.mark.parametrize("status", ["approved", "rejected", "withdrawn", "closed", "paid"])
def test_only_submitted_claims_are_rejected_or_withdrawn(staff, funds, status):
    cid = submit(staff.clerk)["claim_id"]
    if status == "rejected":
        staff.reviewer.post(f"/v1/claims/{cid}/reject", {"reason": "不符合条件"})
    elif status == "withdrawn":
        staff.clerk.post(f"/v1/claims/{cid}/withdraw", {"reason": "撤回"})
    else:
        approve(staff.reviewer, cid)
        if status == "closed":
            staff.reviewer.post(f"/v1/claims/{cid}/close", {"reason": "结案"})
        if status == "paid":
            pay(staff.treasurer, cid, "1500.00", "ZF-S")
    before = staff.auditor.get(f"/v1/claims/{cid}").json()
    assert before["status"] == status
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/reject", {"reason": "驳回"}), 409, "invalid_state")
    assert_problem(staff.clerk.post(f"/v1/claims/{cid}/withdraw", {"reason": "撤回"}), 409, "invalid_state")
    if status in ("rejected", "withdrawn", "closed"):
        assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments",
                                            {"amount": "1.00", "kind": "settlement", "payment_ref": "ZF-X",
                                             "paid_on": PAID_ON}), 409, "invalid_state")
        assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/close", {"reason": "结案"}), 409, "invalid_state")
    if status in ("rejected", "withdrawn", "closed"):
        assert_problem(staff.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"months_served": 1}}),
                       409, "invalid_state")
    assert staff.auditor.get(f"/v1/claims/{cid}").json() == before


def test_clawback_from_a_claim_never_paid(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "1.00", "reason": "追回"}),
                   409, "invalid_state")


def test_a_settlement_before_the_settlement_facts(staff, funds):
    cid = submit(staff.clerk, internship_claim(term_months=3))["claim_id"]
    approve(staff.reviewer, cid)
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", {"amount": "100.00", "kind": "settlement",
                                                             "payment_ref": "JS-1", "paid_on": PAID_ON})
    assert_problem(r, 409, "invalid_state")


# ---- insufficient_funds ---------------------------------------------------------------


def test_approval_beyond_what_is_available_records_nothing(staff):
    fund = open_fund(staff.treasurer, "unemployment_insurance", "210100", "1499.99")
    claim = submit(staff.clerk)
    cid = claim["claim_id"]
    before = staff.auditor.get(f"/v1/funds/{fund}").json()
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON}),
                   409, "insufficient_funds")
    assert staff.auditor.get(f"/v1/funds/{fund}").json() == before
    assert staff.auditor.get(f"/v1/claims/{cid}").json() == claim
    assert [e["type"] for e in staff.auditor.get(f"/v1/claims/{cid}/events").json()["items"]] == ["Submitted"]
    # Less than the entitlement fits.
    assert approve(staff.reviewer, cid, amount="1499.99")["amounts"]["reserved"] == "1499.99"
    assert fund_balance(staff.auditor, fund)["available"] == "0.00"


def test_reservations_add_up_against_the_fund(staff):
    fund = open_fund(staff.treasurer, "unemployment_insurance", "210100", "3000.00")
    first, second, third = (submit(staff.clerk)["claim_id"] for _ in range(3))
    approve(staff.reviewer, first)
    approve(staff.reviewer, second)
    assert_problem(staff.reviewer.post(f"/v1/claims/{third}/approve", {"approved_on": APPROVED_ON}),
                   409, "insufficient_funds")
    # Closing one releases its reservation, and the third fits.
    staff.reviewer.post(f"/v1/claims/{first}/close", {"reason": "企业放弃"})
    assert approve(staff.reviewer, third)["status"] == "approved"
    assert fund_balance(staff.auditor, fund)["reserved"] == "3000.00"


# ---- not_eligible ---------------------------------------------------------------------


@pytest.mark.parametrize("change, rule", [
    ({"graduation_year": 2021}, "job_expansion.graduation_year"),
    ({"unemployment_insured": False}, "job_expansion.unemployment_insured"),
    ({"contract_start": "2022-08-01"}, "job_expansion.contract_start"),
])
def test_job_expansion_not_eligible_names_the_failed_rule(staff, change, rule):
    body = job_expansion_claim()
    body["facts"].update(change)
    r = staff.clerk.post("/v1/claims", body)
    problem = assert_problem(r, 422, "not_eligible")
    assert rule in problem["detail"]
    assert claim_ids(staff.clerk) == []


def test_job_expansion_after_the_deadline_is_not_eligible(staff):
    body = job_expansion_claim(application_date="2023-01-03")
    body["facts"]["graduation_year"] = 2023
    body["facts"]["contract_start"] = "2023-01-02"
    problem = assert_problem(staff.clerk.post("/v1/claims", body), 422, "not_eligible")
    assert "job_expansion.apply_until" in problem["detail"]


def test_skill_certificate_rules(staff):
    body = skill_certificate_claim(certificate_date="2021-06-30", application_date="2022-07-12")
    assert "skill_certificate.within_months" in assert_problem(staff.clerk.post("/v1/claims", body),
                                                               422, "not_eligible")["detail"]
    body = skill_certificate_claim()
    body["facts"]["ui_contribution_months"] = 11
    assert "skill_certificate.contribution_months" in assert_problem(staff.clerk.post("/v1/claims", body),
                                                                     422, "not_eligible")["detail"]
    body["facts"]["receiving_ui_benefits"] = True  # the unemployed route needs no contribution months
    assert staff.clerk.post("/v1/claims", body).status_code == 201


def test_internship_term_beyond_twelve_months_is_not_eligible(staff):
    problem = assert_problem(staff.clerk.post("/v1/claims", internship_claim(term_months=13)), 422, "not_eligible")
    assert "internship.term_months" in problem["detail"]


# ---- limit_exceeded -------------------------------------------------------------------


def test_prepayment_above_the_share(staff, funds):
    cid = submit(staff.clerk, internship_claim(term_months=3))["claim_id"]
    approve(staff.reviewer, cid)
    body = {"amount": "1725.01", "kind": "prepayment", "payment_ref": "YF-1", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", body), 409, "limit_exceeded")
    pay(staff.treasurer, cid, "1000.00", "YF-1", kind="prepayment")
    body = {"amount": "725.01", "kind": "prepayment", "payment_ref": "YF-2", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", body), 409, "limit_exceeded")
    assert pay(staff.treasurer, cid, "725.00", "YF-2", kind="prepayment")["amounts"]["prepaid"] == "1725.00"


def test_prepayment_of_a_program_without_one(staff, funds):
    cid = approved_job_expansion(staff)["claim_id"]
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", {"amount": "100.00", "kind": "prepayment",
                                                             "payment_ref": "YF-1", "paid_on": PAID_ON})
    assert_problem(r, 409, "limit_exceeded")


def test_payment_above_the_approved_amount(staff, funds):
    cid = approved_job_expansion(staff)["claim_id"]
    body = {"amount": "1500.01", "kind": "settlement", "payment_ref": "ZF-1", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", body), 409, "limit_exceeded")
    pay(staff.treasurer, cid, "1000.00", "ZF-1")
    body = {"amount": "500.01", "kind": "settlement", "payment_ref": "ZF-2", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", body), 409, "limit_exceeded")
    assert fund_balance(staff.treasurer, funds["ui"])["disbursed"] == "1000.00"


def test_a_fourth_skill_certificate_in_a_year(staff, funds):
    worker = person_id()
    for job in ("电工", "焊工", "钳工"):
        submit(staff.clerk, skill_certificate_claim(worker, occupation=job))
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(worker, occupation="车工"))
    assert_problem(r, 409, "limit_exceeded")
    assert len(claim_ids(staff.clerk)) == 3
    # Next calendar year counts afresh.
    body = skill_certificate_claim(worker, occupation="车工", application_date="2023-01-05",
                                   certificate_date="2022-12-20")
    body["facts"]["ui_contribution_months"] = 40
    assert staff.clerk.post("/v1/claims", body).status_code == 201


# ---- duplicate ------------------------------------------------------------------------


def test_the_same_hire_twice_in_a_year(staff):
    hire = person_id()
    submit(staff.clerk, job_expansion_claim(beneficiary=hire))
    # Even by another employer.
    r = staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=hire, applicant=credit_code(),
                                                           application_date="2022-11-30"))
    assert_problem(r, 409, "duplicate")
    assert len(claim_ids(staff.clerk)) == 1


def test_a_certificate_number_twice(staff):
    submit(staff.clerk, skill_certificate_claim(certificate_no="2022210100001234"))
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(certificate_no="2022210100001234", occupation="焊工"))
    assert_problem(r, 409, "duplicate")


def test_the_same_occupation_and_level_twice(staff):
    worker = person_id()
    submit(staff.clerk, skill_certificate_claim(worker, occupation="电工", level="primary"))
    assert_problem(staff.clerk.post("/v1/claims", skill_certificate_claim(worker, occupation="电工",
                                                                          level="primary")), 409, "duplicate")
    assert submit(staff.clerk, skill_certificate_claim(worker, occupation="电工", level="advanced"))


def test_a_payment_ref_reused_in_a_fund(staff, funds):
    first = approved_job_expansion(staff)["claim_id"]
    second = approved_job_expansion(staff)["claim_id"]
    pay(staff.treasurer, first, "1500.00", "ZF-2022-0777")
    body = {"amount": "1500.00", "kind": "settlement", "payment_ref": "ZF-2022-0777", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{second}/payments", body), 409, "duplicate")
    assert staff.auditor.get(f"/v1/claims/{second}").json()["amounts"]["paid"] == "0.00"
    assert fund_balance(staff.treasurer, funds["ui"])["disbursed"] == "1500.00"
    # Another fund has its own references.
    cid = submit(staff.clerk, internship_claim(term_months=2))["claim_id"]
    approve(staff.reviewer, cid)
    assert pay(staff.treasurer, cid, "1150.00", "ZF-2022-0777", kind="prepayment")["status"] == "prepaid"


def test_a_payment_ref_reused_on_the_same_claim(staff, funds):
    cid = submit(staff.clerk, internship_claim(term_months=4))["claim_id"]
    approve(staff.reviewer, cid)
    pay(staff.treasurer, cid, "1000.00", "YF-9", kind="prepayment")
    body = {"amount": "1000.00", "kind": "prepayment", "payment_ref": "YF-9", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", body), 409, "duplicate")
