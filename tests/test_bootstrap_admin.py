"""LEDGER_BOOTSTRAP_ADMIN_TOKEN: long enough or no start; it never expires, and a new value
retires the previous one at start-up (an event), once, however many workers start together."""
from __future__ import annotations

import dataclasses
import threading
from uuid import UUID

import pytest

from ledger.domain.users import BOOTSTRAP_ADMIN_ID
from ledger.errors import InvalidState, Unauthenticated
from runtime.container import Runtime
from runtime.settings import Settings, SettingsError

from .support import ADMIN_TOKEN, new_user

NEW_TOKEN = "a-new-bootstrap-token-for-the-province-0001"
REGISTERED = "ledger.domain.users:User.Registered"


def _start(settings: Settings, token: str | None) -> Runtime:
    rt = Runtime(dataclasses.replace(settings, bootstrap_admin_token=token))
    rt.start(project=False)
    return rt


def _events(rt: Runtime, aggregate_id) -> list:
    return list(rt.app.events.get(UUID(str(aggregate_id))))


def test_a_changed_token_retires_the_previous_one_and_keeps_the_admin(settings):
    rt = _start(settings, ADMIN_TOKEN)
    admin_id = rt.ledger.authenticate(ADMIN_TOKEN).user_id
    rt.close()

    rt = _start(settings, NEW_TOKEN)
    try:
        with pytest.raises(Unauthenticated):
            rt.ledger.authenticate(ADMIN_TOKEN)
        admin = rt.ledger.authenticate(NEW_TOKEN)
        assert admin.user_id == admin_id and admin.regions == ("000000",)
        tokens = rt.ledger.user_document(admin, admin_id)["tokens"]
        assert [(t["revoked"], t["expires_at"]) for t in tokens] == [(True, None), (False, None)]
        revoked = [e for e in _events(rt, admin_id) if type(e).__name__ == "TokenRevoked"]
        assert [(e.actor, e.reason) for e in revoked] == [("system", "LEDGER_BOOTSTRAP_ADMIN_TOKEN changed")]
        recorded = rt.ledger.head_position()
    finally:
        rt.close()

    rt = _start(settings, NEW_TOKEN)  # the same value again: nothing to do, nothing recorded
    assert rt.ledger.head_position() == recorded
    assert rt.ledger.authenticate(NEW_TOKEN).user_id == admin_id
    rt.close()

    rt = _start(settings, ADMIN_TOKEN)  # back to an earlier value: it works again, the other does not
    try:
        assert rt.ledger.authenticate(ADMIN_TOKEN).user_id == admin_id
        with pytest.raises(Unauthenticated):
            rt.ledger.authenticate(NEW_TOKEN)
        assert len(rt.app.repository.get(UUID(admin_id)).live_token_ids()) == 1
    finally:
        rt.close()


def test_workers_starting_together_appoint_and_rekey_once(settings):
    for token, pointer_version in ((ADMIN_TOKEN, 1), (NEW_TOKEN, 2)):
        runtimes = [Runtime(dataclasses.replace(settings, bootstrap_admin_token=token)) for _ in range(3)]
        barrier, errors = threading.Barrier(len(runtimes)), []

        def start(rt: Runtime) -> None:
            barrier.wait()
            try:
                rt.start(project=False)
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(rt,)) for rt in runtimes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        try:
            assert errors == []
            pointer = runtimes[0].app.repository.get(BOOTSTRAP_ADMIN_ID)
            assert pointer.version == pointer_version
            assert len(list(runtimes[0].ledger.stored_events(topics=(REGISTERED,)))) == 1
            assert len(runtimes[0].app.repository.get(UUID(pointer.user_id)).live_token_ids()) == 1
            assert {rt.ledger.authenticate(token).user_id for rt in runtimes} == {pointer.user_id}
        finally:
            for rt in runtimes:
                rt.close()


def test_a_revoked_or_deactivated_bootstrap_admin_stays_so_until_the_value_changes(settings):
    rt = _start(settings, ADMIN_TOKEN)
    admin = rt.ledger.authenticate(ADMIN_TOKEN)
    _other, other_token = new_user(rt.ledger, admin, "second national admin", ["admin"], ["000000"])
    other_admin = rt.ledger.authenticate(other_token)
    rt.ledger.deactivate_user(other_admin, admin.user_id, {"reason": "the bootstrap admin is retired"})
    rt.close()

    rt = _start(settings, ADMIN_TOKEN)
    with pytest.raises(Unauthenticated):
        rt.ledger.authenticate(ADMIN_TOKEN)
    rt.close()

    rt = _start(settings, NEW_TOKEN)  # a new value appoints a new bootstrap admin
    try:
        appointed = rt.ledger.authenticate(NEW_TOKEN)
        assert appointed.user_id != admin.user_id and appointed.roles == frozenset({"admin"})
        assert len(list(rt.ledger.stored_events(topics=(REGISTERED,)))) == 3
    finally:
        rt.close()


def test_another_users_token_is_refused_as_the_bootstrap_token(settings):
    rt = _start(settings, ADMIN_TOKEN)
    _clerk, clerk_token = new_user(rt.ledger, rt.ledger.authenticate(ADMIN_TOKEN), "clerk", ["clerk"], ["210100"])
    rt.close()
    rt = Runtime(dataclasses.replace(settings, bootstrap_admin_token=clerk_token))
    try:
        with pytest.raises(InvalidState, match="set a new value"):
            rt.start(project=False)
        assert rt.ledger.authenticate(clerk_token).roles == frozenset({"clerk"})
    finally:
        rt.close()


def test_a_short_or_unsendable_bootstrap_token_refuses_to_start():
    for token in ("x" * 31, "short", "a" * 20 + " " + "b" * 20, "令牌" * 20):
        with pytest.raises(SettingsError, match="at least 32 .*ledger keygen"):
            Settings.from_env({"LEDGER_BOOTSTRAP_ADMIN_TOKEN": token})
        with pytest.raises(SettingsError, match="ledger keygen"):
            Settings(bootstrap_admin_token=token)
    # 32 characters are enough; the tests', the smoke client's and scripts/serve's are longer.
    for token in ("x" * 32, ADMIN_TOKEN, NEW_TOKEN, "k" * 44):
        assert Settings.from_env({"LEDGER_BOOTSTRAP_ADMIN_TOKEN": token}).bootstrap_admin_token == token
    assert Settings.from_env({}).bootstrap_admin_token is None


@pytest.mark.parametrize("variable, value", [
    ("LEDGER_TOKEN_TTL_DAYS", "0"), ("LEDGER_TOKEN_TTL_DAYS", "ninety"), ("LEDGER_AUTH_FAILURES_PER_MINUTE", "0"),
    ("LEDGER_RATE_LIMIT_PER_TOKEN", "-1"), ("LEDGER_RATE_LIMIT_PER_TOKEN", "nan"),
])
def test_token_settings_out_of_range_refuse_to_start(variable, value):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_token_settings_have_the_contracts_defaults():
    settings = Settings.from_env({})
    assert (settings.token_ttl_days, settings.auth_failures_per_minute, settings.rate_limit_per_token) == (90, 30, None)
    settings = Settings.from_env({"LEDGER_TOKEN_TTL_DAYS": "7", "LEDGER_AUTH_FAILURES_PER_MINUTE": "5",
                                  "LEDGER_RATE_LIMIT_PER_TOKEN": "2.5"})
    assert (settings.token_ttl_days, settings.auth_failures_per_minute, settings.rate_limit_per_token) == (7, 5, 2.5)
