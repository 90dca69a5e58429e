"""API.md: failed authentications beyond LEDGER_AUTH_FAILURES_PER_MINUTE from one client
address are 429 with Retry-After, while a valid token from that address still works;
X-Forwarded-For counts only from a trusted proxy; LEDGER_RATE_LIMIT_PER_TOKEN caps a token."""
from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.throttle import Buckets
from runtime.settings import Settings, SettingsError

from ..support import Api, make_user
from .helpers import assert_problem


class _Clock:
    """Time that moves only when told to: the buckets refill by it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_beyond_the_allowance_are_429_but_a_valid_token_from_that_address_still_works(settings):
    """A bureau behind one NAT: one bad script must not lock out everybody at that address."""
    with TestClient(create_app(dataclasses.replace(settings, auth_failures_per_minute=5))) as client:
        clock = client.app.state.throttle.failures.clock = _Clock()
        ledger = client.app.state.runtime.ledger
        admin = Api(client, settings.bootstrap_admin_token)
        clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
        reviewer = make_user(admin, "reviewer", ["reviewer"], ["210100"])
        assert clerk.get("/v1/users/me").status_code == 200

        for i in range(5):
            assert_problem(Api(client, f"guess-{i}").get("/v1/users/me"), 401, "unauthenticated")
        for token in ("guess-5", clerk.token + "x"):
            r = Api(client, token).get("/v1/claims")
            assert_problem(r, 429, "too_many_requests")
            assert int(r.headers["retry-after"]) >= 1
        # Valid tokens from the same address: one checked a moment ago, and one this process
        # has never seen (checked in the store, as every token is when not remembered).
        ledger._sessions.clear()
        assert clerk.get("/v1/users/me").status_code == 200
        assert reviewer.get("/v1/claims").status_code == 200
        assert clerk.get("/v1/claims").status_code == 200
        assert_problem(Api(client, "guess-6").get("/v1/users/me"), 429, "too_many_requests")
        # Other clients are not affected.
        elsewhere = TestClient(client.app, client=("198.51.100.7", 40000))
        assert_problem(Api(elsewhere, "guess-6").get("/v1/users/me"), 401, "unauthenticated")
        assert Api(elsewhere, settings.bootstrap_admin_token).get("/v1/users/me").status_code == 200
        # After a pause, the client may try again.
        clock.now += 60
        assert_problem(Api(client, "guess-7").get("/v1/users/me"), 401, "unauthenticated")


def test_x_forwarded_for_names_the_client_only_behind_a_trusted_proxy(settings):
    proxied = dataclasses.replace(settings, auth_failures_per_minute=2, trusted_proxies=("10.0.0.0/8",))
    with TestClient(create_app(proxied), client=("10.1.2.3", 40000)) as client:
        client.app.state.throttle.failures.clock = _Clock()

        def guess(test_client, forwarded_for):
            return Api(test_client, "guess").get("/v1/users/me", headers={"X-Forwarded-For": forwarded_for})

        # Behind the proxy: each client behind it has its own allowance, taken from the
        # nearest untrusted hop (what the client itself wrote further left is ignored).
        for _ in range(2):
            assert guess(client, "203.0.113.9").status_code == 401
        assert guess(client, "203.0.113.9").status_code == 429
        assert guess(client, "198.51.100.1, 203.0.113.9, 10.0.0.7").status_code == 429
        assert guess(client, "203.0.113.10").status_code == 401
        # A peer that is not a trusted proxy cannot pick its address by sending the header.
        direct = TestClient(client.app, client=("192.0.2.44", 40000))
        for forwarded_for in ("203.0.113.50", "203.0.113.51"):
            assert guess(direct, forwarded_for).status_code == 401
        assert guess(direct, "203.0.113.52").status_code == 429


def test_trusted_proxies_are_addresses_or_networks():
    with pytest.raises(SettingsError, match="LEDGER_TRUSTED_PROXIES"):
        Settings.from_env({"LEDGER_TRUSTED_PROXIES": "10.0.0.1,proxy.example"})
    assert Settings.from_env({"LEDGER_TRUSTED_PROXIES": " 10.0.0.1, 10.1.0.0/16 "}).trusted_proxies == (
        "10.0.0.1", "10.1.0.0/16")


def test_a_token_is_capped_when_a_rate_is_configured(settings):
    with TestClient(create_app(dataclasses.replace(settings, rate_limit_per_token=2))) as client:
        clock = client.app.state.throttle.per_token.clock = _Clock()
        admin = Api(client, settings.bootstrap_admin_token)
        clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
        statuses = [clerk.get("/v1/users/me").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        r = clerk.get("/v1/programs")
        assert_problem(r, 429, "too_many_requests")
        assert r.headers["retry-after"] == "1"
        assert admin.get("/v1/users/me").status_code == 200  # another token has its own allowance
        clock.now += 1
        assert [clerk.get("/v1/users/me").status_code for _ in range(3)] == [200, 200, 429]


def test_tokens_are_not_capped_by_default(client, admin):
    assert client.app.state.throttle.per_token is None
    assert {admin.get("/v1/users/me").status_code for _ in range(60)} == {200}


def test_the_buckets_stay_bounded_under_a_flood_of_clients():
    buckets = Buckets(3, 3 / 60, max_keys=100)
    for i in range(5_000):
        buckets.take(f"203.0.113.{i}")
    assert len(buckets) == 100
    for _ in range(3):
        assert buckets.take("198.51.100.1") == 0
    assert buckets.take("198.51.100.1") == 20 and buckets.wait("198.51.100.1") == 20
