"""Tampering with the stored log, on the real database: a changed byte, a deleted event,
an inserted one, two swapped, and a rewritten event whose chain was recomputed without
the signing key. Each is caught at the right position."""
from __future__ import annotations

import random
import sqlite3

import psycopg
import pytest

from ledger.access import Actor
from ledger.audit.chain import link
from runtime.container import Runtime
from runtime.demo import load_demo_data

AUDITOR = Actor("auditor", "auditor", frozenset({"auditor"}), ("000000",))


class Store:
    """Raw access to the event table and its chain, as an attacker with database access has."""

    def __init__(self, settings):
        self.settings = settings
        if settings.backend == "sqlite":
            self.conn = sqlite3.connect(settings.sqlite_path, isolation_level=None)
            self.events, self.chain, self.id, self.p = "stored_events", "event_chain", "rowid", "?"
        else:
            self.conn = psycopg.connect(**settings.pg_conninfo(), autocommit=True)
            schema = settings.pg_schema
            self.events, self.chain = f'"{schema}".ledger_events', f'"{schema}".ledger_events_chain'
            self.id, self.p = "notification_id", "%s"

    def q(self, sql: str, params=()):
        cur = self.conn.execute(sql.replace("?", self.p), params)
        return cur.fetchall() if cur.description else None

    def row(self, position: int):
        return self.q(f"SELECT originator_id, originator_version, topic, state FROM {self.events} WHERE {self.id} = ?",
                      (position,))[0]

    def positions(self) -> list[int]:
        return [r[0] for r in self.q(f"SELECT {self.id} FROM {self.events} ORDER BY {self.id}")]

    def set_state(self, position: int, state: bytes) -> None:
        self.q(f"UPDATE {self.events} SET state = ? WHERE {self.id} = ?", (state, position))

    def close(self):
        self.conn.close()


@pytest.fixture
def ledger_with_history(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    load_demo_data(rt.ledger, claims_per_city=6)
    seal = rt.ledger.seal("auditor")
    # More events after the seal, so tampering can land on either side of it.
    treasurer = Actor("t", "t", frozenset({"treasurer"}), ("000000",))
    for i in range(5):
        rt.ledger.allocate(treasurer, "employment_subsidy:210000", {
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
