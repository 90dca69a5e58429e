"""The whole journey of the issue over HTTP: funds, allocation, a claim from submission
to approval, prepayment, settlement facts, returned payment, clawback and recovery."""
from .conftest import open_fund
from .support import internship_claim


def test_internship_journey_keeps_every_balance_exact(staff):
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "10000.00")
    r = staff.clerk.post("/v1/claims", internship_claim(term_months=3))
    assert r.status_code == 201, r.text
    claim = r.json()
    cid = claim["claim_id"]
    assert claim["amounts"]["entitled"] == "3450.00"
    assert claim["rule_version"].startswith("internship@")

    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved" and r.json()["fund_id"] == fund

    r = staff.treasurer.post(f"/v1/claims/{cid}/payments",
                             {"amount": "1725.01", "kind": "prepayment", "payment_ref": "P-1"})
    assert r.status_code == 409 and r.json()["code"] == "limit_exceeded"
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments",
                             {"amount": "1725.00", "kind": "prepayment", "payment_ref": "P-1", "paid_on": "2022-07-20"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "prepaid"

    # The bank bounces it: reserved again, no longer paid.
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments/P-1/return", {"reason": "退票: account closed"})
    assert r.status_code == 200, r.text
    assert r.json()["amounts"]["paid"] == "0.00" and r.json()["amounts"]["reserved"] == "3450.00"
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments",
                             {"amount": "1725.00", "kind": "prepayment", "payment_ref": "P-2"})
    assert r.status_code == 201, r.text

    # The intern left after one month, not for a job: entitled 1150.00, 575.00 owed back.
    r = staff.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"months_served": 1, "left_for_employment": False}})
    assert r.status_code == 200, r.text
    amounts = r.json()["amounts"]
    assert amounts["entitled"] == "1150.00" and amounts["approved"] == "1150.00"
    assert amounts["reserved"] == "0.00" and amounts["clawback_outstanding"] == "575.00"
    clawback_id = r.json()["clawbacks"][0]["clawback_id"]
    assert r.json()["clawbacks"][0]["confirmed"] is True

    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "575.00", "reference": "RC-1"})
    assert r.status_code == 201, r.text
    assert r.json()["amounts"]["clawback_outstanding"] == "0.00"
    assert clawback_id

    bal = staff.treasurer.get(f"/v1/funds/{fund}").json()["balance"]
    assert bal == {"allocated": "10000.00", "reserved": "0.00", "disbursed": "1725.00", "recovered": "575.00",
                   "available": "8850.00"}

    events = staff.auditor.get(f"/v1/claims/{cid}/events").json()["items"]
    assert [e["type"] for e in events] == ["Submitted", "Approved", "PaymentRecorded", "PaymentReturned",
                                           "PaymentRecorded", "FactsRecorded", "RecoveryRecorded"]
    assert all(e["actor"] for e in events)
