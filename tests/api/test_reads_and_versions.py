"""If-Match and ETag, pagination, read-your-writes consistency and the 503 a read model
answers when it cannot catch up."""
from __future__ import annotations

import base64
import dataclasses

import pytest

from runtime.container import Runtime

from ..conftest import open_fund
from ..support import internship_claim
from .helpers import (APPROVED_ON, PAID_ON, approve, assert_problem, claim_ids, fund_balance, submit)


# ---- If-Match -------------------------------------------------------------------------


def test_a_stale_version_is_a_failed_precondition(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    r = staff.reviewer.get(f"/v1/claims/{cid}")
    assert r.headers["etag"] == '"1"' and r.json()["version"] == 1
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON},
                                       headers={"If-Match": '"0"'}), 412, "precondition_failed")
    assert staff.reviewer.get(f"/v1/claims/{cid}").json()["status"] == "submitted"
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"' and r.json()["version"] == 2
    # What the reviewer read is now stale for the treasurer too.
    payment = {"amount": "1500.00", "kind": "settlement", "payment_ref": "ZF-IM-1", "paid_on": PAID_ON}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", payment, headers={"If-Match": '"1"'}),
                   412, "precondition_failed")
    assert fund_balance(staff.treasurer, funds["ui"])["disbursed"] == "0.00"
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", payment, headers={"If-Match": '"2"'})
    assert r.status_code == 201 and r.headers["etag"] == '"3"'


@pytest.mark.parametrize("header, status", [('*', 200), (' * ', 200), ('"1"', 200), ('1', 200), ('"1', 412),
                                            ('1"', 412), ('W/"1"', 412), ('"1", "2"', 412), ('"x"', 412)])
def test_if_match_star_matches_and_malformed_tags_do_not(staff, funds, header, status):
    """RFC 9110: `*` matches any current version; an unbalanced or weak tag matches none."""
    cid = submit(staff.clerk)["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/reject", {"reason": "不符合条件"}, headers={"If-Match": header})
    assert r.status_code == status, r.text
    assert staff.reviewer.get(f"/v1/claims/{cid}").json()["status"] == ("rejected" if status == 200 else "submitted")


@pytest.mark.parametrize("command, api, body", [
    ("reject", "reviewer", {"reason": "不符合条件"}),
    ("withdraw", "clerk", {"reason": "撤回"}),
    ("facts", "clerk", {"facts": {"months_served": 1}}),
])
def test_if_match_on_other_claim_commands(staff, funds, command, api, body):
    cid = submit(staff.clerk, internship_claim())["claim_id"]
    caller = getattr(staff, api)
    assert_problem(caller.post(f"/v1/claims/{cid}/{command}", body, headers={"If-Match": '"2"'}),
                   412, "precondition_failed")
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["version"] == 1
    r = caller.post(f"/v1/claims/{cid}/{command}", body, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text


def test_if_match_on_a_fund(staff):
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "1000.00")
    r = staff.treasurer.get(f"/v1/funds/{fund}")
    etag = r.headers["etag"]
    assert etag == f'"{r.json()["version"]}"'
    body = {"amount": "500.00", "source": "municipal", "document_no": "沈财社〔2022〕7号", "effective_date": "2022-07-01"}
    r = staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers={"If-Match": etag})
    assert r.status_code == 201, r.text
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", body, headers={"If-Match": etag}),
                   412, "precondition_failed")
    assert fund_balance(staff.treasurer, fund)["allocated"] == "1500.00"


def test_a_malformed_if_match_is_a_failed_precondition(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON},
                                       headers={"If-Match": "yesterday"}), 412, "precondition_failed")


# ---- pagination -----------------------------------------------------------------------


