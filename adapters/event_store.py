"""Event-store recorders of our own, one per backend, so that:

- the hash chain (ledger/audit/chain.py) is written in the same transaction as the events
  it covers, never afterwards: a chain row per event with its hash, the previous hash
  and the time it was recorded, which only moves forward (the time→position index that
  as-of reads use);
- on PostgreSQL a failing call is tried twice, not ten times: the library's retries turn a
  busy pool into a minute-long hang, while the caller should get `503 unavailable` within
  seconds and retry on its own terms.

Both backends serialise inserts (SQLite's single writer; PostgreSQL's exclusive lock on the
events table, taken before the insert), so each batch reads the previous head safely.

After each commit the adapter publishes its highest position to the head shared by this
host's processes (adapters/head.py), when the runtime gave it one, before it returns.

What the adapters add to the library's recorders is declared in `EventStore` below: the
rest of the code relies on that Protocol, not on these classes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from ledger.audit.chain import GENESIS, link
from projections.ddl import existing_indexes, not_yet_there

from .head import SharedHead

_bounded = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.1)
CHAIN_PAGE = 5_000
# Recorded times never move backwards along the chain, so the last row at or before a time
# in (recorded_at, position) order is the highest position recorded by then: one index
# seek, where MAX(position) ... WHERE recorded_at <= ? walks every later row.
POSITION_AT_SQLITE = ("SELECT position FROM event_chain WHERE recorded_at <= ? "
                      "ORDER BY recorded_at DESC, position DESC LIMIT 1")
POSITION_AT_POSTGRES = SQL("SELECT position FROM {}.{} WHERE recorded_at <= %s "
                           "ORDER BY recorded_at DESC, position DESC LIMIT 1")
IDS_PER_QUERY = 500  # well under SQLite's limit on bound parameters


class EventStore(Protocol):
    """What the event-store adapters add to the library's application recorder."""

    shared_head: SharedHead | None

    def existing_ids(self, ids: Sequence[UUID]) -> set[UUID]:
        """Which of these aggregate ids have events (one query a writer batch)."""

    def chain_links(self, originator_id: UUID, versions: Sequence[int]) -> dict[int, tuple[int, str]]:
        """{version: (log position, chain hash)} of one aggregate's events at these versions."""

    def snapshot_keys(self) -> Iterator[tuple[UUID, int]]:
        """(originator id, version) of every stored snapshot, grouped by aggregate."""

    def first_events(self, ids: Sequence[UUID]) -> list[StoredEvent]:
        """The first event of each of these aggregates."""

    def chain_rows(self, after: int = 0, stop: int | None = None) -> Iterator[dict]:
        """The hash chain's rows (position, hash, prev_hash, recorded_at) after `after`."""

    def recorded_at(self, positions: Sequence[int]) -> dict[int, dt.datetime]:
        """The chain's recorded time of each of these positions."""

    def position_at(self, moment: dt.datetime) -> int:
        """The highest position recorded at or before `moment` (0 before the first event)."""


def _published(insert_events):
    """`insert_events` that publishes the batch's highest position once it is committed."""

    def insert_and_publish(self, stored_events, **kwargs):
        ids = insert_events(self, stored_events, **kwargs)
        if ids and self.shared_head is not None:
            self.shared_head.committed(max(ids))
        return ids

    return insert_and_publish


def _chain_rows(prev_hash: str, last_time: dt.datetime | None, ids: Sequence[int],
                stored_events: Sequence[StoredEvent]) -> list[tuple]:
    now = dt.datetime.now(dt.timezone.utc)
    recorded_at = max(now, last_time) if last_time else now  # never backwards, whatever the clock does
    rows = []
    for position, e in zip(ids, stored_events):
        digest = link(prev_hash, position, e.originator_id, e.originator_version, e.topic, e.state)
        rows.append((position, digest, prev_hash, recorded_at))
        prev_hash = digest
    return rows


