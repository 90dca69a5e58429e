"""Claims over HTTP: the body every command answers with, each status, masking of person
ids, the event history, and which claims count against once-only rules."""
from __future__ import annotations

import re

import pytest

from ..conftest import open_fund
from ..support import credit_code, internship_claim, internship_facts, job_expansion_claim, person_id
from .helpers import (APPROVED_ON, PAID_ON, apprenticeship_claim, approve, assert_problem, claim_ids,
                      fund_balance, masked, paid_job_expansion, pay, person_id_ending_in_x,
                      skill_certificate_claim, submit)

CLAIM_KEYS = {"claim_id", "program", "region", "applicant", "beneficiary", "facts", "application_date", "status",
              "fund_id", "rule_version", "entitlement_explanation", "amounts", "payments", "clawbacks", "version",
              "submitted_at", "updated_at"}
AMOUNT_KEYS = {"entitled", "approved", "reserved", "paid", "prepaid", "returned", "clawback_demanded", "recovered",
               "clawback_outstanding"}
UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
MASKED = re.compile(r"^[0-9]{4}\*{10}[0-9]{3}[0-9X]$")


def amounts(**nonzero) -> dict:
    return {key: nonzero.get(key, "0.00") for key in AMOUNT_KEYS}


def test_submission_answers_201_with_the_whole_claim(staff):
    hire, employer = person_id(), credit_code()
    body = job_expansion_claim(beneficiary=hire, applicant=employer)
    r = staff.clerk.post("/v1/claims", body)
    assert r.status_code == 201, r.text
    claim = r.json()
    assert CLAIM_KEYS <= claim.keys()
    assert claim["program"] == "job_expansion" and claim["region"] == "210100"
    assert claim["applicant"] == {"kind": "enterprise", "id": employer, "name": "沈阳示例科技有限公司"}
    assert claim["beneficiary"] == {"id": masked(hire), "name": "张三"}
    assert claim["facts"] == body["facts"]
    assert claim["application_date"] == "2022-07-15"
    assert claim["status"] == "submitted" and claim["fund_id"] is None
    assert claim["rule_version"].startswith("job_expansion@")
    assert claim["amounts"] == amounts(entitled="1500.00")
    assert claim["payments"] == [] and claim["clawbacks"] == []
    assert claim["version"] == 1 and r.headers["etag"] == '"1"'
    assert UTC.match(claim["submitted_at"]) and UTC.match(claim["updated_at"])
    steps = claim["entitlement_explanation"]
    assert steps and all(step["passed"] for step in steps)
    assert {"job_expansion.graduation_year", "job_expansion.apply_until"} <= {step["rule"] for step in steps}
    assert hire not in r.text


def test_get_claim_shows_what_the_command_answered(staff):
    claim = submit(staff.clerk)
    r = staff.auditor.get(f"/v1/claims/{claim['claim_id']}")
    assert r.status_code == 200, r.text
    assert r.json() == claim
    assert r.headers["etag"] == '"1"'


def test_person_ids_are_masked_everywhere(staff, funds):
    worker = person_id_ending_in_x()
    body = skill_certificate_claim(applicant=worker[:-1] + "x")  # lower-case x accepted
    r = staff.clerk.post("/v1/claims", body)
    assert r.status_code == 201, r.text
    cid = r.json()["claim_id"]
    assert r.json()["applicant"] == {"kind": "person", "id": masked(worker), "name": "王五"}
    assert MASKED.match(r.json()["applicant"]["id"]) and r.json()["applicant"]["id"].endswith("X")
    assert r.json()["beneficiary"] is None
    approve(staff.reviewer, cid)
    pay(staff.treasurer, cid, "1500.00", "ZF-SC-1")
    texts = [staff.auditor.get(f"/v1/claims/{cid}").text, staff.auditor.get("/v1/claims").text,
             staff.auditor.get(f"/v1/claims/{cid}/events").text]
    for text in texts:
        assert masked(worker) in text
        assert worker not in text and worker[:-1] + "x" not in text and worker[6:14] + worker[14:17] not in text
    # The applicant filter takes the full number, either case of x.
    assert claim_ids(staff.auditor, applicant_id=worker) == [cid]
    assert claim_ids(staff.auditor, applicant_id=worker.lower()) == [cid]


