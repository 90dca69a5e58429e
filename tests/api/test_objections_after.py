"""Issue 19, objections and clawbacks (DOMAIN.md, "Floors, corrections, objections, texts";
F14): an upheld objection closes the claim but keeps its once-only keys and what it took of
caps and person-months, so the same party cannot claim again at once; an objection after
payment (or to a claim that had no notice) is accepted, holds payment while open, and
upheld, demands back what was paid; a clawback recovered in full releases the months it
paid for, the last first, so a corrected claim for them is accepted."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import credit_code, job_expansion_claim, person_id
from .helpers import SHENYANG, approve, assert_problem, submit

APPROVED_ON, PAID_ON = "2022-07-16", "2022-07-20"


@pytest.fixture
def money(staff):
    for fund_type in ("employment_subsidy", "unemployment_insurance"):
        open_fund(staff.treasurer, fund_type, SHENYANG, "5000000.00")


def social(graduate: str, employer: str | None = None, *, months: int = 6, start: str = "2022-07-01") -> dict:
    return {"program": "social_insurance", "region": SHENYANG,
            "applicant": {"kind": "enterprise", "id": employer or credit_code(), "name": "沈阳示例科技有限公司"},
            "beneficiary": {"id": graduate, "name": "毕业生"},
            "facts": {"diploma_date": "2022-06-30", "hired_on": "2022-07-01", "period_start": start,
                      "registered_unemployed": False, "contract_months": 24, "enterprise_size": "large",
                      "employer_monthly_contribution": "1000.00", "months": months, "retained_intern": False},
            "application_date": "2022-07-15"}


def pay(staff, claim_id: str, amount: str, ref: str):
    return staff.treasurer.post(f"/v1/claims/{claim_id}/payments",
                                {"amount": amount, "kind": "settlement", "payment_ref": ref, "paid_on": PAID_ON})


def object_to(staff, claim_id: str, received_on: str = "2022-07-25"):
    return staff.clerk.post(f"/v1/claims/{claim_id}/objections", {"reason": "举报：未实际录用", "received_on": received_on})


def resolve(staff, claim_id: str, objection_id: str, outcome: str):
    return staff.reviewer2.post(f"/v1/claims/{claim_id}/objections/{objection_id}/resolve",
                                {"outcome": outcome, "reason": "核查完毕"})


def test_an_upheld_objection_keeps_the_claims_keys(staff, money):
    """The audit: an upheld objection freed the claim's keys and the same party claimed again."""
    graduate, employer = person_id(), credit_code()
    claim = approve(staff.reviewer, submit(staff.clerk, social(graduate, employer))["claim_id"],
                    approved_on=APPROVED_ON)
    r = object_to(staff, claim["claim_id"], received_on="2022-07-17")
    assert r.status_code == 201, r.text
    assert r.json()["objections"][0]["status"] == "open" and r.json()["publicity"] is None
    assert_problem(pay(staff, claim["claim_id"], "6000.00", "ZF-OB-1"), 409, "invalid_state")   # held
    upheld = resolve(staff, claim["claim_id"], r.json()["objection_id"], "upheld")
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["status"] == "closed" and upheld.json()["amounts"]["reserved"] == "0.00"
    # The same claim again, by the same employer: its months and cap are still taken.
    assert_problem(staff.clerk.post("/v1/claims", social(graduate, employer)), 409, "limit_exceeded")


