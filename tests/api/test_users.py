"""GET /v1/users and /v1/users/{id} (never a token), and admins bound to their regions
(API.md, "Scope of admins and auditors")."""
from __future__ import annotations

import hashlib

import pytest

from ..support import Api, make_user
from .helpers import assert_problem

EVERY_ROLE = ["admin", "clerk", "reviewer", "treasurer", "auditor"]
TOKEN_KEYS = {"token_id", "issued_at", "expires_at", "revoked"}


def _ids(api: Api, **params) -> list[str]:
    r = api.get("/v1/users", **params)
    assert r.status_code == 200, r.text
    return [u["user_id"] for u in r.json()["items"]]


@pytest.fixture
def people(admin) -> dict[str, Api]:
    return {
        "shenyang clerk": make_user(admin, "沈阳 经办员", ["clerk"], ["210100"]),
        "district reviewer": make_user(admin, "和平区 审核员", ["reviewer", "clerk"], ["210102"]),
        "dalian treasurer": make_user(admin, "大连 出纳", ["treasurer"], ["210200"]),
        "dalian admin": make_user(admin, "大连 管理员", ["admin"], ["210200"]),
        "two cities": make_user(admin, "沈阳大连 审计", ["auditor"], ["210100", "210200"]),
    }


def test_a_user_document_shows_token_records_never_tokens(admin, people):
    clerk = people["shenyang clerk"]
    spare = clerk.post("/v1/users/me/tokens", {}).json()
    r = admin.get(f"/v1/users/{clerk.user_id}")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc == {"user_id": clerk.user_id, "name": "沈阳 经办员", "roles": ["clerk"], "regions": ["210100"],
                   "active": True, "tokens": doc["tokens"]}
    assert [set(t) for t in doc["tokens"]] == [TOKEN_KEYS, TOKEN_KEYS]
    assert doc["tokens"][1]["token_id"] == spare["token_id"] and doc["tokens"][1]["revoked"] is False
    listed = admin.get("/v1/users").text
    for token in (clerk.token, spare["token"]):
        for text in (r.text, listed):
            assert token not in text and hashlib.sha256(token.encode()).hexdigest() not in text
    assert_problem(admin.get("/v1/users/0b0e5c8e-1111-4a51-9d44-0d8e7d0f3b11"), 404, "not_found")
    assert_problem(admin.get("/v1/users/not-a-user"), 404, "not_found")


