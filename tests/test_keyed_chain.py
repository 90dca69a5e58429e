"""The keyed chain (API.md, "A keyed chain"): what someone who can write to the database but
holds no key can no longer do, and the operator's side of it: `ledger verify` and `ledger
seal` on a forged append, a store written before LEDGER_CHAIN_KEY (refused at start-up,
adopted once by `ledger chain adopt`), the accounting export, a key rotation, a wrong key,
and the library options that would insert events without their chain."""
from __future__ import annotations

import dataclasses
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.event_store import MissingChainKey
from api.app import create_app
from ledger.access import Actor
from ledger.application import LedgerApplication
from ledger.errors import TooManyRequests
from runtime.cli import cli
from runtime.container import Runtime
from runtime.settings import Settings, SettingsError

from .support import ADMIN_TOKEN, CHAIN_KEY, Api
from .tampering import SEAL_TOPIC, Store
from .test_verify_cli import _env

ADMIN = Actor("admin", "admin", frozenset({"admin"}), ("000000",))
TREASURER = Actor("t", "t", frozenset({"treasurer"}), ("000000",))
NEW_CHAIN_KEY = "d7" * 32
ALLOCATED = "ledger.domain.fund:Fund.Allocated"


def _allocate(rt, document_no: str) -> None:
    rt.ledger.allocate(TREASURER, "employment_subsidy:210000", {
        "amount": "1.00", "source": "other", "document_no": document_no, "effective_date": "2022-12-01"})


@pytest.fixture
def history(settings):
    """A small log with a seal, and two allocations after it."""
    rt = Runtime(settings)
    rt.start(project=False)
    rt.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210000"})
    _allocate(rt, "before-seal")
    rt.ledger.seal("cli")
    _allocate(rt, "after-seal-1")
    _allocate(rt, "after-seal-2")
    rt.close()
    store = Store(settings)
    yield settings, store
    store.close()


