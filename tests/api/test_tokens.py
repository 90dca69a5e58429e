"""Tokens (API.md, "Authentication and roles"): random, stored only as hashes, expiring,
rotated, revoked, ended by deactivation, and refused in every process within a second."""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import time

from fastapi.testclient import TestClient

from api.app import create_app

from ..support import Api, job_expansion_claim, make_user, token_pair
from .helpers import assert_problem


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _stored_values(settings) -> list:
    """Every value the database holds: the raw SQLite files, or every row of every table."""
    if settings.backend == "sqlite":
        return [path.read_bytes() for path in settings.sqlite_path.parent.iterdir() if path.is_file()]
    import psycopg

    values = []
    with psycopg.connect(**settings.pg_conninfo()) as conn:
        tables = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                              (settings.pg_schema,)).fetchall()
        assert tables
        for (table,) in tables:
            for row in conn.execute(f'SELECT * FROM "{settings.pg_schema}"."{table}"'):
                values.extend(row)
    return values


def _holds(values: list, text: str) -> bool:
    for value in values:
        value = bytes(value) if isinstance(value, memoryview) else value
        if text.encode() in value if isinstance(value, (bytes, bytearray)) else text in str(value):
            return True
    return False


# ---- random, shown once, stored as hashes ------------------------------------------------


def test_tokens_are_random_and_derived_from_no_id_or_key(client, admin, settings):
    (made1, digest1), (made2, digest2) = token_pair(), token_pair()
    r1 = admin.post("/v1/users", {"name": "clerk one", "roles": ["clerk"], "regions": ["210100"],
                                  "token_sha256": digest1}, headers={"Idempotency-Key": "u-1"})
    r2 = admin.post("/v1/users", {"name": "clerk two", "roles": ["clerk"], "regions": ["210100"],
                                  "token_sha256": digest2})
    assert (r1.status_code, r2.status_code) == (201, 201)
    # A user's first token is made by the person and registered by its hash: no answer shows it.
    assert "token" not in r1.json() and "token" not in r2.json()
    one = {**r1.json(), "token": Api(client, made1).post("/v1/users/me/tokens", {}).json()["token"]}
    two = {**r2.json(), "token": Api(client, made2).post("/v1/users/me/tokens", {}).json()["token"]}
    assert set(one) >= {"user_id", "token", "token_id", "expires_at"}
    assert one["token"] != two["token"] and one["token_id"] != two["token_id"]
    for body in (one, two):
        assert len(base64.urlsafe_b64decode(body["token"] + "=")) == 32  # 256 bits
        assert body["user_id"] not in body["token"]
        assert Api(client, body["token"]).get("/v1/users/me").json()["user_id"] == body["user_id"]
    rotated = Api(client, one["token"]).post("/v1/users/me/tokens", {}, headers={"Idempotency-Key": "rot-1"})
    assert rotated.status_code == 201, rotated.text
    # What the release before derived (an HMAC of the id under a key from LEDGER_PII_KEY) is no token.
    pii = client.app.state.runtime.ledger.pii
    for body in (one, two):
        derived = hmac.new(pii.keyed_digest(b"ledger/tokens").encode(), body["user_id"].encode(), hashlib.sha256)
        minted = base64.urlsafe_b64encode(derived.digest()).decode().rstrip("=")
        assert_problem(Api(client, minted).get("/v1/users/me"), 401, "unauthenticated")
    # Neither the log, the idempotency records nor the read models hold a token in clear.
    assert admin.get("/v1/users").status_code == 200  # the read models have caught up
    values = _stored_values(settings)
    assert _holds(values, one["user_id"])  # the check would see a token if one were there
    for token in (one["token"], two["token"], rotated.json()["token"], admin.token, made1, made2):
        assert not _holds(values, token)


# ---- expiry ---------------------------------------------------------------------------------


