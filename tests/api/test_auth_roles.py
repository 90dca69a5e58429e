"""Authentication and the role table of API.md, endpoint by endpoint, plus maker-checker."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import Api, internship_claim, job_expansion_claim, make_user, token_pair
from .helpers import (PAID_ON, approve, approved_job_expansion, assert_problem, big_internship, claim_ids,
                      paid_job_expansion, pay, submit)

ROLES = ("admin", "clerk", "reviewer", "treasurer", "auditor")
ANY = ROLES
READ_CLAIMS = ("clerk", "reviewer", "treasurer", "auditor", "admin")
READ_FUNDS = ("reviewer", "treasurer", "auditor", "admin")


# ---- users ----------------------------------------------------------------------------


def test_admin_creates_a_user_whose_token_works(admin):
    token, digest = token_pair()
    r = admin.post("/v1/users", {"name": "沈阳市人社局 审核员", "roles": ["reviewer", "clerk"],
                                 "regions": ["210100", "210200"], "token_sha256": digest})
    assert r.status_code == 201, r.text  # the bootstrap admin's: in force at once
    body = r.json()
    assert set(body) >= {"user_id", "token_id", "expires_at"} and "token" not in body
    me = Api(admin.client, token).get("/v1/users/me")
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == body["user_id"]
    assert me.json()["name"] == "沈阳市人社局 审核员"
    assert sorted(me.json()["roles"]) == ["clerk", "reviewer"]
    assert sorted(me.json()["regions"]) == ["210100", "210200"]


def test_bootstrap_admin_is_an_admin_of_the_whole_country(admin):
    r = admin.get("/v1/users/me")
    assert r.status_code == 200, r.text
    assert r.json()["roles"] == ["admin"] and r.json()["regions"] == ["000000"]
    assert "token" not in r.json() or r.json()["token"] is None


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "roles": ["clerk"], "regions": ["2101"]}, "regions"),
    ({"name": "x", "roles": ["mayor"], "regions": ["210100"]}, "roles"),
    ({"name": "x", "roles": [], "regions": ["210100"]}, "roles"),
    ({"name": "x", "roles": ["clerk"], "regions": []}, "regions"),
    ({"name": "", "roles": ["clerk"], "regions": ["210100"]}, "name"),
    ({"name": "长" * 201, "roles": ["clerk"], "regions": ["210100"]}, "name"),
    ({"name": "x", "roles": ["clerk"], "regions": ["210100"], "token_sha256": None}, "token_sha256"),
    ({"name": "x", "roles": ["clerk"], "regions": ["210100"], "token_sha256": "ab" * 31}, "token_sha256"),
    ({"name": "x", "roles": ["clerk"], "regions": ["210100"], "token_sha256": "zz" * 32}, "token_sha256"),
])
def test_invalid_users_are_refused_naming_the_field(admin, body, field):
    r = admin.post("/v1/users", {"token_sha256": "ab" * 32, **body})
    problem = assert_problem(r, 422, "validation_error")
    assert problem["field"].startswith(field), problem


NEEDS_TOKEN = [
    ("GET", "/v1/users/me"), ("POST", "/v1/users"), ("GET", "/v1/programs"), ("GET", "/v1/programs/job_expansion"),
    ("GET", "/v1/funds"), ("GET", "/v1/funds/employment_subsidy:210100"), ("POST", "/v1/funds"),
    ("POST", "/v1/funds/employment_subsidy:210100/allocations"), ("POST", "/v1/fund-transfers"),
    ("GET", "/v1/claims"), ("POST", "/v1/claims"), ("GET", "/v1/claims/6f1c2a8e-4a0e-4a51-9d44-0d8e7d0f3b11"),
    ("GET", "/v1/claims/6f1c2a8e-4a0e-4a51-9d44-0d8e7d0f3b11/events"),
    ("POST", "/v1/claims/6f1c2a8e-4a0e-4a51-9d44-0d8e7d0f3b11/approve"), ("GET", "/metrics"),
    ("GET", "/v1/users"), ("GET", "/v1/users/6f1c2a8e-4a0e-4a51-9d44-0d8e7d0f3b11"),
    ("POST", "/v1/users/me/tokens"), ("DELETE", "/v1/users/me/tokens/6f1c2a8e-4a0e-4a51-9d44-0d8e7d0f3b11"),
    ("POST", "/v1/users/6f1c2a8e-4a0e-4a51-9d44-0d8e7d0f3b11/deactivate"),
]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_every_endpoint_needs_a_valid_bearer_token(client, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    for method, path in NEEDS_TOKEN:
        r = client.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert_problem(r, 401, "unauthenticated")


def test_liveness_and_readiness_need_no_token(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


# ---- the role table -------------------------------------------------------------------
# Each case prepares what its endpoint acts on (with the staff of tests/conftest.py, so the
# users under test never made or approved anything), then every role tries: the roles the
# table refuses get 403 and change nothing, the roles it allows succeed.


def _users(ctx):
    return "POST", "/v1/users", {"name": "大连 出纳", "roles": ["treasurer"], "regions": ["210200"],
                                 "token_sha256": token_pair()[1]}, 201


def _me(ctx):
    return "GET", "/v1/users/me", None, 200


def _list_users(ctx):
    return "GET", "/v1/users", None, 200


def _get_user(ctx):
    return "GET", f"/v1/users/{ctx.staff.clerk.user_id}", None, 200


def _own_token(ctx):
    return "POST", "/v1/users/me/tokens", {}, 201


def _others_token(ctx):
    return "POST", f"/v1/users/{ctx.staff.dalian_clerk.user_id}/tokens", {"token_sha256": token_pair()[1]}, 201


def _deactivate(ctx):
    leaving = make_user(ctx.staff.admin, "leaving", ["clerk"], ["210100"])
    return "POST", f"/v1/users/{leaving.user_id}/deactivate", {"reason": "离职"}, 200


def _programs(ctx):
    return "GET", "/v1/programs", None, 200


def _program(ctx):
    return "GET", "/v1/programs/internship?region=210100&on=2022-07-15", None, 200


def _open_fund(ctx):
    return "POST", "/v1/funds", {"fund_type": "inclusive_finance", "region": "210100"}, 201


def _allocate(ctx):
    fund = open_fund(ctx.staff.treasurer, "employment_subsidy", "210200")
    return "POST", f"/v1/funds/{fund}/allocations", {"amount": "50000.00", "source": "central",
                                                      "document_no": "财社〔2022〕51号",
                                                      "effective_date": "2022-06-20"}, 201


def _transfer(ctx):
    province = open_fund(ctx.staff.treasurer, "unemployment_insurance", "210000", "300000.00")
    city = open_fund(ctx.staff.treasurer, "unemployment_insurance", "210200")
    return "POST", "/v1/fund-transfers", {"from_fund": province, "to_fund": city, "amount": "80000.00",
                                          "document_no": "辽人社〔2022〕88号", "effective_date": "2022-07-01"}, 201


def _list_funds(ctx):
    return "GET", "/v1/funds", None, 200


def _get_fund(ctx):
    return "GET", f"/v1/funds/{ctx.funds['ui']}", None, 200


def _submit(ctx):
    return "POST", "/v1/claims", job_expansion_claim(), 201


def _facts(ctx):
    cid = submit(ctx.staff.clerk, internship_claim(term_months=3))["claim_id"]
    return "POST", f"/v1/claims/{cid}/facts", {"facts": {"months_served": 3}}, 200


def _withdraw(ctx):
    cid = submit(ctx.staff.clerk)["claim_id"]
    return "POST", f"/v1/claims/{cid}/withdraw", {"reason": "企业申请撤回"}, 200


def _approve(ctx):
    cid = submit(ctx.staff.clerk)["claim_id"]
    return "POST", f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"}, 200


def _reject(ctx):
    cid = submit(ctx.staff.clerk)["claim_id"]
    return "POST", f"/v1/claims/{cid}/reject", {"reason": "未参加失业保险"}, 200


def _close(ctx):
    cid = approved_job_expansion(ctx.staff)["claim_id"]
    return "POST", f"/v1/claims/{cid}/close", {"reason": "企业注销，不再发放"}, 200


def _pay(ctx):
    cid = approved_job_expansion(ctx.staff)["claim_id"]
    return "POST", f"/v1/claims/{cid}/payments", {"amount": "1500.00", "kind": "settlement",
                                                   "payment_ref": "ZF-ROLE-1", "paid_on": PAID_ON}, 201


def _return(ctx):
    cid = paid_job_expansion(ctx.staff, ref="ZF-ROLE-2")["claim_id"]
    return "POST", f"/v1/claims/{cid}/payments/ZF-ROLE-2/return", {"reason": "退票：账户已销户",
                                                                   "returned_on": "2022-07-25"}, 200


def _clawback(ctx):
    cid = paid_job_expansion(ctx.staff)["claim_id"]
    return "POST", f"/v1/claims/{cid}/clawbacks", {"amount": "1500.00", "reason": "骗取补贴，责令退回"}, 201


def _confirm(ctx):
    cid = big_internship(ctx.client, ctx.staff)["claim_id"]
    r = ctx.staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "60000.00", "reason": "虚报见习人员"})
    assert r.status_code == 201, r.text
    return "POST", f"/v1/claims/{cid}/clawbacks/{r.json()['clawback_id']}/confirm", {}, 200


def _recover(ctx):
    cid = paid_job_expansion(ctx.staff)["claim_id"]
    r = ctx.staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "500.00", "reason": "多发部分退回"})
    assert r.status_code == 201, r.text
    return "POST", f"/v1/claims/{cid}/recoveries", {"amount": "500.00", "reference": "HK-2022-001",
                                                     "received_on": "2022-08-01"}, 201


def _list_claims(ctx):
    submit(ctx.staff.clerk)
    return "GET", "/v1/claims", None, 200


def _get_claim(ctx):
    return "GET", f"/v1/claims/{submit(ctx.staff.clerk)['claim_id']}", None, 200


def _claim_events(ctx):
    return "GET", f"/v1/claims/{submit(ctx.staff.clerk)['claim_id']}/events", None, 200


ROLE_TABLE = [
    ("POST /users", _users, ("admin",)),
    ("GET /users/me", _me, ANY),
    ("GET /users", _list_users, ("admin",)),
    ("GET /users/{id}", _get_user, ("admin",)),
    ("POST /users/{me}/tokens", _own_token, ANY),
    ("POST /users/{id}/tokens", _others_token, ("admin",)),
    ("POST /users/{id}/deactivate", _deactivate, ("admin",)),
    ("GET /programs", _programs, ANY),
    ("GET /programs/{code}", _program, ANY),
    ("POST /funds", _open_fund, ("treasurer",)),
    ("POST /funds/{id}/allocations", _allocate, ("treasurer",)),
    ("POST /fund-transfers", _transfer, ("treasurer",)),
    ("GET /funds", _list_funds, READ_FUNDS),
    ("GET /funds/{id}", _get_fund, READ_FUNDS),
    ("POST /claims", _submit, ("clerk",)),
    ("POST /claims/{id}/facts", _facts, ("clerk",)),
    ("POST /claims/{id}/withdraw", _withdraw, ("clerk",)),
    ("POST /claims/{id}/approve", _approve, ("reviewer",)),
    ("POST /claims/{id}/reject", _reject, ("reviewer",)),
    ("POST /claims/{id}/close", _close, ("reviewer",)),
    ("POST /claims/{id}/payments", _pay, ("treasurer",)),
    ("POST /claims/{id}/payments/{ref}/return", _return, ("treasurer",)),
    ("POST /claims/{id}/clawbacks", _clawback, ("reviewer",)),
    ("POST /claims/{id}/clawbacks/{id}/confirm", _confirm, ("reviewer",)),
    ("POST /claims/{id}/recoveries", _recover, ("treasurer",)),
    ("GET /claims", _list_claims, READ_CLAIMS),
    ("GET /claims/{id}", _get_claim, READ_CLAIMS),
    ("GET /claims/{id}/events", _claim_events, READ_CLAIMS),
]


class _Ctx:
    def __init__(self, client, staff, funds):
        self.client, self.staff, self.funds = client, staff, funds


@pytest.mark.parametrize("endpoint, prepare, allowed", ROLE_TABLE, ids=[row[0] for row in ROLE_TABLE])
def test_role_table(client, staff, funds, roles, endpoint, prepare, allowed):
    method, path, body, success = prepare(_Ctx(client, staff, funds))
    claim_before = None
    if "/claims/" in path:
        claim_before = staff.auditor.get("/v1/claims/" + path.split("/")[3]).json()
    refused = [role for role in ROLES if role not in allowed]
    for role in refused:
        api = roles[role]
        r = api.post(path, body) if method == "POST" else api.get(path)
        assert_problem(r, 403, "forbidden")
    if claim_before is not None:  # the refusals recorded nothing
        assert staff.auditor.get("/v1/claims/" + path.split("/")[3]).json() == claim_before
    for role in allowed:
        api = roles[role]
        r = api.post(path, body) if method == "POST" else api.get(path)
        assert r.status_code == success, f"{role}: {r.text}"


# ---- maker-checker --------------------------------------------------------------------


def test_the_submitter_may_not_approve_even_holding_the_reviewer_role(admin, staff, funds):
    both = make_user(admin, "clerk and reviewer", ["clerk", "reviewer"], ["210100"])
    cid = submit(both)["claim_id"]
    r = both.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"})
    assert_problem(r, 403, "forbidden")
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["status"] == "submitted"
    assert approve(staff.reviewer, cid)["status"] == "approved"


def test_the_approver_may_not_record_a_payment(admin, staff, funds):
    both = make_user(admin, "reviewer and treasurer", ["reviewer", "treasurer"], ["210000"])
    cid = submit(staff.clerk)["claim_id"]
    approve(both, cid)
    r = both.post(f"/v1/claims/{cid}/payments", {"amount": "1500.00", "kind": "settlement",
                                                  "payment_ref": "ZF-MC-1", "paid_on": PAID_ON})
    assert_problem(r, 403, "forbidden")
    assert staff.auditor.get(f"/v1/claims/{cid}").json()["amounts"]["paid"] == "0.00"
    assert pay(staff.treasurer, cid, "1500.00", "ZF-MC-1")["status"] == "paid"


def test_a_large_clawback_needs_a_second_reviewer_before_recovery(client, staff, funds):
    claim = big_internship(client, staff)
    cid = claim["claim_id"]
    assert claim["status"] == "prepaid" and claim["amounts"]["prepaid"] == "60900.00"

    r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "60000.00", "reason": "虚报见习人员"})
    assert r.status_code == 201, r.text
    clawback_id = r.json()["clawback_id"]
    assert r.json()["clawbacks"] == [{"clawback_id": clawback_id, "amount": "60000.00", "reason": "虚报见习人员",
                                      "confirmed": False}]
    assert r.json()["amounts"]["clawback_outstanding"] == "60000.00"

    recovery = {"amount": "1000.00", "reference": "HK-BIG-1", "received_on": "2022-09-01"}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/recoveries", recovery), 409, "invalid_state")
    # The reviewer who demanded it cannot confirm it.
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/clawbacks/{clawback_id}/confirm"), 403, "forbidden")

    r = staff.reviewer2.post(f"/v1/claims/{cid}/clawbacks/{clawback_id}/confirm")
    assert r.status_code == 200, r.text
    assert r.json()["clawbacks"][0]["confirmed"] is True
    assert_problem(staff.reviewer2.post(f"/v1/claims/{cid}/clawbacks/{clawback_id}/confirm"), 409, "invalid_state")

    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", recovery)
    assert r.status_code == 201, r.text
    assert r.json()["amounts"]["recovered"] == "1000.00"
    assert r.json()["amounts"]["clawback_outstanding"] == "59000.00"


def test_clawbacks_adding_up_past_50000_need_confirmation(client, staff, funds):
    """API.md (maker-checker, cumulative): once the demands on a claim add up to more than
    50,000.00, every demand not confirmed by a second reviewer, earlier ones included,
    needs that confirmation before money is recovered against it."""
    cid = big_internship(client, staff)["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "30000.00", "reason": "第一次追回"})
    assert r.status_code == 201 and r.json()["clawbacks"][0]["confirmed"] is True
    first = r.json()["clawback_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "25000.00", "reason": "第二次追回"})
    assert r.status_code == 201, r.text
    second = r.json()["clawback_id"]
    assert [c["confirmed"] for c in r.json()["clawbacks"]] == [False, False]
    full = {"amount": "55000.00", "reference": "HK-BIG-2", "received_on": "2022-09-01"}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/recoveries", full), 409, "invalid_state")
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/clawbacks/{first}/confirm"), 403, "forbidden")
    assert staff.reviewer2.post(f"/v1/claims/{cid}/clawbacks/{second}/confirm").status_code == 200
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/recoveries", full), 409, "invalid_state")
    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {**full, "amount": "25000.00"})
    assert r.status_code == 201, r.text
    assert staff.reviewer2.post(f"/v1/claims/{cid}/clawbacks/{first}/confirm").status_code == 200
    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {**full, "amount": "30000.00", "reference": "HK-BIG-3"})
    assert r.status_code == 201, r.text
    assert r.json()["amounts"]["clawback_outstanding"] == "0.00"


@pytest.mark.parametrize("demands", [["50000.00", "10000.00"], ["10000.00"] * 6], ids=["50k+10k", "6x10k"])
def test_one_reviewer_cannot_recover_more_than_50000_by_splitting_demands(client, staff, funds, demands):
    """The reproductions: 50,000.00 + 10,000.00 by one reviewer, or 6 × 10,000.00, let
    50,000.00 be recovered with no second reviewer."""
    cid = big_internship(client, staff)["claim_id"]
    for amount in demands:
        r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": amount, "reason": "骗取补贴"})
        assert r.status_code == 201, r.text
    assert not any(c["confirmed"] for c in r.json()["clawbacks"])
    recovery = {"amount": "10000.00", "reference": "HK-SPLIT", "received_on": "2022-09-01"}
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/recoveries", recovery), 409, "invalid_state")
    assert client.get(f"/v1/claims/{cid}", headers={"Authorization": f"Bearer {staff.treasurer.token}"}).json()[
        "amounts"]["recovered"] == "0.00"


def test_a_small_clawback_is_recoverable_without_confirmation(staff, funds):
    cid = paid_job_expansion(staff)["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "1500.00", "reason": "重复享受吸纳补贴"})
    assert r.status_code == 201 and r.json()["clawbacks"][0]["confirmed"] is True
    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "1500.00", "reference": "HK-1",
                                                              "received_on": "2022-08-01"})
    assert r.status_code == 201, r.text


# ---- regions --------------------------------------------------------------------------


def test_a_dalian_clerk_cannot_act_on_shenyang(staff, funds):
    cid = submit(staff.clerk)["claim_id"]
    dalian = staff.dalian_clerk
    assert_problem(dalian.get(f"/v1/claims/{cid}"), 403, "forbidden")
    assert_problem(dalian.get(f"/v1/claims/{cid}/events"), 403, "forbidden")
    assert_problem(dalian.post(f"/v1/claims/{cid}/withdraw", {"reason": "撤回"}), 403, "forbidden")
    assert_problem(dalian.post(f"/v1/claims/{cid}/facts", {"facts": {"months_served": 1}}), 403, "forbidden")
    assert_problem(dalian.post("/v1/claims", job_expansion_claim(region="210100")), 403, "forbidden")
    assert_problem(dalian.post("/v1/claims", job_expansion_claim(region="210102")), 403, "forbidden")
    assert staff.clerk.get(f"/v1/claims/{cid}").json()["status"] == "submitted"
    assert submit(dalian, job_expansion_claim(region="210200"))["region"] == "210200"


def test_a_city_reviewer_and_treasurer_stay_in_their_city(admin, staff, funds):
    dalian_fund = open_fund(staff.treasurer, "unemployment_insurance", "210200", "10000.00")
    dalian_claim = submit(staff.dalian_clerk, job_expansion_claim(region="210200"))["claim_id"]
    shenyang_reviewer, shenyang_treasurer = staff.reviewer, make_user(admin, "沈阳出纳", ["treasurer"], ["210100"])
    assert_problem(shenyang_reviewer.post(f"/v1/claims/{dalian_claim}/approve", {"approved_on": "2022-07-16"}),
                   403, "forbidden")
    assert_problem(shenyang_reviewer.get(f"/v1/funds/{dalian_fund}"), 403, "forbidden")
    assert_problem(shenyang_treasurer.post(f"/v1/funds/{dalian_fund}/allocations",
                                           {"amount": "1.00", "source": "municipal", "document_no": "大财〔2022〕1号",
                                            "effective_date": "2022-07-01"}), 403, "forbidden")
    assert_problem(shenyang_treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": "210200"}),
                   403, "forbidden")
    # The province-scoped reviewer covers Dalian.
    assert approve(staff.reviewer2, dalian_claim)["fund_id"] == dalian_fund


def test_lists_show_only_the_callers_regions(admin, staff, funds):
    shenyang = {submit(staff.clerk)["claim_id"], submit(staff.clerk, job_expansion_claim(region="210102"))["claim_id"]}
    dalian = {submit(staff.dalian_clerk, job_expansion_claim(region="210200"))["claim_id"]}
    open_fund(staff.treasurer, "unemployment_insurance", "210200")
    open_fund(staff.treasurer, "unemployment_insurance", "210000")

    assert set(claim_ids(staff.clerk)) == shenyang
    assert set(claim_ids(staff.dalian_clerk)) == dalian
    assert set(claim_ids(staff.auditor)) == shenyang | dalian  # province scope covers its cities
    assert set(claim_ids(admin)) == shenyang | dalian
    # A filter cannot widen the scope.
    assert set(claim_ids(staff.dalian_clerk, region="210000")) == dalian
    assert claim_ids(staff.dalian_clerk, region="210100") == []

    def fund_ids(api, **params):
        r = api.get("/v1/funds", **params)
        assert r.status_code == 200, r.text
        return {f["fund_id"] for f in r.json()["items"]}

    assert fund_ids(staff.reviewer) == {funds["ui"], funds["es"]}
    assert fund_ids(staff.reviewer2) == {funds["ui"], funds["es"], "unemployment_insurance:210200",
                                         "unemployment_insurance:210000"}
    assert fund_ids(staff.reviewer2, region="210200") == {"unemployment_insurance:210200"}
    assert fund_ids(staff.reviewer2, fund_type="unemployment_insurance") == {
        funds["ui"], "unemployment_insurance:210200", "unemployment_insurance:210000"}



def test_a_token_checked_a_moment_ago_is_answered_from_memory_and_then_checked_again(client, admin, monkeypatch):
    """The caller of a token checked within the last half second is found without I/O (on
    the event loop); a token this process has not checked, or not lately, is looked up: a
    change made by another process is seen within a second."""
    from ledger.service import authentication

    ledger = client.app.state.runtime.ledger
    token, digest = token_pair()
    admin.post("/v1/users", {"name": "new clerk", "roles": ["clerk"], "regions": ["210100"], "token_sha256": digest})
    ledger._sessions.clear()  # as if another process had created the user
    assert ledger.known_actor(token) is None and ledger.known_actor(None) is None
    me = client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["name"] == "new clerk"
    assert ledger.known_actor(token).name == "new clerk"
    now = authentication.monotonic()
    monkeypatch.setattr(authentication, "monotonic", lambda: now + authentication.FRESH_S + 0.01)
    assert ledger.known_actor(token) is None
    assert client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert ledger.known_actor(token).name == "new clerk"
    assert client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    assert client.get("/v1/users/me", headers={"Authorization": "Basic abc"}).status_code == 401
