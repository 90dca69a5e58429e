"""Refusals kept under an Idempotency-Key, outside the hash-chained log (API.md,
Idempotency): a repeat of a refused request answers the same refusal, while the log holds
only events that change the ledger. One plain table in the event store's database, whose
rows expire after KEEP_FOR (the contract keeps outcomes at least 7 days); a row is written
once and never changed, and expired rows are deleted as new ones come in."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Callable
from uuid import UUID

import orjson
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

KEEP_FOR = dt.timedelta(days=8)  # a day beyond the contract's 7: time zones and clock steps never cut it short
PURGE_EVERY = dt.timedelta(minutes=10)
IDS_PER_QUERY = 500  # well under SQLite's limit on bound parameters
SQLITE_TABLE = "idempotency_refusals"

Row = tuple[UUID, str, dict]  # (key id, request hash, outcome)


class KeptRefusals:
    """The table, on either backend. `now`: the ledger's clock (ledger/clock.py)."""

    def __init__(self, recorder: Any, now: Callable[[], dt.datetime]):
        self._datastore = recorder.datastore
        self._now = now
        self._purged_at: dt.datetime | None = None
        self._lock = threading.Lock()
        self._postgres = isinstance(self._datastore, PostgresDatastore)
        if self._postgres:
            schema = self._datastore.schema
            name = recorder.events_table_name.removesuffix("_events") + "_refusals"
            self._table_name = f'"{schema}"."{name}"'
            table = SQL("{}.{}").format(Identifier(schema), Identifier(name))
            self._create = [SQL("CREATE TABLE IF NOT EXISTS {} (key_id uuid PRIMARY KEY, request_hash text NOT NULL, "
                                "outcome bytea NOT NULL, expires_at timestamptz NOT NULL)").format(table),
                            SQL("CREATE INDEX IF NOT EXISTS {} ON {} (expires_at)").format(
                                Identifier(f"{name}_by_expiry"), table)]
            self._select = SQL("SELECT key_id, request_hash, outcome FROM {} WHERE key_id = ANY(%s) "
                               "AND expires_at > %s").format(table)
            self._insert = SQL("INSERT INTO {} VALUES (%s, %s, %s, %s) ON CONFLICT (key_id) DO NOTHING").format(table)
            self._purge = SQL("DELETE FROM {} WHERE expires_at <= %s").format(table)
        else:
            self._table_name = SQLITE_TABLE
            self._create = [f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} (key_id TEXT PRIMARY KEY, "
                            "request_hash TEXT NOT NULL, outcome BLOB NOT NULL, expires_at TEXT NOT NULL)",
                            f"CREATE INDEX IF NOT EXISTS {SQLITE_TABLE}_by_expiry ON {SQLITE_TABLE} (expires_at)"]
            self._select = (f"SELECT key_id, request_hash, outcome FROM {SQLITE_TABLE} WHERE expires_at > ? "
                            "AND key_id IN ({})")
            self._insert = f"INSERT OR IGNORE INTO {SQLITE_TABLE} VALUES (?, ?, ?, ?)"
            self._purge = f"DELETE FROM {SQLITE_TABLE} WHERE expires_at <= ?"

    def create_table(self) -> None:
        with self._datastore.transaction(commit=True) as c:
            for statement in self._create:
                c.execute(statement)

    def _moment(self, moment: dt.datetime) -> Any:
        # SQLite compares text: one fixed ISO form in UTC sorts as time does.
        return moment if self._postgres else moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")

    def find(self, ids: Iterable[UUID]) -> dict[UUID, tuple[str, dict]]:
        """{key id: (request hash, outcome)} of the unexpired refusals kept under these ids."""
        ids = list(ids)
        if not ids:
            return {}
        now = self._moment(self._now())
        found: dict[UUID, tuple[str, dict]] = {}
        with self._datastore.transaction(commit=False) as c:
            if self._postgres:
                c.execute(self._select, (ids, now))
                rows = [(r["key_id"], r["request_hash"], r["outcome"]) for r in c.fetchall()]
            else:
                rows = []
                for start in range(0, len(ids), IDS_PER_QUERY):
                    chunk = [i.hex for i in ids[start:start + IDS_PER_QUERY]]
                    c.execute(self._select.format(",".join("?" * len(chunk))), (now, *chunk))
                    rows += [(UUID(r[0]), r[1], r[2]) for r in c.fetchall()]
        for key_id, request_hash, outcome in rows:
            found[key_id] = (request_hash, orjson.loads(bytes(outcome)))
        return found

    def keep(self, rows: Sequence[Row]) -> None:
        """Keep these refusals (a key already kept keeps its first), and now and then let the
        expired ones go."""
        if not rows:
            return
        now = self._now()
        expires = self._moment(now + KEEP_FOR)
        values = [(key_id if self._postgres else key_id.hex, request_hash, orjson.dumps(outcome), expires)
                  for key_id, request_hash, outcome in rows]
        with self._lock:
            purge = self._purged_at is None or now - self._purged_at >= PURGE_EVERY
            if purge:
                self._purged_at = now
        with self._datastore.transaction(commit=True) as c:
            c.executemany(self._insert, values)
            if purge:
                c.execute(self._purge, (self._moment(now),))