def test_a_token_expires_after_the_configured_days(settings):
    with TestClient(create_app(dataclasses.replace(settings, token_ttl_days=7))) as client:
        admin = Api(client, settings.bootstrap_admin_token)
        ledger = client.app.state.runtime.ledger
        start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
        ledger.now = lambda: start
        token, digest = token_pair()
        body = admin.post("/v1/users", {"name": "clerk", "roles": ["clerk"], "regions": ["210100"],
                                        "token_sha256": digest}).json()
        assert _parse(body["expires_at"]) == start + dt.timedelta(days=7)
        clerk = Api(client, token)
        ledger.now = lambda: start + dt.timedelta(days=7) - dt.timedelta(seconds=1)
        assert clerk.get("/v1/users/me").status_code == 200  # and now it is remembered
        ledger.now = lambda: start + dt.timedelta(days=7)
        assert_problem(clerk.get("/v1/users/me"), 401, "unauthenticated")
        # The bootstrap token does not expire; a fresh one for the clerk works again.
        ledger.now = lambda: start + dt.timedelta(days=3650)
        assert admin.get("/v1/users/me").status_code == 200
        token, digest = token_pair()
        fresh = admin.post(f"/v1/users/{body['user_id']}/tokens", {"token_sha256": digest})
        assert fresh.status_code == 201, fresh.text  # the bootstrap admin's, in force at once
        assert _parse(fresh.json()["expires_at"]) == start + dt.timedelta(days=3650 + 7)
        assert Api(client, token).get("/v1/users/me").status_code == 200


def test_the_default_lifetime_is_90_days(admin):
    before = dt.datetime.now(dt.timezone.utc)
    body = admin.post("/v1/users", {"name": "clerk", "roles": ["clerk"], "regions": ["210100"],
                                    "token_sha256": token_pair()[1]}).json()
    after = dt.datetime.now(dt.timezone.utc)
    assert before + dt.timedelta(days=90) <= _parse(body["expires_at"]) <= after + dt.timedelta(days=90)


# ---- rotation, revocation, deactivation -------------------------------------------------------


def test_rotation_keeps_or_ends_the_other_tokens(admin):
    clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
    r = clerk.post(f"/v1/users/{clerk.user_id}/tokens", {})
    assert r.status_code == 201, r.text
    assert set(r.json()) >= {"token_id", "token", "expires_at"}
    second = Api(admin.client, r.json()["token"])
    assert clerk.get("/v1/users/me").status_code == 200 and second.get("/v1/users/me").status_code == 200

    r = second.post("/v1/users/me/tokens", {"revoke_others": True})
    assert r.status_code == 201, r.text
    third = Api(admin.client, r.json()["token"])
    assert third.get("/v1/users/me").json()["user_id"] == clerk.user_id
    assert_problem(clerk.get("/v1/users/me"), 401, "unauthenticated")
    assert_problem(second.get("/v1/users/me"), 401, "unauthenticated")
    tokens = admin.get(f"/v1/users/{clerk.user_id}").json()["tokens"]
    assert [t["revoked"] for t in tokens] == [True, True, False]
    assert tokens[2]["token_id"] == r.json()["token_id"]
    assert_problem(third.post("/v1/users/me/tokens", {"revoke_others": "yes"}), 422, "validation_error")


def test_a_revoked_token_is_refused(admin):
    clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
    other = make_user(admin, "reviewer", ["reviewer"], ["210100"])
    spare = Api(admin.client, clerk.post("/v1/users/me/tokens", {}).json()["token"])
    token_ids = [t["token_id"] for t in admin.get(f"/v1/users/{clerk.user_id}").json()["tokens"]]

    # One's own, by its id.
    r = clerk.delete(f"/v1/users/{clerk.user_id}/tokens/{token_ids[1]}")
    assert r.status_code == 204 and r.content == b""
    assert_problem(spare.get("/v1/users/me"), 401, "unauthenticated")
    assert clerk.get("/v1/users/me").status_code == 200
    # Not another user's, without being an admin.
    assert_problem(other.delete(f"/v1/users/{clerk.user_id}/tokens/{token_ids[0]}"), 403, "forbidden")
    assert clerk.get("/v1/users/me").status_code == 200
    # An admin revokes another's; again changes nothing; an unknown token is 404.
    assert admin.delete(f"/v1/users/{clerk.user_id}/tokens/{token_ids[0]}").status_code == 204
    assert_problem(clerk.get("/v1/users/me"), 401, "unauthenticated")
    assert admin.delete(f"/v1/users/{clerk.user_id}/tokens/{token_ids[0]}").status_code == 204
    assert_problem(admin.delete(f"/v1/users/{clerk.user_id}/tokens/no-such-token"), 404, "not_found")
    assert_problem(admin.delete("/v1/users/not-a-user/tokens/x"), 404, "not_found")
    assert [t["revoked"] for t in admin.get(f"/v1/users/{clerk.user_id}").json()["tokens"]] == [True, True]