def test_an_objection_after_payment_is_accepted_and_upheld_demands_the_money_back(staff, money):
    graduate = person_id()
    cid = approve(staff.reviewer, submit(staff.clerk, social(graduate))["claim_id"], approved_on=APPROVED_ON)["claim_id"]
    assert pay(staff, cid, "6000.00", "ZF-OB-2").json()["status"] == "paid"
    r = object_to(staff, cid)
    assert r.status_code == 201, r.text
    # The approver may not resolve it; another reviewer does.
    objection_id = r.json()["objection_id"]
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/objections/{objection_id}/resolve",
                                       {"outcome": "upheld", "reason": "x"}), 403, "forbidden")
    body = resolve(staff, cid, objection_id, "upheld").json()
    assert body["status"] == "closed"
    assert body["amounts"]["clawback_demanded"] == "6000.00" and body["amounts"]["clawback_outstanding"] == "6000.00"
    events = staff.auditor.get(f"/v1/claims/{cid}/events").json()["items"]
    demanded = [e for e in events if e["type"] == "ClawbackDemanded"]
    assert demanded and demanded[0]["actor"] == staff.reviewer2.user_id
    # Upheld, the claim keeps its months even once the money is back (F14).
    recovered = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "6000.00", "reference": "HK-OB-1",
                                                                      "received_on": "2022-07-28"})
    assert recovered.status_code == 201, recovered.text
    assert_problem(staff.clerk.post("/v1/claims", social(graduate)), 409, "limit_exceeded")


def test_a_dismissed_objection_after_payment_changes_nothing(staff, money):
    cid = approve(staff.reviewer, submit(staff.clerk, social(person_id()))["claim_id"], approved_on=APPROVED_ON)["claim_id"]
    pay(staff, cid, "6000.00", "ZF-OB-3")
    objection_id = object_to(staff, cid).json()["objection_id"]
    body = resolve(staff, cid, objection_id, "dismissed").json()
    assert body["status"] == "paid" and body["amounts"]["clawback_demanded"] == "0.00"
    assert body["objections"][0]["status"] == "dismissed"


def test_a_clawback_recovered_in_full_releases_the_months_it_paid_for(staff, money):
    """The audit: a partial clawback did not release the months it covered, so the corrected
    re-claim for them was refused."""
    graduate = person_id()
    cid = approve(staff.reviewer, submit(staff.clerk, social(graduate))["claim_id"], approved_on=APPROVED_ON)["claim_id"]
    pay(staff, cid, "6000.00", "ZF-OB-4")
    # Two of the six months were not worked: 2,000.00 demanded back, recovered in two parts.
    clawback = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "2000.00", "reason": "两个月未参保"})
    assert clawback.status_code == 201, clawback.text
    corrected = social(graduate, months=2, start="2022-11-01")
    part = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "1500.00", "reference": "HK-OB-2",
                                                                 "received_on": "2022-07-28"})
    assert part.status_code == 201, part.text
    assert_problem(staff.clerk.post("/v1/claims", corrected), 409, "limit_exceeded")   # not in full yet
    rest = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "500.00", "reference": "HK-OB-3",
                                                                 "received_on": "2022-07-29"})
    assert rest.status_code == 201, rest.text
    # ⌊2000.00 / 1000.00⌋ = 2 months, the last first: 2022-11 and 2022-12 are free again.
    again = submit(staff.clerk, corrected)
    assert again["amounts"]["entitled"] == "2000.00"
    assert_problem(staff.clerk.post("/v1/claims", social(graduate, months=1, start="2022-10-01")), 409,
                   "limit_exceeded")


def test_an_upheld_objection_keeps_a_once_only_key(staff, money):
    """F14: a repeat of a claim closed by an upheld objection is 409 (the hire's key is kept)."""
    graduate = person_id()
    claim = submit(staff.clerk, job_expansion_claim(beneficiary=graduate))
    approve(staff.reviewer, claim["claim_id"], approved_on=APPROVED_ON)
    objection_id = object_to(staff, claim["claim_id"], received_on="2022-07-17").json()["objection_id"]
    assert resolve(staff, claim["claim_id"], objection_id, "upheld").json()["status"] == "closed"
    assert_problem(staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=graduate)), 409, "duplicate")
    # A claim closed by a reviewer without an objection, unpaid, frees it as before.
    other = person_id()
    cid = submit(staff.clerk, job_expansion_claim(beneficiary=other))["claim_id"]
    approve(staff.reviewer, cid, approved_on=APPROVED_ON)
    assert staff.reviewer.post(f"/v1/claims/{cid}/close", {"reason": "企业放弃"}).status_code == 200
    assert submit(staff.clerk, job_expansion_claim(beneficiary=other))["status"] == "submitted"
