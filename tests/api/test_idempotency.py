"""Idempotency-Key: replays answer the original status and body and record nothing new;
another body is idempotency_mismatch; keys are scoped per caller, method and path."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import Api, job_expansion_claim, make_user, token_pair
from .helpers import (APPROVED_ON, PAID_ON, approved_job_expansion, assert_problem, claim_ids, fund_balance, submit)


def key(value: str) -> dict:
    return {"Idempotency-Key": value}


def test_a_repeated_submission_returns_the_same_claim_and_records_one(staff):
    body = job_expansion_claim()
    first = staff.clerk.post("/v1/claims", body, headers=key("sub-2022-07-15-0001"))
    assert first.status_code == 201, first.text
    again = staff.clerk.post("/v1/claims", body, headers=key("sub-2022-07-15-0001"))
    assert again.status_code == 201
    assert again.json() == first.json()
    assert claim_ids(staff.clerk) == [first.json()["claim_id"]]
    assert [e["type"] for e in staff.clerk.get(f"/v1/claims/{first.json()['claim_id']}/events").json()["items"]] \
        == ["Submitted"]


def test_a_repeated_allocation_counts_once(staff):
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100")
    body = {"amount": "250000.00", "source": "central", "document_no": "财社〔2022〕51号", "effective_date": "2022-06-20"}
    first = staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers=key("alloc-51"))
    again = staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers=key("alloc-51"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert fund_balance(staff.auditor, fund)["allocated"] == "250000.00"
    # The same body under a new key is a second allocation.
    assert staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers=key("alloc-52")).status_code == 201
    assert fund_balance(staff.auditor, fund)["allocated"] == "500000.00"


def test_repeated_claim_commands_are_answered_as_first_time(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    approve = {"approved_on": APPROVED_ON}
    first = staff.reviewer.post(f"/v1/claims/{cid}/approve", approve, headers=key("appr-1"))
    again = staff.reviewer.post(f"/v1/claims/{cid}/approve", approve, headers=key("appr-1"))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"]
    payment = {"amount": "1500.00", "kind": "settlement", "payment_ref": "ZF-IDEM-1", "paid_on": PAID_ON}
    first = staff.treasurer.post(f"/v1/claims/{cid}/payments", payment, headers=key("pay-1"))
    again = staff.treasurer.post(f"/v1/claims/{cid}/payments", payment, headers=key("pay-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert fund_balance(staff.auditor, funds["ui"]) == {"allocated": "200000.00", "reserved": "0.00",
                                                        "disbursed": "1500.00", "recovered": "0.00",
                                                        "available": "198500.00"}
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["version"] == 3


def test_repeated_fund_opening_and_transfer_answer_the_same(staff):
    body = {"fund_type": "unemployment_insurance", "region": "210000", "name": "辽宁省失业保险基金"}
    first = staff.treasurer.post("/v1/funds", body, headers=key("open-ui-210000"))
    again = staff.treasurer.post("/v1/funds", body, headers=key("open-ui-210000"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    staff.treasurer.post(f"/v1/funds/{first.json()['fund_id']}/allocations",
                         {"amount": "900000.00", "source": "central", "document_no": "财社〔2022〕9号",
                          "effective_date": "2022-06-10"})
    city = open_fund(staff.treasurer, "unemployment_insurance", "210100")
    move = {"from_fund": "unemployment_insurance:210000", "to_fund": city, "amount": "300000.00",
            "document_no": "辽人社〔2022〕88号", "effective_date": "2022-07-01"}
    first = staff.treasurer.post("/v1/fund-transfers", move, headers=key("move-1"))
    again = staff.treasurer.post("/v1/fund-transfers", move, headers=key("move-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert fund_balance(staff.auditor, city)["allocated"] == "300000.00"
    assert fund_balance(staff.auditor, "unemployment_insurance:210000")["allocated"] == "600000.00"


def test_a_repeated_user_creation_creates_one_user(admin):
    token, digest = token_pair()
    body = {"name": "铁岭 出纳", "roles": ["treasurer"], "regions": ["211200"], "token_sha256": digest}
    first = admin.post("/v1/users", body, headers=key("user-tieling"))
    again = admin.post("/v1/users", body, headers=key("user-tieling"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and "token" not in first.json()
    # The one user's token (registered by its hash) works.
    assert Api(admin.client, token).get("/v1/users/me").json()["user_id"] == first.json()["user_id"]
    assert [u["name"] for u in admin.get("/v1/users", role="treasurer").json()["items"]] == ["铁岭 出纳"]


def test_the_same_key_with_another_body_is_a_mismatch(staff, funds):
    body = job_expansion_claim()
    first = staff.clerk.post("/v1/claims", body, headers=key("k-1"))
    assert first.status_code == 201
    r = staff.clerk.post("/v1/claims", job_expansion_claim(), headers=key("k-1"))
    assert_problem(r, 422, "idempotency_mismatch")
    assert claim_ids(staff.clerk) == [first.json()["claim_id"]]
    # Key order and whitespace do not make another body: canonical JSON.
    reordered = dict(reversed(list(body.items())))
    assert staff.clerk.post("/v1/claims", reordered, headers=key("k-1")).json() == first.json()

    cid = first.json()["claim_id"]
    assert staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON},
                               headers=key("k-2")).status_code == 200
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-17"}, headers=key("k-2"))
    assert_problem(r, 422, "idempotency_mismatch")


def test_keys_are_scoped_per_caller(admin, staff):
    other_clerk = make_user(admin, "沈阳 受理员2", ["clerk"], ["210100"])
    first = staff.clerk.post("/v1/claims", job_expansion_claim(), headers=key("shared-key"))
    second = other_clerk.post("/v1/claims", job_expansion_claim(), headers=key("shared-key"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["claim_id"] != second.json()["claim_id"]
    assert len(claim_ids(staff.auditor)) == 2


def test_keys_are_scoped_per_path(staff, funds):
    one, two = submit(staff.clerk)["claim_id"], submit(staff.clerk)["claim_id"]
    body = {"reason": "材料不全"}
    assert staff.reviewer.post(f"/v1/claims/{one}/reject", body, headers=key("reject")).status_code == 200
    r = staff.reviewer.post(f"/v1/claims/{two}/reject", body, headers=key("reject"))
    assert r.status_code == 200 and r.json()["claim_id"] == two
    r = staff.treasurer.post("/v1/funds", {"fund_type": "inclusive_finance", "region": "210100"}, headers=key("p"))
    assert r.status_code == 201
    r = staff.treasurer.post(f"/v1/funds/{funds['ui']}/allocations",
                             {"amount": "1.00", "source": "other", "document_no": "d", "effective_date": "2022-07-01"},
                             headers=key("p"))
    assert r.status_code == 201 and "allocation_id" in r.json()


def test_a_kept_refusal_is_replayed_even_after_the_state_changed(staff):
    fund = open_fund(staff.treasurer, "unemployment_insurance", "210100", "1000.00")
    cid = submit(staff.clerk)["claim_id"]
    body = {"approved_on": APPROVED_ON}
    first = staff.reviewer.post(f"/v1/claims/{cid}/approve", body, headers=key("approve-once"))
    assert_problem(first, 409, "insufficient_funds")
    staff.treasurer.post(f"/v1/funds/{fund}/allocations", {"amount": "1000.00", "source": "municipal",
                                                           "document_no": "沈财社〔2022〕9号",
                                                           "effective_date": "2022-07-01"})
    again = staff.reviewer.post(f"/v1/claims/{cid}/approve", body, headers=key("approve-once"))
    assert_problem(again, 409, "insufficient_funds")
    assert again.json() == first.json()
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["status"] == "submitted"
    # A new key is a new request.
    assert staff.reviewer.post(f"/v1/claims/{cid}/approve", body, headers=key("approve-twice")).status_code == 200


def test_a_kept_not_eligible_is_replayed_with_its_rule(staff):
    body = job_expansion_claim()
    body["facts"]["graduation_year"] = 2020
    first = staff.clerk.post("/v1/claims", body, headers=key("ne-1"))
    again = staff.clerk.post("/v1/claims", body, headers=key("ne-1"))
    assert_problem(first, 422, "not_eligible")
    assert_problem(again, 422, "not_eligible")
    assert again.json() == first.json()


def test_a_precondition_failure_is_not_kept(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    body = {"approved_on": APPROVED_ON}
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", body, headers={**key("ifm"), "If-Match": '"7"'})
    assert_problem(r, 412, "precondition_failed")
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", body, headers={**key("ifm"), "If-Match": '"1"'})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", [
    pytest.param("键".encode(), id="non-ascii"),
    pytest.param("k" * 201, id="201-characters"),
    pytest.param("", id="empty"),
    pytest.param("tab\there", id="control-character"),
])
def test_invalid_keys_are_refused(staff, value):
    r = staff.clerk.post("/v1/claims", job_expansion_claim(), headers={"Idempotency-Key": value})
    assert_problem(r, 422, "validation_error", field="Idempotency-Key")
    assert claim_ids(staff.clerk) == []


def test_a_key_of_200_printable_characters_is_fine(staff):
    value = ("Key-~!@#$%^&*()_+ 0123456789" * 8)[:200]
    first = staff.clerk.post("/v1/claims", job_expansion_claim(), headers=key(value))
    assert first.status_code == 201, first.text
    body = job_expansion_claim()
    assert_problem(staff.clerk.post("/v1/claims", body, headers=key(value)), 422, "idempotency_mismatch")


def test_a_refused_approval_by_the_wrong_region_is_kept_too(staff, funds):
    dalian_reviewer = make_user(staff.admin, "大连 审核员", ["reviewer"], ["210200"])
    cid = submit(staff.clerk)["claim_id"]
    body = {"approved_on": APPROVED_ON}
    first = dalian_reviewer.post(f"/v1/claims/{cid}/approve", body, headers=key("x"))
    assert_problem(first, 403, "forbidden")
    assert dalian_reviewer.post(f"/v1/claims/{cid}/approve", body, headers=key("x")).json() == first.json()
    assert approved_job_expansion(staff)["status"] == "approved"


def test_input_refused_at_the_edge_is_kept_under_its_key(staff):
    """API.md: 4xx outcomes are kept; a malformed body's 422 is one, wherever it was found."""
    bad = job_expansion_claim()
    bad["facts"]["graduation_year"] = "2022"  # a string where an int belongs
    first = staff.clerk.post("/v1/claims", bad, headers=key("edge-1"))
    assert_problem(first, 422, "validation_error", field="facts.graduation_year")
    again = staff.clerk.post("/v1/claims", bad, headers=key("edge-1"))
    assert again.status_code == 422 and again.json() == first.json()
    good = job_expansion_claim()
    assert_problem(staff.clerk.post("/v1/claims", good, headers=key("edge-1")), 422, "idempotency_mismatch")
    assert claim_ids(staff.clerk) == []

    # A body the schema refuses (money as a number) is kept the same way.
    body = {"amount": 10, "source": "central", "document_no": "D", "effective_date": "2022-06-10"}
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100")
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers=key("edge-2")), 422,
                   "validation_error", field="amount")
    body["amount"] = "10.00"
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers=key("edge-2")), 422,
                   "idempotency_mismatch")


def test_refusals_for_who_asks_are_not_kept_and_record_nothing(client, staff, funds):
    """API.md: 401 and 403 are not kept under an Idempotency-Key; keeping them let any
    user (or anyone without a token) grow the immutable log at will."""
    ledger = client.app.state.runtime.ledger
    head = ledger.head_position()
    for i in range(5):
        assert_problem(staff.reviewer.post("/v1/claims", job_expansion_claim(), headers=key(f"role-{i}")),
                       403, "forbidden")
        r = client.post("/v1/claims", json=job_expansion_claim(), headers={**key(f"anon-{i}"),
                                                                           "Authorization": "Bearer nope"})
        assert_problem(r, 401, "unauthenticated")
    assert ledger.head_position() == head
    # Nothing was kept, so the same key with another body is no mismatch: still the refusal.
    assert_problem(staff.reviewer.post("/v1/claims", job_expansion_claim(), headers=key("role-1")), 403,
                   "forbidden")