def test_an_internship_claim_from_approval_to_prepaid_to_paid(staff, funds):
    claim = submit(staff.clerk, internship_claim(term_months=6))
    cid = claim["claim_id"]
    assert claim["amounts"]["entitled"] == "6900.00"
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON})
    assert r.status_code == 200, r.text
    claim = r.json()
    assert claim["status"] == "approved" and claim["fund_id"] == funds["es"]
    assert claim["amounts"] == amounts(entitled="6900.00", approved="6900.00", reserved="6900.00")
    assert claim["version"] == 2 and r.headers["etag"] == '"2"'

    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", {"amount": "3450.00", "kind": "prepayment",
                                                             "payment_ref": "YF-2022-0001", "paid_on": PAID_ON})
    assert r.status_code == 201, r.text
    claim = r.json()
    assert claim["payment_ref"] == "YF-2022-0001" and claim["status"] == "prepaid"
    assert claim["payments"] == [{"payment_ref": "YF-2022-0001", "kind": "prepayment", "amount": "3450.00",
                                  "paid_on": PAID_ON, "returned": False}]
    assert claim["amounts"] == amounts(entitled="6900.00", approved="6900.00", reserved="3450.00", paid="3450.00",
                                       prepaid="3450.00")

    r = staff.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"months_served": 6}})
    assert r.status_code == 200, r.text
    assert r.json()["facts"] == {**internship_facts(6), "months_served": 6}
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", {"amount": "3450.00", "kind": "settlement",
                                                             "payment_ref": "JS-2022-0001", "paid_on": "2023-01-10"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "paid"
    assert r.json()["amounts"]["paid"] == "6900.00" and r.json()["amounts"]["reserved"] == "0.00"
    assert fund_balance(staff.treasurer, funds["es"])["disbursed"] == "6900.00"


def test_a_job_expansion_claim_paid_in_one_settlement(staff, funds):
    claim = paid_job_expansion(staff, ref="ZF-2022-0042")
    assert claim["status"] == "paid" and claim["payment_ref"] == "ZF-2022-0042"
    assert claim["amounts"] == amounts(entitled="1500.00", approved="1500.00", paid="1500.00")
    assert claim["fund_id"] == funds["ui"]


def test_approval_of_less_than_the_entitlement_forfeits_the_rest(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    claim = approve(staff.reviewer, cid, amount="1000.00")
    assert claim["amounts"]["approved"] == "1000.00" and claim["amounts"]["reserved"] == "1000.00"
    assert fund_balance(staff.treasurer, funds["ui"])["reserved"] == "1000.00"
    claim = pay(staff.treasurer, cid, "1000.00", "ZF-2022-0003")
    assert claim["status"] == "paid"


def test_approval_names_a_fund_of_an_allowed_type(staff, funds):
    skills = open_fund(staff.treasurer, "skill_upgrade_account", "210000", "50000.00")
    cid = submit(staff.clerk, apprenticeship_claim())["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-13", "fund_id": funds["ui"]})
    # Well-formed, but not a fund this claim's program may use: the claim is not eligible for it.
    assert_problem(r, 422, "not_eligible")
    dalian = open_fund(staff.treasurer, "employment_subsidy", "210200", "100.00")
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-13", "fund_id": dalian})
    assert_problem(r, 422, "not_eligible")
    claim = approve(staff.reviewer, cid, approved_on="2022-07-13", fund_id=funds["es"])
    assert claim["fund_id"] == funds["es"] and claim["amounts"]["approved"] == "7800.00"
    cid = submit(staff.clerk, apprenticeship_claim())["claim_id"]
    assert approve(staff.reviewer, cid, approved_on="2022-07-13")["fund_id"] == skills  # the nearest wider region


def test_reject_and_withdraw(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/reject", {"reason": "劳动合同未备案"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected" and r.json()["version"] == 2
    cid = submit(staff.clerk)["claim_id"]
    r = staff.clerk.post(f"/v1/claims/{cid}/withdraw", {"reason": "企业主动撤回申请"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    assert fund_balance(staff.treasurer, funds["ui"])["reserved"] == "0.00"


def test_close_releases_what_is_reserved(staff, funds):
    claim = submit(staff.clerk, internship_claim(term_months=4))
    cid = claim["claim_id"]
    approve(staff.reviewer, cid)
    pay(staff.treasurer, cid, "2300.00", "YF-2022-0009", kind="prepayment")
    assert fund_balance(staff.treasurer, funds["es"])["reserved"] == "2300.00"
    r = staff.reviewer.post(f"/v1/claims/{cid}/close", {"reason": "见习单位放弃剩余补贴"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["amounts"]["reserved"] == "0.00"
    assert r.json()["amounts"]["paid"] == "2300.00"
    assert fund_balance(staff.treasurer, funds["es"]) == {"allocated": "200000.00", "reserved": "0.00",
                                                          "disbursed": "2300.00", "recovered": "0.00",
                                                          "available": "197700.00"}


def test_a_returned_payment_is_reserved_again_and_can_be_paid_anew(staff, funds):
    cid = paid_job_expansion(staff, ref="ZF-2022-0100")["claim_id"]
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments/ZF-2022-0100/return",
                             {"reason": "退票：账户已冻结", "returned_on": "2022-07-21"})
    assert r.status_code == 200, r.text
    claim = r.json()
    assert claim["status"] == "approved"
    assert claim["payments"][0]["returned"] is True
    assert claim["amounts"] == amounts(entitled="1500.00", approved="1500.00", reserved="1500.00", returned="1500.00")
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments/ZF-2022-0100/return", {"reason": "again"}),
                   409, "invalid_state")
    claim = pay(staff.treasurer, cid, "1500.00", "ZF-2022-0101")
    assert claim["status"] == "paid" and claim["amounts"]["returned"] == "1500.00"


def test_clawback_and_recovery_answer_201_with_their_ids(staff, funds):
    cid = paid_job_expansion(staff)["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "1500.00", "reason": "骗取补贴"})
    assert r.status_code == 201, r.text
    clawback_id = r.json()["clawback_id"]
    assert r.json()["clawbacks"] == [{"clawback_id": clawback_id, "amount": "1500.00", "reason": "骗取补贴",
                                      "confirmed": True}]
    assert r.json()["amounts"]["clawback_demanded"] == "1500.00"
    assert r.json()["amounts"]["clawback_outstanding"] == "1500.00"
    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "1000.00", "reference": "HK-2022-0001",
                                                              "received_on": "2022-10-08"})
    assert r.status_code == 201, r.text
    assert r.json()["recovery_id"]
    assert r.json()["amounts"]["recovered"] == "1000.00" and r.json()["amounts"]["clawback_outstanding"] == "500.00"
    assert fund_balance(staff.treasurer, funds["ui"])["recovered"] == "1000.00"
    # At most what was paid and not yet demanded.
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "0.01", "reason": "再追回"}),
                   409, "limit_exceeded")


