"""What an insider with write access to the database can do, on both backends: edit, delete
and insert rows of the event table, recompute the public hash chain, append a forged event
with its chain row inside one transaction holding the table lock, edit snapshots and read
models. Everything but a key kept outside the database (LEDGER_CHAIN_KEY among them: where
a test gives the insider that key too, it says so)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import psycopg

from ledger.audit.chain import ChainMac, link

SEAL_TOPIC = "ledger.domain.seals:ChainSeal.Sealed"


class Store:
    def __init__(self, settings):
        self.settings = settings
        if settings.backend == "sqlite":
            self.conn = sqlite3.connect(settings.sqlite_path, isolation_level=None)
            self.events, self.chain, self.id, self.p = "stored_events", "event_chain", "rowid", "?"
            self.snapshots = "stored_snapshots"
        else:
            self.conn = psycopg.connect(**settings.pg_conninfo(), autocommit=True)
            schema = settings.pg_schema
            self.events, self.chain = f'"{schema}".ledger_events', f'"{schema}".ledger_events_chain'
            self.snapshots = f'"{schema}".ledger_snapshots'
            self.id, self.p = "notification_id", "%s"

    def q(self, sql: str, params=()):
        cur = self.conn.execute(sql.replace("?", self.p), params)
        return cur.fetchall() if cur.description else None

    def row(self, position: int):
        return self.q(f"SELECT originator_id, originator_version, topic, state FROM {self.events} WHERE {self.id} = ?",
                      (position,))[0]

    def positions(self, topic: str | None = None) -> list[int]:
        if topic is None:
            return [r[0] for r in self.q(f"SELECT {self.id} FROM {self.events} ORDER BY {self.id}")]
        return [r[0] for r in self.q(f"SELECT {self.id} FROM {self.events} WHERE topic = ? ORDER BY {self.id}",
                                     (topic,))]

    def set_state(self, position: int, state: bytes) -> None:
        self.q(f"UPDATE {self.events} SET state = ? WHERE {self.id} = ?", (state, position))

    def delete(self, position: int) -> None:
        """An event and its chain row, as if never recorded."""
        self.q(f"DELETE FROM {self.events} WHERE {self.id} = ?", (position,))
        self.q(f"DELETE FROM {self.chain} WHERE position = ?", (position,))

    def recompute_chain(self, start: int, chain_key: str | None = None) -> None:
        """The public chain from `start` on, recomputed over the events as they now are: it is
        consistent again. Without the chain key the rows have no MAC; with `chain_key` (an
        insider who also holds it) their MACs are recomputed too."""
        mac = ChainMac(bytes.fromhex(chain_key)).mac if chain_key else (lambda digest: None)
        before = self.q(f"SELECT hash FROM {self.chain} WHERE position < ? ORDER BY position DESC LIMIT 1", (start,))
        prev = before[0][0] if before else "0" * 64
        times = dict(self.q(f"SELECT position, recorded_at FROM {self.chain} WHERE position >= ?", (start,)))
        self.q(f"DELETE FROM {self.chain} WHERE position >= ?", (start,))
        for p in [p for p in self.positions() if p >= start]:
            oid, version, topic, state = self.row(p)
            digest = link(prev, p, oid, version, topic, bytes(state))
            self.q(f"INSERT INTO {self.chain} (position, hash, prev_hash, recorded_at, mac) VALUES (?, ?, ?, ?, ?)",
                   (p, digest, prev, times.get(p, "2022-12-01T00:00:00.000000+00:00"), mac(digest)))
            prev = digest

    def forge_append(self, like: int, edit, *, mac: str | None = None) -> int:
        """Append an event made from the one at position `like` (its aggregate's next version,
        its JSON changed by `edit`) with a chain row computed by `ledger.audit.chain.link`, in
        one transaction holding the events table's lock, as the ledger's writer does: the
        public chain is intact afterwards. `mac`: what the forger puts in the MAC column
        (without the key, nothing valid). Returns the forged event's position."""
        oid, _, topic, state = self.row(like)
        document = json.loads(bytes(state))
        edit(document)
        forged = json.dumps(document, separators=(",", ":")).encode()
        if self.settings.backend == "sqlite":
            self.q("BEGIN IMMEDIATE")
        else:
            self.q("BEGIN")
            self.q(f"LOCK TABLE {self.events} IN EXCLUSIVE MODE")
        try:
            version = self.q(f"SELECT MAX(originator_version) FROM {self.events} WHERE originator_id = ?",
                             (oid,))[0][0] + 1
            inserted = (f"INSERT INTO {self.events} (originator_id, originator_version, topic, state) "
                        "VALUES (?, ?, ?, ?)")
            if self.settings.backend == "sqlite":
                self.q(inserted, (oid, version, topic, forged))
                position = self.q("SELECT last_insert_rowid()")[0][0]
            else:
                position = self.q(inserted + f" RETURNING {self.id}", (oid, version, topic, forged))[0][0]
            prev, last_time = self.q(f"SELECT hash, recorded_at FROM {self.chain} ORDER BY position DESC LIMIT 1")[0]
            digest = link(prev, position, oid, version, topic, forged)
            recorded_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
            self.q(f"INSERT INTO {self.chain} (position, hash, prev_hash, recorded_at, mac) VALUES (?, ?, ?, ?, ?)",
                   (position, digest, prev, max(recorded_at, str(last_time)) if self.settings.backend == "sqlite"
                    else recorded_at, mac))
            self.q("COMMIT")
        except BaseException:
            self.q("ROLLBACK")
            raise
        return position

    def edit_event_data(self, position: int, edit) -> None:
        """Decode the stored JSON of an event, let `edit` change the dict, store it back."""
        state = json.loads(bytes(self.row(position)[3]))
        edit(state)
        self.set_state(position, json.dumps(state, separators=(",", ":")).encode())

    # Snapshots ----------------------------------------------------------------------------
    def snapshot_rows(self) -> list[tuple]:
        return self.q(f"SELECT originator_id, originator_version, state FROM {self.snapshots} "
                      "ORDER BY originator_id, originator_version")

    def edit_snapshot(self, originator_id, version: int, edit, *, keep_prefix: bool = True) -> None:
        """Edit the JSON of a stored snapshot. Whatever the ledger puts before the JSON (a tag)
        is kept as it is, or dropped (`keep_prefix=False`: made to look like an old snapshot)."""
        state = bytes(self.q(f"SELECT state FROM {self.snapshots} WHERE originator_id = ? AND originator_version = ?",
                             (originator_id, version))[0][0])
        # An attacker knows the format: a NUL-framed marker, then a 32-byte tag, then the JSON.
        start = state.index(b"\x00", 1) + 1 + 32 if state.startswith(b"\x00") else 0
        prefix, document = state[:start], json.loads(state[start:])
        edit(document["state"])
        edited = (prefix if keep_prefix else b"") + json.dumps(document, separators=(",", ":")).encode()
        self.q(f"UPDATE {self.snapshots} SET state = ? WHERE originator_id = ? AND originator_version = ?",
               (edited, originator_id, version))

    def close(self):
        self.conn.close()