def _utc(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    shared_head: SharedHead | None = None
    insert_events = _published(SQLiteApplicationRecorder.insert_events)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                "CREATE TABLE IF NOT EXISTS event_chain (position INTEGER PRIMARY KEY, hash TEXT NOT NULL, "
                "prev_hash TEXT NOT NULL, recorded_at TEXT NOT NULL)",
                "CREATE INDEX IF NOT EXISTS event_chain_by_time ON event_chain (recorded_at, position)"]

    def _insert_events(self, c, stored_events: Sequence[StoredEvent], **kwargs: Any):
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.execute("SELECT hash, recorded_at FROM event_chain ORDER BY position DESC LIMIT 1")
        last = c.fetchone()
        rows = _chain_rows(last["hash"] if last else GENESIS, _utc(last["recorded_at"]) if last else None,
                           ids, stored_events)
        c.executemany("INSERT INTO event_chain VALUES (?, ?, ?, ?)",
                      [(p, h, prev, t.isoformat(timespec="microseconds")) for p, h, prev, t in rows])
        return ids

    def existing_ids(self, ids: Sequence[UUID]) -> set[UUID]:
        """Which of these aggregate ids have events (GroupCommitWriter: one query a batch)."""
        rows = self._select_in(f"SELECT DISTINCT originator_id FROM {self.events_table_name} WHERE originator_id",
                               [i.hex for i in ids])
        return {UUID(row[0]) for row in rows}

    def chain_links(self, originator_id: UUID, versions: Sequence[int]) -> dict[int, tuple[int, str]]:
        """{version: (position, chain hash)} of one aggregate's events (snapshots are bound to them)."""
        oid = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
        rows = self._select_in(f"SELECT e.originator_version, c.position, c.hash FROM {self.events_table_name} e "
                               "JOIN event_chain c ON c.position = e.rowid WHERE e.originator_id = ? "
                               "AND e.originator_version", list(versions), (oid,))
        return {row[0]: (row[1], row[2]) for row in rows}

    def snapshot_keys(self) -> Iterator[tuple[UUID, int]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'stored_snapshots'")
            if c.fetchone() is None:
                return
            c.execute("SELECT originator_id, originator_version FROM stored_snapshots "
                      "ORDER BY originator_id, originator_version")
            rows = c.fetchall()
        for row in rows:
            yield UUID(row[0]), row[1]

    def first_events(self, ids: Sequence[UUID]) -> list[StoredEvent]:
        """The first event of each of these aggregates (where regions and fund codes are)."""
        rows = self._select_in(f"SELECT originator_id, originator_version, topic, state FROM "
                               f"{self.events_table_name} WHERE originator_version = 1 AND originator_id",
                               [i.hex for i in ids])
        return [StoredEvent(UUID(r[0]), r[1], r[2], r[3]) for r in rows]

    def chain_rows(self, after: int = 0, stop: int | None = None) -> Iterator[dict]:
        while True:
            with self.datastore.transaction(commit=False) as c:
                c.execute("SELECT * FROM event_chain WHERE position > ? AND position <= ? ORDER BY position LIMIT ?",
                          (after, stop if stop is not None else 2**62, CHAIN_PAGE))
                rows = [dict(r) for r in c.fetchall()]
            for row in rows:
                row["recorded_at"] = _utc(row["recorded_at"])
                yield row
            if len(rows) < CHAIN_PAGE:
                return
            after = rows[-1]["position"]

    def recorded_at(self, positions: Sequence[int]) -> dict[int, dt.datetime]:
        """The chain's recorded time of each of these positions (those it has)."""
        rows = self._select_in("SELECT position, recorded_at FROM event_chain WHERE position", list(positions))
        return {row[0]: _utc(row[1]) for row in rows}

    def _select_in(self, statement: str, values: list, params: tuple = ()) -> list:
        """`statement` + ` IN (...)` over `values` (after `params`), in chunks, in one read transaction."""
        rows: list = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(values), IDS_PER_QUERY):
                chunk = values[start:start + IDS_PER_QUERY]
                c.execute(f"{statement} IN ({','.join('?' * len(chunk))})", (*params, *chunk))
                rows += c.fetchall()
        return rows

    def position_at(self, moment: dt.datetime) -> int:
        """The highest position recorded at or before `moment` (0 before the first event)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(POSITION_AT_SQLITE, (_utc(moment).astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),))
            row = c.fetchone()
            return row[0] if row else 0


class ServingPostgresRecorder(PostgresApplicationRecorder):
    shared_head: SharedHead | None = None
    insert_events = _published(_bounded(PostgresApplicationRecorder.insert_events.__wrapped__))
    select_events = _bounded(PostgresApplicationRecorder.select_events.__wrapped__)
    select_notifications = _bounded(PostgresApplicationRecorder.select_notifications.__wrapped__)
    max_notification_id = _bounded(PostgresApplicationRecorder.max_notification_id.__wrapped__)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.chain_table = Identifier(self.datastore.schema), Identifier(f"{self.events_table_name}_chain")
        self.events_table = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        # The library names the snapshot table after the application, as it does the events table.
        self.snapshots_table_name = self.events_table_name.removesuffix("_events") + "_snapshots"
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (position bigint PRIMARY KEY, hash text NOT NULL, "
            "prev_hash text NOT NULL, recorded_at timestamptz NOT NULL)").format(*self.chain_table))
        self.sql_create_statements.append(SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {}.{} (recorded_at, position)").format(
                Identifier(f"{self.events_table_name}_chain_by_time"), *self.chain_table))

    def create_table(self) -> None:
        with self.datastore.transaction(commit=False) as c:
            indexes = existing_indexes(c, self.datastore.schema)
        self.sql_create_statements = not_yet_there(self.sql_create_statements, indexes, lambda s: s.as_string())
        super().create_table()

    def _fetch_ids_after_insert_events(self, curs, stored_events: Sequence[StoredEvent], **kwargs: Any):
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        # Still inside the insert's transaction and under the events table's exclusive lock.
        curs.execute(SQL("SELECT hash, recorded_at FROM {}.{} ORDER BY position DESC LIMIT 1").format(
            *self.chain_table))
        last = curs.fetchone()
        rows = _chain_rows(last["hash"] if last else GENESIS, last["recorded_at"] if last else None,
                           ids, stored_events)
        curs.executemany(SQL("INSERT INTO {}.{} VALUES (%s, %s, %s, %s)").format(*self.chain_table), rows)
        return ids

    @_bounded
    def existing_ids(self, ids: Sequence[UUID]) -> set[UUID]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT DISTINCT originator_id FROM {}.{} WHERE originator_id = ANY(%s)").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)), (list(ids),))
            return {row["originator_id"] for row in c.fetchall()}

    @_bounded
    def chain_links(self, originator_id: UUID, versions: Sequence[int]) -> dict[int, tuple[int, str]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT e.originator_version, c.position, c.hash FROM {}.{} e JOIN {}.{} c "
                          "ON c.position = e.notification_id WHERE e.originator_id = %s "
                          "AND e.originator_version = ANY(%s)").format(*self.events_table, *self.chain_table),
                      (originator_id, list(versions)))
            return {row["originator_version"]: (row["position"], row["hash"]) for row in c.fetchall()}

    def snapshot_keys(self) -> Iterator[tuple[UUID, int]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT to_regclass(%s) AS t", (f'"{self.datastore.schema}".{self.snapshots_table_name}',))
            if c.fetchone()["t"] is None:
                return
            c.execute(SQL("SELECT originator_id, originator_version FROM {}.{} ORDER BY originator_id, "
                          "originator_version").format(Identifier(self.datastore.schema),
                                                       Identifier(self.snapshots_table_name)))
            rows = c.fetchall()
        for row in rows:
            yield row["originator_id"], row["originator_version"]

    @_bounded
    def first_events(self, ids: Sequence[UUID]) -> list[StoredEvent]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT originator_id, originator_version, topic, state FROM {}.{} "
                          "WHERE originator_id = ANY(%s) AND originator_version = 1").format(*self.events_table),
                      (list(ids),))
            return [StoredEvent(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
                    for r in c.fetchall()]

    @_bounded
    def chain_rows(self, after: int = 0, stop: int | None = None) -> Iterator[dict]:
        while True:
            with self.datastore.transaction(commit=False) as c:
                c.execute(SQL("SELECT * FROM {}.{} WHERE position > %s AND position <= %s ORDER BY position "
                              "LIMIT %s").format(*self.chain_table), (after, stop if stop is not None else 2**62,
                                                                      CHAIN_PAGE))
                rows = c.fetchall()
            yield from rows
            if len(rows) < CHAIN_PAGE:
                return
            after = rows[-1]["position"]

    @_bounded
    def recorded_at(self, positions: Sequence[int]) -> dict[int, dt.datetime]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT position, recorded_at FROM {}.{} WHERE position = ANY(%s)").format(*self.chain_table),
                      (list(positions),))
            return {row["position"]: row["recorded_at"] for row in c.fetchall()}

    @_bounded
    def position_at(self, moment: dt.datetime) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(POSITION_AT_POSTGRES.format(*self.chain_table), (_utc(moment),))
            row = c.fetchone()
            return row["position"] if row else 0