def test_deactivation_ends_every_token_and_keeps_the_past(admin, staff, funds):
    clerk = make_user(admin, "clerk to leave", ["clerk"], ["210100"])
    spare = Api(admin.client, clerk.post("/v1/users/me/tokens", {}).json()["token"])
    cid = clerk.post("/v1/claims", job_expansion_claim()).json()["claim_id"]

    assert_problem(admin.post(f"/v1/users/{clerk.user_id}/deactivate", {}), 422, "validation_error")
    assert clerk.get("/v1/users/me").status_code == 200
    r = admin.post(f"/v1/users/{clerk.user_id}/deactivate", {"reason": "调离本单位"})
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["user_id"] == clerk.user_id
    for api in (clerk, spare):
        assert_problem(api.get("/v1/users/me"), 401, "unauthenticated")
    # Never deleted: still readable, its past actions still its own; it cannot be given tokens.
    assert admin.get(f"/v1/users/{clerk.user_id}").json()["active"] is False
    events = staff.auditor.get(f"/v1/claims/{cid}/events").json()["items"]
    assert events[0]["actor"] == clerk.user_id
    assert_problem(admin.post(f"/v1/users/{clerk.user_id}/tokens", {"token_sha256": token_pair()[1]}),
                   409, "invalid_state")
    assert_problem(admin.post(f"/v1/users/{clerk.user_id}/deactivate", {"reason": "again"}), 409, "invalid_state")
    assert_problem(staff.clerk.post(f"/v1/users/{staff.reviewer.user_id}/deactivate", {"reason": "x"}),
                   403, "forbidden")
    assert staff.reviewer.get("/v1/users/me").status_code == 200


# ---- other processes ----------------------------------------------------------------------------


def _refused_within(api: Api, seconds: float) -> float:
    """Poll until the token is refused; how long that took (fails beyond `seconds`)."""
    started = time.monotonic()
    while True:
        r = api.get("/v1/users/me")
        waited = time.monotonic() - started
        if r.status_code == 401:
            return waited
        assert r.status_code == 200, r.text
        assert waited < seconds, f"still accepted {waited:.2f} s after the change"
        time.sleep(0.02)


def test_another_process_refuses_a_revoked_token_within_a_second(settings):
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        admin = Api(one, settings.bootstrap_admin_token)
        clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
        reviewer = make_user(admin, "reviewer", ["reviewer"], ["210100"])
        elsewhere = {name: Api(two, api.token) for name, api in (("clerk", clerk), ("reviewer", reviewer))}
        for api in elsewhere.values():  # now remembered in the second process
            assert api.get("/v1/users/me").status_code == 200
            assert api.get("/v1/users/me").status_code == 200

        assert clerk.delete(f"/v1/users/me/tokens/{_token_ids(admin, clerk)[0]}").status_code == 204
        _refused_within(elsewhere["clerk"], 1.0)
        assert admin.post(f"/v1/users/{reviewer.user_id}/deactivate", {"reason": "离职"}).status_code == 200
        _refused_within(elsewhere["reviewer"], 1.0)


def _token_ids(admin: Api, user: Api) -> list[str]:
    return [t["token_id"] for t in admin.get(f"/v1/users/{user.user_id}").json()["tokens"]]