def test_the_user_list_filters_and_pages(admin, people):
    me = admin.get("/v1/users/me").json()["user_id"]
    everyone = [me, *(api.user_id for api in people.values())]
    assert _ids(admin) == everyone  # oldest first
    assert _ids(admin, role="clerk") == [people["shenyang clerk"].user_id, people["district reviewer"].user_id]
    assert _ids(admin, region="210100") == [people["shenyang clerk"].user_id, people["district reviewer"].user_id,
                                           people["two cities"].user_id]
    assert _ids(admin, region="210102") == [people["district reviewer"].user_id]
    assert _ids(admin, region="210000", role="auditor") == [people["two cities"].user_id]
    assert admin.post(f"/v1/users/{people['dalian treasurer'].user_id}/deactivate",
                      {"reason": "调离"}).status_code == 200
    assert _ids(admin, active="false") == [people["dalian treasurer"].user_id]
    assert people["dalian treasurer"].user_id not in _ids(admin, active="true")

    pages, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = admin.get("/v1/users", **params).json()
        pages.append([u["user_id"] for u in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [2, 2, 2] and sum(pages, []) == everyone
    for params, field in (({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"cursor": "bm9wZQ"}, "cursor"),
                          ({"region": "2101"}, "region"), ({"role": "mayor"}, "role")):
        assert_problem(admin.get("/v1/users", **params), 422, "validation_error")


def test_only_admins_list_and_read_users_and_everyone_reads_themselves(admin, people):
    clerk = people["shenyang clerk"]
    assert_problem(clerk.get("/v1/users"), 403, "forbidden")
    assert_problem(clerk.get(f"/v1/users/{clerk.user_id}"), 403, "forbidden")
    assert clerk.get("/v1/users/me").json()["user_id"] == clerk.user_id


def test_an_admin_sees_the_users_within_its_regions(admin, people):
    dalian = people["dalian admin"]
    assert set(_ids(dalian)) == {people["dalian treasurer"].user_id, dalian.user_id}
    assert _ids(dalian, region="210100") == []
    assert dalian.get(f"/v1/users/{people['dalian treasurer'].user_id}").status_code == 200
    for outside in ("shenyang clerk", "two cities"):
        assert_problem(dalian.get(f"/v1/users/{people[outside].user_id}"), 403, "forbidden")
    national = admin.get("/v1/users/me").json()["user_id"]
    assert_problem(dalian.get(f"/v1/users/{national}"), 403, "forbidden")


def test_an_admin_creates_users_only_within_its_regions(admin, people):
    dalian = people["dalian admin"]
    before = _ids(admin)
    for regions in (["000000"], ["210100"], ["210000"], ["210200", "210100"]):
        r = dalian.post("/v1/users", {"name": "越权用户", "roles": EVERY_ROLE, "regions": regions})
        assert_problem(r, 403, "forbidden")
    assert _ids(admin) == before  # the refusals recorded nothing
    for regions in (["210200"], ["210202"]):
        r = dalian.post("/v1/users", {"name": "大连 新用户", "roles": EVERY_ROLE, "regions": regions})
        assert r.status_code == 201, r.text
        assert Api(admin.client, r.json()["token"]).get("/v1/users/me").json()["regions"] == regions


def test_an_admin_manages_tokens_and_deactivation_only_within_its_regions(admin, people):
    dalian = people["dalian admin"]
    shenyang_clerk, dalian_treasurer = people["shenyang clerk"], people["dalian treasurer"]
    token_id = admin.get(f"/v1/users/{shenyang_clerk.user_id}").json()["tokens"][0]["token_id"]
    assert_problem(dalian.post(f"/v1/users/{shenyang_clerk.user_id}/tokens", {}), 403, "forbidden")
    assert_problem(dalian.delete(f"/v1/users/{shenyang_clerk.user_id}/tokens/{token_id}"), 403, "forbidden")
    assert_problem(dalian.post(f"/v1/users/{shenyang_clerk.user_id}/deactivate", {"reason": "越权"}),
                   403, "forbidden")
    assert_problem(dalian.post(f"/v1/users/{people['two cities'].user_id}/deactivate", {"reason": "越权"}),
                   403, "forbidden")
    doc = admin.get(f"/v1/users/{shenyang_clerk.user_id}").json()
    assert doc["active"] is True and [t["revoked"] for t in doc["tokens"]] == [False]
    assert shenyang_clerk.get("/v1/users/me").status_code == 200

    # Within its regions, all of it.
    issued = dalian.post(f"/v1/users/{dalian_treasurer.user_id}/tokens", {"revoke_others": True})
    assert issued.status_code == 201, issued.text
    assert_problem(dalian_treasurer.get("/v1/users/me"), 401, "unauthenticated")
    renewed = Api(admin.client, issued.json()["token"])
    assert renewed.get("/v1/users/me").json()["user_id"] == dalian_treasurer.user_id
    assert dalian.delete(f"/v1/users/{dalian_treasurer.user_id}/tokens/{issued.json()['token_id']}").status_code == 204
    assert_problem(renewed.get("/v1/users/me"), 401, "unauthenticated")
    assert dalian.post(f"/v1/users/{dalian_treasurer.user_id}/deactivate", {"reason": "离职"}).status_code == 200


def test_a_non_admin_manages_only_its_own_tokens(admin, people):
    clerk, treasurer = people["shenyang clerk"], people["dalian treasurer"]
    assert_problem(clerk.post(f"/v1/users/{treasurer.user_id}/tokens", {}), 403, "forbidden")
    assert treasurer.get("/v1/users/me").status_code == 200
    r = clerk.post(f"/v1/users/{clerk.user_id}/tokens", {})
    assert r.status_code == 201 and r.json()["user_id"] == clerk.user_id


def test_an_admin_changes_parameters_only_within_its_regions(admin, people):
    dalian = people["dalian admin"]
    change = {"effective_from": "2030-01-01", "values": {"per_hire": "1200.00"}, "document_no": "大人社〔2030〕1号",
              "reason": "大连提高扩岗补助"}
    for region in ("210100", "210000", "000000"):
        r = dalian.put("/v1/programs/job_expansion/parameters", {**change, "region": region})
        assert_problem(r, 403, "forbidden")
    assert admin.get("/v1/programs/job_expansion/parameter-changes").json()["items"] == []
    r = dalian.put("/v1/programs/job_expansion/parameters", {**change, "region": "210200"})
    assert r.status_code == 202, r.text
    path = f"/v1/programs/job_expansion/parameter-changes/{r.json()['change_id']}"
    # Confirming and rejecting keep the same scope: a Shenyang admin may do neither.
    shenyang = make_user(admin, "沈阳 管理员", ["admin"], ["210100"])
    assert_problem(shenyang.post(f"{path}/confirm"), 403, "forbidden")
    assert_problem(shenyang.post(f"{path}/reject", {"reason": "不是沈阳的"}), 403, "forbidden")
    r = make_user(admin, "大连 管理员二", ["admin"], ["210200"]).post(f"{path}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "in_force", r.text