def _run(settings, *args, **env):
    result = CliRunner().invoke(cli, list(args), env={**_env(settings), **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def _hundred_million(state: dict) -> None:
    state.update(amount_fen=10_000_000_000, document_no="forged")


def test_a_forged_append_fails_ledger_verify_and_ledger_seal_names_it(history, tmp_path):
    settings, store = history
    position = store.forge_append(store.positions(ALLOCATED)[-1], _hundred_million)
    verified = _run(settings, "verify")
    assert verified.exit_code == 1, verified.output
    assert f"the event at position {position} has no valid MAC" in verified.output
    sealed = _run(settings, "seal")
    assert sealed.exit_code == 1 and f"position {position} has no valid MAC" in sealed.output, sealed.output
    assert len(store.positions(SEAL_TOPIC)) == 1, "nothing was sealed over it"
    journal = tmp_path / "ledger.beancount"
    exported = _run(settings, "export", "--format", "beancount", "--out", str(journal))
    assert exported.exit_code == 1 and f"position {position}" in exported.output, exported.output
    assert not journal.exists(), "the accounting export never carries the forged money"


def test_a_store_written_before_the_key_is_refused_until_adopted_once(history):
    settings, store = history
    store.q(f"UPDATE {store.chain} SET mac = NULL")   # as the previous version wrote it
    with pytest.raises(SettingsError, match="ledger chain adopt"):
        Runtime(settings)
    verified = _run(settings, "verify")
    assert verified.exit_code == 1 and "not adopted yet" in verified.output, verified.output
    # Two events follow the latest seal: nothing signed vouches for them, so the operator must say so.
    refused = _run(settings, "chain", "adopt", "--operator", "ops")
    assert refused.exit_code == 1 and "2 event(s) after the latest seal" in refused.output, refused.output
    assert store.q(f"SELECT COUNT(*) FROM {store.chain} WHERE mac IS NOT NULL")[0][0] == 0, "nothing was written"
    events = len(store.positions())
    adopted = _run(settings, "chain", "adopt", "--operator", "ops", "--accept-after-seal")
    assert adopted.exit_code == 0, adopted.output
    assert f"adopted: {events} MACs written through position {events}" in adopted.output, adopted.output
    rt = Runtime(settings)
    try:
        check = rt.ledger.verify_chain()
        assert check["ok"] and check["macs_ok"], check
        keying = rt.ledger.chain_keying()
        assert keying is not None and keying.adopted_through == check["head_position"] - 1
    finally:
        rt.close()
    # Once only: a row without a MAC after the adoption is a forgery, never adopted.
    position = store.forge_append(store.positions(ALLOCATED)[-1], _hundred_million)
    again = _run(settings, "chain", "adopt", "--accept-after-seal")
    assert again.exit_code == 1 and "adopted already" in again.output
    assert _run(settings, "verify").exit_code == 1
    assert store.q(f"SELECT mac FROM {store.chain} WHERE position = ?", (position,))[0][0] is None


def test_adoption_refuses_a_log_rewritten_before_its_seal(history):
    settings, store = history
    store.q(f"UPDATE {store.chain} SET mac = NULL")
    target = store.positions(ALLOCATED)[0]
    store.edit_event_data(target, _hundred_million)
    store.recompute_chain(target)   # the public chain holds again; the seal does not
    refused = _run(settings, "chain", "adopt", "--accept-after-seal")
    assert refused.exit_code == 1 and "differs from the seal" in refused.output, refused.output
    assert store.q(f"SELECT COUNT(*) FROM {store.chain} WHERE mac IS NOT NULL")[0][0] == 0


def test_a_rotation_checks_every_mac_under_the_old_key_then_rewrites_them(history, tmp_path):
    settings, store = history
    old = tmp_path / "old-chain.key"
    old.write_text(CHAIN_KEY)
    with pytest.raises(SettingsError, match="does not verify the MAC of the log's first event"):
        Runtime(dataclasses.replace(settings, chain_key=NEW_CHAIN_KEY))
    # A forged row stops the rotation: it is never given a MAC under the new key.
    position = store.forge_append(store.positions(ALLOCATED)[-1], _hundred_million)
    refused = _run(settings, "chain", "rotate", "--old-key-file", str(old), LEDGER_CHAIN_KEY=NEW_CHAIN_KEY)
    assert refused.exit_code == 1 and f"position {position} has no valid MAC" in refused.output, refused.output
    store.delete(position)
    rotated = _run(settings, "chain", "rotate", "--old-key-file", str(old), LEDGER_CHAIN_KEY=NEW_CHAIN_KEY)
    assert rotated.exit_code == 0 and "rotated:" in rotated.output, rotated.output
    rt = Runtime(dataclasses.replace(settings, chain_key=NEW_CHAIN_KEY))
    try:
        check = rt.ledger.verify_chain()
        assert check["ok"] and check["macs_ok"] and rt.ledger.chain_keying().rotations == 1, check
    finally:
        rt.close()
    with pytest.raises(SettingsError, match="does not verify"):
        Runtime(settings)   # the old key no longer opens it


def test_no_event_is_written_without_the_key(settings):
    Runtime(settings).close()
    app = LedgerApplication(env=settings.event_store_env())   # the ledger's recorder, no chain key
    try:
        head = app.recorder.max_notification_id()
        with pytest.raises(MissingChainKey):
            app.recorder.insert_events([StoredEvent(uuid4(), 1, "x:y", b"{}")])
        assert app.recorder.max_notification_id() == head
    finally:
        app.close()


def test_forced_seals_are_bounded_too(settings):
    rt = Runtime(settings)
    try:
        rt.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210000"})
        for i in range(6):
            _allocate(rt, f"between-seals-{i}")
            rt.ledger.seal(ADMIN, force=True)
        with pytest.raises(TooManyRequests) as refused:
            rt.ledger.seal(ADMIN, force=True)
        assert "forced in the last hour" in refused.value.detail and refused.value.retry_after_s > 60
        rt.ledger.seal("cli", force=True)   # the operator, on the ledger's machine with its key
    finally:
        rt.close()


def test_one_verification_at_a_time_over_the_api(settings):
    with TestClient(create_app(settings)) as client:
        admin = Api(client, ADMIN_TOKEN)
        ledger = client.app.state.runtime.ledger
        assert admin.get("/v1/audit/verify").status_code == 200
        with ledger._walk_lock:   # a verification running in another request
            r = admin.get("/v1/audit/verify", full="true")
        assert r.status_code == 429 and r.json()["code"] == "too_many_requests" and "Retry-After" in r.headers
        assert admin.get("/v1/audit/verify", full="true").json()["ok"]
        other = Runtime(settings)   # another worker of the same ledger, verifying meanwhile
        try:
            assert other.ledger.verification_lock.try_lead()
            r = admin.get("/v1/audit/verify")
            assert r.status_code == 429 and "another process" in r.json()["detail"], r.text
            other.ledger.verification_lock.resign()
            assert admin.get("/v1/audit/verify").status_code == 200
        finally:
            other.close()


def test_the_librarys_database_functions_are_refused(settings, monkeypatch):
    with pytest.raises(SettingsError, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        Settings.from_env({"POSTGRES_ENABLE_DB_FUNCTIONS": "y"})
    if settings.backend != "postgres":
        return
    # Set in the process environment, the library would have taken it: the ledger reads its
    # store's options from its Settings alone, so every event still gets its chain row.
    monkeypatch.setenv("POSTGRES_ENABLE_DB_FUNCTIONS", "y")
    monkeypatch.setenv("LEDGER_POSTGRES_ENABLE_DB_FUNCTIONS", "y")
    rt = Runtime(settings)
    try:
        rt.start(project=False)
        rt.ledger.seal("cli")
        check = rt.ledger.verify_chain()
        assert check["ok"] and check["events_checked"] == rt.ledger.head_position() > 0, check
    finally:
        rt.close()
    with pytest.raises(ValueError, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        LedgerApplication(env={**settings.event_store_env(), "POSTGRES_ENABLE_DB_FUNCTIONS": "y"})


def test_an_events_table_name_whose_chain_names_would_be_cut_is_refused(settings):
    if settings.backend != "postgres":
        pytest.skip("PostgreSQL's identifier limit")
    from eventsourcing.postgres import PostgresDatastore

    from adapters.event_store import ServingPostgresRecorder

    info = settings.pg_conninfo()
    datastore = PostgresDatastore(info["dbname"], info["host"], info["port"], info["user"], info["password"],
                                  schema=settings.pg_schema)
    try:
        with pytest.raises(ValueError, match="too long"):
            ServingPostgresRecorder(datastore, events_table_name="e" * 50)
        ServingPostgresRecorder(datastore, events_table_name="e" * 49)
    finally:
        datastore.close()


def test_a_chain_table_from_before_the_keyed_chain_gets_its_mac_column_then_awaits_adoption(history):
    settings, store = history
    store.q(f"ALTER TABLE {store.chain} DROP COLUMN mac")   # the table as the previous version made it
    with pytest.raises(SettingsError, match="ledger chain adopt"):
        Runtime(settings)
    assert store.q(f"SELECT COUNT(*) FROM {store.chain} WHERE mac IS NULL")[0][0] == len(store.positions())
    assert _run(settings, "chain", "adopt", "--accept-after-seal").exit_code == 0
    rt = Runtime(settings)
    try:
        assert rt.ledger.verify_chain()["macs_ok"]
    finally:
        rt.close()


def test_a_mac_is_hmac_sha256_of_the_chain_hash_under_the_key_from_any_thread():
    """What an auditor with the key recomputes with any HMAC tool; the keyed state is shared
    by the writer's and the projector's threads, so every thread must get the same answers."""
    import hashlib
    import hmac
    from concurrent.futures import ThreadPoolExecutor

    from ledger.audit.chain import ChainMac

    key = bytes(range(32))
    chain_mac = ChainMac(key)
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(2_000)]
    expected = [hmac.new(key, h.encode("ascii"), hashlib.sha256).hexdigest() for h in hashes]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(chain_mac.mac, hashes)) == expected
    assert all(chain_mac.valid(h, m) for h, m in zip(hashes[:10], expected))
    assert not chain_mac.valid(hashes[0], expected[1]) and not chain_mac.valid(hashes[0], None)