def test_events_are_the_claims_history_oldest_first(staff, funds):
    cid = paid_job_expansion(staff)["claim_id"]
    r = staff.clerk.get(f"/v1/claims/{cid}/events")
    assert r.status_code == 200, r.text
    events = r.json()["items"]
    assert [e["type"] for e in events] == ["Submitted", "Approved", "PaymentRecorded"]
    assert [e["version"] for e in events] == [1, 2, 3]
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and len(set(positions)) == 3
    for e in events:
        assert {"position", "version", "type", "recorded_at", "actor", "data"} <= e.keys()
        assert UTC.match(e["recorded_at"]) and e["actor"]
    assert "sealed" not in r.text


@pytest.mark.parametrize("end", ["reject", "withdraw", "close"])
def test_ended_claims_free_the_hire_for_a_new_claim(staff, funds, end):
    hire = person_id()
    first = submit(staff.clerk, job_expansion_claim(beneficiary=hire))["claim_id"]
    assert_problem(staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=hire)), 409, "duplicate")
    if end == "reject":
        r = staff.reviewer.post(f"/v1/claims/{first}/reject", {"reason": "材料不全"})
    elif end == "withdraw":
        r = staff.clerk.post(f"/v1/claims/{first}/withdraw", {"reason": "重新申报"})
    else:
        approve(staff.reviewer, first)
        r = staff.reviewer.post(f"/v1/claims/{first}/close", {"reason": "未发放即结案"})
    assert r.status_code == 200, r.text
    again = submit(staff.clerk, job_expansion_claim(beneficiary=hire))
    assert again["status"] == "submitted"
    # The new claim holds the hire again.
    assert_problem(staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=hire)), 409, "duplicate")


def test_a_paid_claim_keeps_its_hire(staff, funds):
    hire = person_id()
    paid_job_expansion(staff, beneficiary=hire)
    r = staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=hire, applicant=credit_code()))
    assert_problem(r, 409, "duplicate")


def test_withdrawn_skill_certificates_do_not_count_towards_three_a_year(staff, funds):
    worker = person_id()
    claims = [submit(staff.clerk, skill_certificate_claim(worker, occupation=job))["claim_id"]
              for job in ("电工", "焊工", "钳工")]
    assert_problem(staff.clerk.post("/v1/claims", skill_certificate_claim(worker, occupation="车工")),
                   409, "limit_exceeded")
    staff.clerk.post(f"/v1/claims/{claims[0]}/withdraw", {"reason": "证书信息有误"})
    assert submit(staff.clerk, skill_certificate_claim(worker, occupation="车工"))["status"] == "submitted"


def test_approval_with_no_fund_to_pay_from_is_the_ledgers_state_not_the_request(staff, funds):
    """No fund of the program's type in the claim's region or above it: the request is well
    formed, the ledger lacks the fund (409); once a treasurer opens one, the same request goes."""
    cid = submit(staff.dalian_clerk, job_expansion_claim(region="210200"))["claim_id"]
    r = staff.reviewer2.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"})
    assert_problem(r, 409, "invalid_state", field="fund_id")
    open_fund(staff.treasurer, "unemployment_insurance", "210200", "5000.00")
    assert approve(staff.reviewer2, cid, approved_on="2022-07-16")["status"] == "approved"