def test_the_cursor_walks_every_claim_once(staff, funds):
    created = [submit(staff.clerk)["claim_id"] for _ in range(7)]
    approve(staff.reviewer, created[2])  # a changed claim keeps its place
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        r = staff.auditor.get("/v1/claims", **params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert set(page) >= {"items", "next_cursor"}
        assert len(page["items"]) <= 3
        seen += [c["claim_id"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == created
    r = staff.auditor.get("/v1/claims", limit=7)
    assert len(r.json()["items"]) == 7 and r.json()["next_cursor"] is None


def test_the_default_page_and_filters(staff, funds):
    created = [submit(staff.clerk)["claim_id"] for _ in range(3)]
    approve(staff.reviewer, created[0])
    r = staff.auditor.get("/v1/claims")
    assert [c["claim_id"] for c in r.json()["items"]] == created and r.json()["next_cursor"] is None
    assert claim_ids(staff.auditor, status="approved") == [created[0]]
    assert claim_ids(staff.auditor, status="submitted") == created[1:]
    assert claim_ids(staff.auditor, fund_id=funds["ui"]) == [created[0]]
    assert claim_ids(staff.auditor, program="job_expansion") == created
    assert claim_ids(staff.auditor, program="internship") == []
    assert claim_ids(staff.auditor, region="210100") == created
    assert claim_ids(staff.auditor, region="210200") == []
    assert claim_ids(staff.auditor, submitted_from="2020-01-01", submitted_to="2099-12-31") == created
    assert claim_ids(staff.auditor, submitted_to="2020-01-01") == []


def test_funds_are_paginated_too(staff):
    for region in ("210000", "210100", "210102", "210200", "210300"):
        open_fund(staff.treasurer, "unemployment_insurance", region)
    seen, cursor = [], None
    while True:
        r = staff.auditor.get("/v1/funds", limit=2, **({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200, r.text
        seen += [f["fund_id"] for f in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize("path", ["/v1/claims", "/v1/funds"])
def test_limit_is_1_to_1000_and_cursors_are_ours(staff, funds, path):
    submit(staff.clerk)
    for limit in (0, 1001, -1, "ten"):
        assert_problem(staff.auditor.get(path, limit=limit), 422, "validation_error", field="limit")
    r = staff.auditor.get(path, limit=1)
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    assert staff.auditor.get(path, limit=1000).status_code == 200
    for cursor in ("!!!", "%%"):  # not shaped as a cursor: malformed
        assert_problem(staff.auditor.get(path, cursor=cursor), 422, "validation_error", field="cursor")
    for cursor in ("bm90LW91cnM", base64.urlsafe_b64encode(b"v2:17").decode().rstrip("=")):
        # Shaped as cursors but not ours: both lists publish their cursors' shape only (the
        # claim list's carry its sort, key and position), and one that names no page is 404
        # (api/deps.py).
        assert_problem(staff.auditor.get(path, cursor=cursor), 404, "not_found", field="cursor")


def test_a_claim_cursor_must_hold_a_position(staff):
    bad = base64.urlsafe_b64encode(b"v1:abc").decode().rstrip("=")
    assert_problem(staff.auditor.get("/v1/claims", cursor=bad), 404, "not_found", field="cursor")


# ---- consistency ----------------------------------------------------------------------


def test_every_read_reflects_the_writes_acknowledged_before_it(staff):
    fund = open_fund(staff.treasurer, "unemployment_insurance", "210100")
    assert [f["fund_id"] for f in staff.auditor.get("/v1/funds").json()["items"]] == [fund]
    for n in range(1, 6):
        r = staff.treasurer.post(f"/v1/funds/{fund}/allocations",
                                 {"amount": "1000.00", "source": "county", "document_no": f"区财〔2022〕{n}号",
                                  "effective_date": "2022-07-01"})
        assert r.status_code == 201
        assert fund_balance(staff.reviewer, fund)["allocated"] == f"{n}000.00"
        assert staff.auditor.get("/v1/funds").json()["items"][0]["balance"]["allocated"] == f"{n}000.00"
    for n in range(1, 6):
        cid = submit(staff.clerk)["claim_id"]
        assert claim_ids(staff.auditor)[-1] == cid and len(claim_ids(staff.auditor)) == n
    r = staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON})
    assert r.status_code == 200
    assert claim_ids(staff.auditor, status="approved") == [cid]
    assert fund_balance(staff.auditor, fund)["reserved"] == "1500.00"
    items = staff.auditor.get("/v1/claims", status="approved").json()["items"]
    assert items[0] == staff.auditor.get(f"/v1/claims/{cid}").json()
    assert [e["type"] for e in staff.auditor.get(f"/v1/claims/{cid}/events").json()["items"]] == ["Submitted",
                                                                                                  "Approved"]


def test_reads_see_writes_made_through_another_process(client, staff, settings):
    """A second runtime on the same database (another API worker, not projecting) writes;
    this one's reads include it as soon as that write was acknowledged."""
    other = Runtime(settings)
    try:
        other.start(project=False)
        actor = other.ledger.authenticate(staff.treasurer.token)
        other.ledger.open_fund(actor, {"fund_type": "inclusive_finance", "region": "210100"})
        other.ledger.allocate(actor, "inclusive_finance:210100", {
            "amount": "88000.00", "source": "provincial", "document_no": "辽财金〔2022〕3号",
            "effective_date": "2022-07-01"})
        assert fund_balance(staff.auditor, "inclusive_finance:210100")["allocated"] == "88000.00"
        assert "inclusive_finance:210100" in {f["fund_id"] for f in staff.auditor.get("/v1/funds").json()["items"]}
    finally:
        other.close()


def test_a_read_model_that_cannot_catch_up_answers_503(client, staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    rt = client.app.state.runtime
    rt.runner.stop()
    rt.settings = dataclasses.replace(rt.settings, read_wait_s=0.05)
    # Writes still work: they do not wait for the read models.
    r = staff.treasurer.post(f"/v1/funds/{funds['ui']}/allocations",
                             {"amount": "1.00", "source": "other", "document_no": "d", "effective_date": "2022-07-01"})
    assert r.status_code == 201, r.text
    # A claim is read from its stored answer in the read model too (issue 11), so it waits as well.
    for path in ("/v1/funds", f"/v1/funds/{funds['ui']}", "/v1/claims", f"/v1/claims/{cid}/events",
                 f"/v1/claims/{cid}"):
        r = staff.auditor.get(path)
        assert_problem(r, 503, "unavailable")
        assert int(r.headers["retry-after"]) >= 1


def test_huge_positions_and_cursors_are_refused_not_overflowed(staff):
    """Found by schemathesis: a 64-bit overflow in the store must be refused (a cursor naming no
    page: 404), never a 500."""
    import base64

    from .helpers import assert_problem as problem

    huge = str(2**63)
    problem(staff.auditor.get("/v1/audit/events", after_position=huge), 422, "validation_error")
    problem(staff.auditor.get("/v1/funds/employment_subsidy:210100", as_of_position=huge), 422, "validation_error")
    cursor = base64.urlsafe_b64encode(f"v1:{huge}".encode()).decode().rstrip("=")
    problem(staff.clerk.get("/v1/claims", cursor=cursor), 404, "not_found", field="cursor")
