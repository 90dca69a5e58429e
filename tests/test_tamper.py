"""Tampering with the stored log, on the real database: a changed byte, a deleted event,
an inserted one, two swapped, a rewritten event whose chain was recomputed without the
signing key, a tail cut off with its chain rows and seals, an amount rewritten with the
chain recomputed and every seal deleted, an event that cannot be decoded, and a forged
allocation appended with its public chain row by someone without LEDGER_CHAIN_KEY. Each is
caught at the right position, or (a cut tail, and a rewrite by an insider who also holds
the chain key) shown to need an anchor."""
from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.access import Actor
from ledger.audit.anchors import Anchor
from ledger.audit.chain import link
from ledger.errors import InvalidState, UnauthenticEvent
from runtime.container import Runtime
from runtime.demo import load_demo_data

from .support import ADMIN_TOKEN, CHAIN_KEY, Api, make_user
from .tampering import SEAL_TOPIC, Store

AUDITOR = Actor("auditor", "auditor", frozenset({"auditor"}), ("000000",))
TREASURER = Actor("t", "t", frozenset({"treasurer"}), ("000000",))


@pytest.fixture
def ledger_with_history(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    load_demo_data(rt.ledger, claims_per_city=6)
    seal = rt.ledger.seal("auditor")
    # More events after the seal, so tampering can land on either side of it.
    for i in range(5):
        rt.ledger.allocate(TREASURER, "employment_subsidy:210000", {
            "amount": "1.00", "source": "other", "document_no": f"after-seal-{i}", "effective_date": "2022-12-01"})
    check = rt.ledger.verify_chain()
    assert check["ok"] and check["seals"][0]["ok"] and check["seals"][0]["problem"] is None, check
    store = Store(settings)
    yield rt, store, seal
    store.close()
    rt.close()


def test_a_changed_byte_is_caught_at_its_position(ledger_with_history):
    rt, store, _ = ledger_with_history
    position = random.Random(1).choice(store.positions()[1:-1])
    state = bytearray(bytes(store.row(position)[3]))
    state[len(state) // 2] ^= 0x01
    store.set_state(position, bytes(state))
    check = rt.ledger.verify_chain()
    assert not check["ok"] and check["first_bad_position"] == position
    assert "stored bytes" in check["problem"]


def test_a_deleted_event_is_caught_at_its_position(ledger_with_history):
    rt, store, _ = ledger_with_history
    position = store.positions()[7]
    store.q(f"DELETE FROM {store.events} WHERE {store.id} = ?", (position,))
    check = rt.ledger.verify_chain()
    assert not check["ok"] and check["first_bad_position"] == position and "deleted" in check["problem"]


def test_an_inserted_event_is_caught_at_its_position(ledger_with_history):
    rt, store, _ = ledger_with_history
    head = store.positions()[-1]
    oid, version, topic, state = store.row(head)
    forged = (oid, version + 1000, topic, bytes(state))
    store.q(f"INSERT INTO {store.events} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)", forged)
    check = rt.ledger.verify_chain()
    assert not check["ok"] and check["first_bad_position"] == store.positions()[-1]
    assert "inserted" in check["problem"]


def test_two_swapped_events_are_caught_at_the_first(ledger_with_history):
    rt, store, _ = ledger_with_history
    a, b = store.positions()[3], store.positions()[11]
    row_a, row_b = store.row(a), store.row(b)
    # Move both out of the way of the primary key, then put each in the other's place.
    for position, (oid, version, topic, state) in ((a, row_a), (b, row_b)):
        store.q(f"UPDATE {store.events} SET originator_version = ? WHERE {store.id} = ?", (-position, position))
    for position, (oid, version, topic, state) in ((a, row_b), (b, row_a)):
        store.q(f"UPDATE {store.events} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
                f"WHERE {store.id} = ?", (oid, version, topic, bytes(state), position))
    check = rt.ledger.verify_chain()
    assert not check["ok"] and check["first_bad_position"] == a


def test_a_rewritten_event_with_a_recomputed_chain_is_caught_by_the_seal(ledger_with_history):
    rt, store, seal = ledger_with_history
    position = store.positions()[5]
    assert position < seal.position
    oid, version, topic, state = store.row(position)
    changed = bytearray(bytes(state))
    changed[-2] ^= 0x01
    store.set_state(position, bytes(changed))
    # The attacker recomputes every hash from there on: the chain itself is consistent again...
    prev = store.q(f"SELECT prev_hash FROM {store.chain} WHERE position = ?", (position,))[0][0]
    for p in [p for p in store.positions() if p >= position]:
        oid, version, topic, state = store.row(p)
        digest = link(prev, p, oid, version, topic, bytes(state))
        store.q(f"UPDATE {store.chain} SET hash = ?, prev_hash = ? WHERE position = ?", (digest, prev, p))
        prev = digest
    check = rt.ledger.verify_chain()
    # ...but the signed seal still names the old hash at its position.
    assert not check["ok"] and check["first_bad_position"] == seal.position
    assert "rewritten at or before" in check["problem"]
    assert [s["ok"] for s in check["seals"]] == [False]


def _verify_over_http(settings, **anchor) -> dict:
    with TestClient(create_app(settings)) as client:
        r = client.get("/v1/audit/verify", params=anchor, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_tail_cut_off_with_its_chain_and_seals_needs_an_anchor_to_be_caught(ledger_with_history):
    rt, store, _ = ledger_with_history
    newest = rt.ledger.seal("cli", force=True)   # as `ledger seal --anchor FILE` does
    anchor = Anchor.from_seal(newest)      # kept off the ledger's machine
    # The insider removes the last events, the newest seal among them, with their chain rows.
    for position in store.positions()[-4:]:
        store.delete(position)
    # The log that is left checks out on its own: nothing in it says it was longer. This is
    # why anchors exist: without one, a truncation cannot be caught.
    alone = rt.ledger.verify_chain()
    assert alone["ok"] and alone["seals"] and all(s["ok"] for s in alone["seals"]), alone
    check = rt.ledger.verify_chain(anchors=[anchor])
    assert not check["ok"] and check["chain_ok"]
    assert check["first_bad_position"] == anchor.position
    assert "tail was removed" in check["problem"] and f"before the anchored position {anchor.position}" in check[
        "problem"]
    over_http = _verify_over_http(store.settings, expect_position=anchor.position, expect_hash=anchor.hash)
    assert not over_http["ok"] and "tail was removed" in over_http["problem"]
    assert over_http["anchors"] == [{"position": anchor.position, "hash": anchor.hash, "source": None, "ok": False,
                                     "problem": over_http["problem"]}]


def test_an_amount_rewritten_with_the_chain_recomputed_and_the_seals_deleted_is_caught_by_an_anchor(
        ledger_with_history):
    rt, store, seal = ledger_with_history
    anchor = Anchor.from_seal(seal)
    allocations = store.positions("ledger.domain.fund:Fund.Allocated")
    target = allocations[0]
    assert target < seal.position

    def inflate(state: dict) -> None:
        state["amount_fen"] += 10_000_000_000

    store.edit_event_data(target, inflate)
    for position in store.positions(SEAL_TOPIC):
        store.delete(position)
    store.recompute_chain(target)
    # Without the chain key the recomputed rows have no MAC: the keyed chain names the first.
    keyed = _verify_over_http(store.settings)
    assert not keyed["ok"] and keyed["chain_ok"] and keyed["macs_ok"] is False
    assert keyed["first_bad_position"] == target and "no valid MAC" in keyed["problem"]
    # An insider who also holds the chain key (it is kept off the database's machine, but say
    # it leaked): without an anchor the rewritten log verifies, no seal being left.
    store.recompute_chain(target, chain_key=CHAIN_KEY)
    assert _verify_over_http(store.settings)["ok"]
    check = _verify_over_http(store.settings, expect_position=anchor.position, expect_hash=anchor.hash)
    assert not check["ok"] and check["chain_ok"] and check["first_bad_position"] == anchor.position
    assert "differs from the anchor" in check["problem"]


def test_the_anchor_parameters_are_checked(ledger_with_history):
    rt, store, seal = ledger_with_history
    with TestClient(create_app(store.settings)) as client:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        for params, field in (({"expect_position": seal.position}, "expect_hash"),
                              ({"expect_hash": seal.hash}, "expect_position"),
                              ({"expect_position": seal.position, "expect_hash": "zz" * 32}, "expect_hash"),
                              ({"expect_position": 0, "expect_hash": seal.hash}, "expect_position")):
            r = client.get("/v1/audit/verify", params=params, headers=headers)
            assert r.status_code == 422 and r.json()["code"] == "validation_error", (params, r.text)
            assert field in r.json().get("field", "") or field in r.json()["detail"], (params, r.text)
        r = client.get("/v1/audit/verify", params={"expect_position": seal.position, "expect_hash": seal.hash},
                       headers=headers)
        assert r.status_code == 200 and r.json()["ok"] and r.json()["anchors"][0]["ok"], r.text


def test_an_event_that_cannot_be_decoded_is_a_failed_check_with_its_position_not_an_error(ledger_with_history):
    rt, store, seal = ledger_with_history
    recorded_at = store.positions(SEAL_TOPIC)[0]
    store.set_state(recorded_at, b"\xff not what the ledger wrote")
    store.recompute_chain(recorded_at, chain_key=CHAIN_KEY)   # so only the decoding can tell
    with TestClient(create_app(store.settings)) as client:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        r = client.get("/v1/audit/verify", headers=headers)
        assert r.status_code == 200, r.text
        check = r.json()
        assert not check["ok"] and check["chain_ok"] and check["first_bad_position"] == recorded_at
        assert check["problem"] == f"the seal recorded at position {recorded_at} cannot be decoded"
        assert check["undecodable"] == {"count": 1, "positions": [recorded_at]}
        # The events stay listed (the undecodable one marked), so the log can be paged through.
        listed = client.get("/v1/audit/events", params={"after_position": recorded_at - 1, "limit": 1},
                            headers=headers).json()["items"]
        assert listed[0]["position"] == recorded_at and listed[0]["type"] == "undecodable"


def test_any_event_that_cannot_be_decoded_fails_verification_at_its_position(ledger_with_history):
    """Garbage under a recomputed chain: the chain holds, but the aggregate can no longer be
    loaded, so verification says where."""
    rt, store, seal = ledger_with_history
    position = store.positions()[-2]   # after the seal, which would catch a rewrite before it
    assert position > seal.position
    store.set_state(position, b'{"truncated":')
    store.recompute_chain(position, chain_key=CHAIN_KEY)   # as if a defect had written it
    check = _verify_over_http(store.settings)
    assert not check["ok"] and check["chain_ok"] and check["first_bad_position"] == position
    assert check["problem"] == f"the event at position {position} cannot be decoded"


def test_a_forged_allocation_appended_with_its_public_chain_row_is_reported_never_sealed_and_never_used(
        ledger_with_history):
    """Someone who can write to the database but holds no key appends Fund.Allocated of
    100,000,000.00 with a chain row computed by `ledger.audit.chain.link`, in one transaction
    holding the table lock: the public chain is intact, the keyed chain is not."""
    rt, store, seal = ledger_with_history
    like = store.positions("ledger.domain.fund:Fund.Allocated")[-1]   # employment_subsidy:210000's

    def hundred_million(state: dict) -> None:
        state.update(amount_fen=10_000_000_000, document_no="forged-1")

    position = store.forge_append(like, hundred_million, mac="00" * 32)
    check = rt.ledger.verify_chain()
    assert check["chain_ok"] and check["macs_ok"] is False and not check["ok"]
    assert check["first_bad_position"] == position and "no valid MAC" in check["problem"]
    with pytest.raises(InvalidState, match=f"position {position} has no valid MAC"):
        rt.ledger.seal("cli", force=True)
    with pytest.raises(UnauthenticEvent):
        rt.ledger.allocate(TREASURER, "employment_subsidy:210000", {
            "amount": "1.00", "source": "other", "document_no": "after-forgery", "effective_date": "2022-12-01"})
    with TestClient(create_app(store.settings)) as client:
        admin = Api(client, ADMIN_TOKEN)
        treasurer = make_user(admin, "treasurer", ["treasurer"], ["210000"])
        r = treasurer.post("/v1/funds/employment_subsidy:210000/allocations", {
            "amount": "1.00", "source": "other", "document_no": "after-forgery-2", "effective_date": "2022-12-01"})
        assert r.status_code == 503 and r.json()["code"] == "unavailable", r.text
        # The read models stop before it: the forged money is never shown as available.
        shown = treasurer.get("/v1/funds/employment_subsidy:210000")
        assert shown.status_code == 503 and shown.json()["code"] == "unavailable", shown.text
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "degraded"
        assert any(f"log position {position}" in alert for alert in ready.json()["alerts"])
        assert any(p["state"] == "stopped" and p["stopped_at"] == position for p in ready.json()["projections"])
        verify = admin.get("/v1/audit/verify", full="true").json()
        assert verify["macs_ok"] is False and verify["first_bad_position"] == position
        sealed = admin.post("/v1/audit/seals", {"force": True})
        assert sealed.status_code == 409 and f"position {position} has no valid MAC" in sealed.json()["detail"]


def test_an_incremental_verification_walks_from_the_first_event_when_a_head_found_good_was_rewritten(
        ledger_with_history):
    rt, store, seal = ledger_with_history
    assert rt.ledger.verify_chain(full=True)["ok"]
    rt.ledger.allocate(TREASURER, "employment_subsidy:210000", {
        "amount": "1.00", "source": "other", "document_no": "after-check", "effective_date": "2022-12-01"})
    quick = rt.ledger.verify_chain(full=False)
    assert quick["ok"] and not quick["full"] and quick["events_checked"] < 5, quick
    target = store.positions("ledger.domain.fund:Fund.Allocated")[0]

    def inflate(state: dict) -> None:
        state["amount_fen"] += 10_000_000_000

    store.edit_event_data(target, inflate)
    store.recompute_chain(target, chain_key=CHAIN_KEY)   # even with the key: the head found good has changed
    check = rt.ledger.verify_chain(full=False)
    assert check["full"] and check["from_position"] == 0 and not check["ok"], check
    assert check["first_bad_position"] == seal.position and "rewritten at or before" in check["problem"]
