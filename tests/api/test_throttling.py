"""API.md: failed authentications beyond LEDGER_AUTH_FAILURES_PER_MINUTE from one client are
429 with Retry-After before any store look-up; LEDGER_RATE_LIMIT_PER_TOKEN caps a token."""
from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from api.app import create_app
from api.throttle import Buckets

from ..support import Api, make_user
from .helpers import assert_problem


class _Clock:
    """Time that moves only when told to: the buckets refill by it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeated_failures_from_one_client_are_429_before_any_look_up(settings):
    with TestClient(create_app(dataclasses.replace(settings, auth_failures_per_minute=5))) as client:
        clock = client.app.state.throttle.failures.clock = _Clock()
        ledger = client.app.state.runtime.ledger
        looked_up = []
        authenticate = ledger.authenticate
        ledger.authenticate = lambda token: (looked_up.append(token), authenticate(token))[1]
        admin = Api(client, settings.bootstrap_admin_token)
        clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
        assert clerk.get("/v1/users/me").status_code == 200
        looked_up.clear()

        for i in range(5):
            assert_problem(Api(client, f"guess-{i}").get("/v1/users/me"), 401, "unauthenticated")
        assert len(looked_up) == 5
        for token in ("guess-5", clerk.token + "x"):
            r = Api(client, token).get("/v1/claims")
            assert_problem(r, 429, "too_many_requests")
            assert int(r.headers["retry-after"]) >= 1
        assert len(looked_up) == 5  # refused before the store was asked
        # Other clients are not affected.
        elsewhere = TestClient(client.app, client=("198.51.100.7", 40000))
        assert_problem(Api(elsewhere, "guess-6").get("/v1/users/me"), 401, "unauthenticated")
        assert Api(elsewhere, settings.bootstrap_admin_token).get("/v1/users/me").status_code == 200
        # After a pause, the client may try again.
        clock.now += 60
        assert_problem(Api(client, "guess-7").get("/v1/users/me"), 401, "unauthenticated")


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
