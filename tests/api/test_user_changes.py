"""Two admins for every change of who may act, and no token shown to anyone but its owner
(API.md, "◆ Insiders and time"; issue 18, section 2 and two bullets of section 6)."""
from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from ledger.domain.users import token_hash
from ledger.errors import Forbidden
from runtime.cli import cli
from runtime.container import Runtime

from ..support import Api, make_user, new_user, token_pair
from .helpers import assert_problem

DALIAN, SHENYANG = "210200", "210100"
JOB_SEARCH_CHANGES = "/v1/programs/job_search/parameter-changes"


def _later(clock) -> str:
    return (clock.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def dalian(admin) -> tuple[Api, Api]:
    """Two admins of Dalian, made by the bootstrap admin (the operator's root)."""
    return (make_user(admin, "大连 管理员甲", ["admin"], [DALIAN]),
            make_user(admin, "大连 管理员乙", ["admin"], [DALIAN]))


def _user_ids(admin: Api) -> set[str]:
    return {u["user_id"] for u in admin.get("/v1/users", limit=1000).json()["items"]}


def test_one_admin_cannot_make_a_puppet_admin_and_confirm_its_own_parameter_change(admin, dalian, clock):
    """The issue's reproduction: admin A creates admin "puppet B" keeping B's token, proposes
    job_search 1,000,000.00 for Dalian and confirms it as B. Before: `in_force`."""
    a, _other = dalian
    before = _user_ids(admin)
    puppet_token, puppet_hash = token_pair()  # A makes the token itself: it knows it
    r = a.post("/v1/users", {"name": "傀儡 B", "roles": ["admin"], "regions": [DALIAN], "token_sha256": puppet_hash})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "proposed" and "token" not in r.json()
    puppet = Api(admin.client, puppet_token)
    assert_problem(puppet.get("/v1/users/me"), 401, "unauthenticated")  # B cannot act: nobody confirmed it
    assert _user_ids(admin) == before
    # A confirming its own proposal is refused.
    assert_problem(a.post(f"/v1/users/changes/{r.json()['change_id']}/confirm"), 403, "forbidden")
    assert_problem(puppet.get("/v1/users/me"), 401, "unauthenticated")

    proposed = a.put("/v1/programs/job_search/parameters", {
        "region": DALIAN, "effective_from": _later(clock), "values": {"amount": "1000000.00"},
        "document_no": "大人社〔2026〕99号", "reason": "傀儡"})
    assert proposed.status_code == 202, proposed.text
    path = f"{JOB_SEARCH_CHANGES}/{proposed.json()['change_id']}/confirm"
    assert_problem(puppet.post(path), 401, "unauthenticated")
    assert_problem(a.post(path), 403, "forbidden")
    assert [c["status"] for c in admin.get(JOB_SEARCH_CHANGES).json()["items"]] == ["proposed"]
    on = _later(clock)
    assert admin.get("/v1/programs/job_search", region=DALIAN, on=on).json()["parameters"]["amount"] == "1000.00"


def test_an_admin_cannot_act_as_an_existing_reviewer_by_issuing_it_a_token(admin, dalian):
    """Before: `POST /users/{reviewer}/tokens` answered the reviewer's new token to the admin."""
    a, b = dalian
    reviewer = make_user(admin, "大连 审核员", ["reviewer"], [DALIAN])
    before = admin.get(f"/v1/users/{reviewer.user_id}").json()["tokens"]
    assert_problem(a.post(f"/v1/users/{reviewer.user_id}/tokens", {}), 422, "validation_error", "token_sha256")
    mine, mine_hash = token_pair()
    r = a.post(f"/v1/users/{reviewer.user_id}/tokens", {"token_sha256": mine_hash})
    assert r.status_code == 202 and "token" not in r.json(), r.text
    assert admin.get(f"/v1/users/{reviewer.user_id}").json()["tokens"] == before
    assert_problem(Api(admin.client, mine).get("/v1/users/me"), 401, "unauthenticated")
    assert_problem(a.post(f"/v1/users/changes/{r.json()['change_id']}/confirm"), 403, "forbidden")
    # The reviewer itself makes its token; a second admin confirms after checking the hash with it.
    theirs, theirs_hash = token_pair()
    r = a.post(f"/v1/users/{reviewer.user_id}/tokens", {"token_sha256": theirs_hash, "reason": "换新电脑"})
    assert r.status_code == 202, r.text
    confirmed = b.post(f"/v1/users/changes/{r.json()['change_id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "in_force", confirmed.text
    assert "token" not in confirmed.json()
    assert Api(admin.client, theirs).get("/v1/users/me").json()["user_id"] == reviewer.user_id
    # Its own new token, asked for itself, is the only one an answer ever shows.
    own = reviewer.post("/v1/users/me/tokens", {})
    assert own.status_code == 201 and Api(admin.client, own.json()["token"]).get("/v1/users/me").status_code == 200


def test_a_change_is_confirmed_by_another_admin_covering_it_never_the_user_it_changes(admin, dalian):
    a, b = dalian
    shenyang = make_user(admin, "沈阳 管理员", ["admin"], [SHENYANG])
    token, digest = token_pair()
    r = a.post("/v1/users", {"name": "大连 新管理员", "roles": ["admin"], "regions": ["210202"],
                             "token_sha256": digest})
    change = r.json()["change_id"]
    assert r.json()["kind"] == "create" and r.json()["proposed_by"] == a.user_id
    assert_problem(shenyang.post(f"/v1/users/changes/{change}/confirm"), 403, "forbidden")
    assert_problem(shenyang.post(f"/v1/users/changes/{change}/reject", {"reason": "不是沈阳的"}), 403, "forbidden")
    done = b.post(f"/v1/users/changes/{change}/confirm")
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["roles"], body["regions"], body["active"]) == ("in_force", ["admin"], ["210202"], True)
    assert_problem(b.post(f"/v1/users/changes/{change}/confirm"), 409, "invalid_state")
    new_admin = Api(admin.client, token)
    new_admin.user_id = body["user_id"]
    assert new_admin.get("/v1/users/me").json()["user_id"] == body["user_id"]
    # A second user with the same hash is refused: a token stands for one user.
    assert_problem(a.post("/v1/users", {"name": "重复", "roles": ["clerk"], "regions": [DALIAN],
                                        "token_sha256": digest}), 409, "duplicate")

    # Roles and regions: proposed by one, confirmed by another, never by the user changed.
    r = a.post(f"/v1/users/{new_admin.user_id}/roles", {"roles": ["admin", "auditor"], "regions": [DALIAN],
                                                        "reason": "兼任审计"})
    assert r.status_code == 202 and r.json()["kind"] == "roles", r.text
    assert new_admin.get("/v1/users/me").json()["roles"] == ["admin"]
    assert_problem(new_admin.post(f"/v1/users/changes/{r.json()['change_id']}/confirm"), 403, "forbidden")
    assert_problem(shenyang.post(f"/v1/users/{new_admin.user_id}/roles", {"roles": ["clerk"], "regions": [SHENYANG]}),
                   403, "forbidden")
    assert b.post(f"/v1/users/changes/{r.json()['change_id']}/confirm").status_code == 200
    me = new_admin.get("/v1/users/me").json()
    assert (me["roles"], me["regions"]) == (["admin", "auditor"], [DALIAN])
    # The user list follows: found under its new region, no longer under its old one.
    listed = lambda **params: [u["user_id"] for u in admin.get("/v1/users", **params).json()["items"]]  # noqa: E731
    assert new_admin.user_id in listed(region=DALIAN, role="auditor")
    assert new_admin.user_id not in listed(region="210202")
    # Its own roles too: proposed, and never in force by itself.
    r = a.post(f"/v1/users/{a.user_id}/roles", {"roles": ["admin", "treasurer"], "regions": [DALIAN]})
    assert r.status_code == 202, r.text
    assert_problem(a.post(f"/v1/users/changes/{r.json()['change_id']}/confirm"), 403, "forbidden")
    assert a.get("/v1/users/me").json()["roles"] == ["admin"]
    root = admin.get("/v1/users/me").json()["user_id"]
    assert_problem(admin.post(f"/v1/users/{root}/roles", {"roles": ["clerk"], "regions": ["000000"]}),
                   403, "forbidden")


def test_a_rejected_change_never_applies_and_changes_are_listed_within_the_callers_regions(admin, dalian):
    a, b = dalian
    shenyang = make_user(admin, "沈阳 管理员", ["admin"], [SHENYANG])
    shenyang_peer = make_user(admin, "沈阳 管理员二", ["admin"], [SHENYANG])
    token, digest = token_pair()
    r = a.post("/v1/users", {"name": "大连 经办员", "roles": ["clerk"], "regions": [DALIAN], "token_sha256": digest})
    assert b.post(f"/v1/users/changes/{r.json()['change_id']}/reject", {}).status_code == 422
    rejected = b.post(f"/v1/users/changes/{r.json()['change_id']}/reject", {"reason": "查无此人"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected", rejected.text
    assert rejected.json()["rejected_by"] == b.user_id and rejected.json()["rejection_reason"] == "查无此人"
    assert_problem(a.post(f"/v1/users/changes/{r.json()['change_id']}/confirm"), 409, "invalid_state")
    assert_problem(Api(admin.client, token).get("/v1/users/me"), 401, "unauthenticated")
    theirs = shenyang.post("/v1/users", {"name": "沈阳 出纳", "roles": ["treasurer"], "regions": [SHENYANG],
                                         "token_sha256": token_pair()[1]}).json()["change_id"]

    def listed(api: Api, **params) -> list[str]:
        answer = api.get("/v1/users/changes", **params)
        assert answer.status_code == 200, answer.text
        assert all(c["regions"] == [SHENYANG if api in (shenyang, shenyang_peer) else DALIAN]
                   for c in answer.json()["items"]) or api is admin
        return [c["change_id"] for c in answer.json()["items"]]

    # Dalian's: the bootstrap admin making its two admins, and the rejected proposal.
    assert listed(a) == listed(b) and len(listed(a)) == 3 and listed(a)[-1] == r.json()["change_id"]
    assert listed(shenyang_peer)[-1] == theirs and r.json()["change_id"] not in listed(shenyang_peer)
    everything = listed(admin)
    assert r.json()["change_id"] in everything and theirs in everything
    assert listed(admin, status="proposed") == [theirs]
    assert listed(a, status="rejected") == [r.json()["change_id"]]
    assert_problem(a.get("/v1/users/changes", status="maybe"), 422, "validation_error")
    assert_problem(make_user(admin, "沈阳 经办员", ["clerk"], [SHENYANG]).get("/v1/users/changes"), 403, "forbidden")
    first = admin.get("/v1/users/changes", limit=2).json()
    rest = admin.get("/v1/users/changes", limit=1000, cursor=first["next_cursor"]).json()
    assert [c["change_id"] for c in first["items"] + rest["items"]] == listed(admin) and rest["next_cursor"] is None


def test_the_bootstrap_admin_makes_every_change_alone_and_the_log_says_who_and_why(admin):
    token, digest = token_pair()
    r = admin.post("/v1/users", {"name": "第一位管理员", "roles": ["admin"], "regions": ["210000"],
                                 "token_sha256": digest, "reason": "首批管理员"})
    assert r.status_code == 201 and r.json()["status"] == "in_force" and "token" not in r.json(), r.text
    first = Api(admin.client, token)
    first.user_id = r.json()["user_id"]
    r = admin.post(f"/v1/users/{first.user_id}/roles", {"roles": ["admin", "auditor"], "regions": ["210000"]})
    assert r.status_code == 200 and r.json()["roles"] == ["admin", "auditor"], r.text
    fresh, fresh_hash = token_pair()
    r = admin.post(f"/v1/users/{first.user_id}/tokens", {"token_sha256": fresh_hash})
    assert r.status_code == 201 and "token" not in r.json(), r.text
    assert Api(admin.client, fresh).get("/v1/users/me").json()["user_id"] == first.user_id
    root = admin.get("/v1/users/me").json()["user_id"]
    changes = admin.get("/v1/users/changes").json()["items"]
    assert [(c["kind"], c["status"], c["alone"], c["proposed_by"], c["confirmed_by"]) for c in changes] == [
        (kind, "in_force", True, root, root) for kind in ("create", "roles", "token")]
    assert changes[0]["reason"] == "首批管理员" and changes[0]["token_sha256"] == digest
    # The events: each names its actor; the user's events name the change and its reason.
    events = [e for e in admin.get("/v1/audit/events", limit=1000).json()["items"] if e["actor"] == root]
    applied = [e for e in events if e["topic"].endswith(":UserChanges.Applied")]
    assert [e["data"]["kind"] for e in applied] == ["create", "roles", "token"]
    assert applied[0]["data"]["details"]["reason"] == "首批管理员"
    [roles_changed] = [e for e in events if e["topic"].endswith(":User.RolesChanged")]
    assert roles_changed["data"]["reason"] == f"user change {changes[1]['change_id']}"


def test_a_reactivation_takes_two_admins_and_revives_no_old_token(admin, dalian):
    a, b = dalian
    clerk = make_user(admin, "大连 经办员", ["clerk"], [DALIAN])
    assert a.post(f"/v1/users/{clerk.user_id}/deactivate", {"reason": "停职"}).status_code == 200
    token, digest = token_pair()
    r = a.post(f"/v1/users/{clerk.user_id}/reactivate", {"reason": "复职", "token_sha256": digest})
    assert r.status_code == 202 and r.json()["kind"] == "reactivate", r.text
    assert admin.get(f"/v1/users/{clerk.user_id}").json()["active"] is False
    assert_problem(a.post(f"/v1/users/changes/{r.json()['change_id']}/confirm"), 403, "forbidden")
    done = b.post(f"/v1/users/changes/{r.json()['change_id']}/confirm")
    assert done.status_code == 200 and done.json()["active"] is True, done.text
    assert_problem(clerk.get("/v1/users/me"), 401, "unauthenticated")  # the token from before stays dead
    assert Api(admin.client, token).get("/v1/users/me").json()["user_id"] == clerk.user_id
    assert_problem(a.post(f"/v1/users/{clerk.user_id}/reactivate", {"reason": "again"}), 409, "invalid_state")


def test_no_admin_deactivates_itself_the_bootstrap_admin_included(admin, dalian):
    """Issue 18, section 6: the bootstrap admin deactivated itself and every later request
    was 401."""
    a, b = dalian
    me = admin.get("/v1/users/me").json()["user_id"]
    assert_problem(admin.post(f"/v1/users/{me}/deactivate", {"reason": "fuzz"}), 403, "forbidden")
    assert admin.get("/v1/users/me").status_code == 200
    assert_problem(a.post(f"/v1/users/{a.user_id}/deactivate", {"reason": "x"}), 403, "forbidden")
    assert_problem(a.post("/v1/users/me/deactivate", {"reason": "x"}), 404, "not_found")
    assert a.get("/v1/users/me").status_code == 200
    # Another admin covering it may: one admin of Dalian remains, the one who acted.
    assert b.post(f"/v1/users/{a.user_id}/deactivate", {"reason": "离职"}).status_code == 200
    assert b.get("/v1/users/me").status_code == 200


def test_two_admins_deactivating_each_other_leave_one(client, admin, dalian):
    """Each was authenticated before the other's deactivation (a session remembered for up
    to half a second): the writer reads the acting admin again, so the second is refused and
    the region keeps an active admin."""
    a, b = dalian
    ledger = client.app.state.runtime.ledger
    actor_a, actor_b = ledger.authenticate(a.token), ledger.authenticate(b.token)
    ledger.deactivate_user(actor_a, b.user_id, {"reason": "互相停用"})
    with pytest.raises(Forbidden):
        ledger.deactivate_user(actor_b, a.user_id, {"reason": "互相停用"})
    assert a.get("/v1/users/me").status_code == 200
    # Nor can a deactivated admin propose or confirm anything with a session still remembered.
    with pytest.raises(Forbidden):
        ledger.create_user(actor_b, {"name": "x", "roles": ["clerk"], "regions": [DALIAN],
                                     "token_sha256": token_pair()[1]})


def test_parameter_changes_are_listed_within_the_callers_regions(admin, dalian, clock):
    """Issue 18, section 6: a Dalian admin saw Shenyang's proposals."""
    a, _b = dalian
    shenyang = make_user(admin, "沈阳 管理员", ["admin"], [SHENYANG])
    for api, region in ((a, DALIAN), (shenyang, SHENYANG)):
        r = api.put("/v1/programs/job_search/parameters", {
            "region": region, "effective_from": _later(clock), "values": {"amount": "1200.00"},
            "document_no": "人社〔2026〕1号", "reason": "调整"})
        assert r.status_code == 202, r.text
    regions = lambda api: sorted(c["region"] for c in api.get(JOB_SEARCH_CHANGES).json()["items"])  # noqa: E731
    assert regions(a) == [DALIAN]
    assert regions(shenyang) == [SHENYANG]
    assert regions(admin) == [SHENYANG, DALIAN]


def test_ledger_token_new_prints_a_fresh_token_and_its_sha256():
    outputs = []
    for _ in range(2):
        result = CliRunner().invoke(cli, ["token", "new"], env={})
        assert result.exit_code == 0, result.output
        lines = dict(line.split(":", 1) for line in result.output.strip().splitlines())
        token, digest = lines["token"].strip(), lines["sha256"].strip()
        assert len(token) >= 43 and token_hash(token) == digest
        outputs.append(token)
    assert outputs[0] != outputs[1]


def test_two_admins_deactivating_each_other_in_two_processes_at_once_leave_one(settings):
    """Process 2 decides B's deactivation of A on what it holds in memory, as if A's
    deactivation of B (process 1) were committed between its look at the store and its own
    commit. Both write the one register of user changes, so process 2's commit conflicts; run
    again on fresh state, B is no longer an active admin: refused."""
    one, two = Runtime(settings), Runtime(settings)
    one.start(project=False)
    two.start(project=False)
    try:
        root = one.ledger.bootstrap_actor()
        (a, a_token), (b, b_token) = (new_user(one.ledger, root, name, ["admin"], [DALIAN]) for name in "AB")
        actor_a, actor_b = one.ledger.authenticate(a_token), two.ledger.authenticate(b_token)
        # Process 2 holds A, B and the register in memory (B proposes something about A).
        two.ledger.change_roles(actor_b, a["user_id"], {"roles": ["admin", "auditor"], "regions": [DALIAN]})
        two.ledger.writer._sync_with_store = lambda: None  # it will not look at the store again
        one.ledger.deactivate_user(actor_a, b["user_id"], {"reason": "同时"})
        with pytest.raises(Forbidden):
            two.ledger.deactivate_user(actor_b, a["user_id"], {"reason": "同时"})
        assert one.ledger.authenticate(a_token).user_id == a["user_id"]
    finally:
        one.close()
        two.close()
