"""Event-store recorders of our own, one per backend, so that:

- the hash chain (ledger/audit/chain.py) is written in the same transaction as the events
  it covers, never afterwards: a chain row per event with its hash, the previous hash,
  the time it was recorded, which only moves forward (the time→position index that
  as-of reads use), and the MAC of its hash under LEDGER_CHAIN_KEY. Without that key no
  event is written; and the library's other insert paths (its database functions) are refused;
- an aggregate's events are loaded only when each has its chain row and a valid MAC: one
  inserted or rewritten without the key raises UnauthenticEvent (503) and is remembered
  in `unauthentic` for /readyz, so nothing is ever decided on it;
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
import logging
from collections.abc import Iterator, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from ledger.audit.chain import GENESIS, ChainMac, link, unauthenticated
from ledger.errors import UnauthenticEvent
from projections.ddl import existing_indexes, not_yet_there

from .head import SharedHead
from .wakeups import log_channel

log = logging.getLogger(__name__)
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
# PostgreSQL cuts identifiers beyond 63 bytes: the chain's table and index names derived from
# the events table's must fit, or they would be cut to a name that collides with another.
PG_MAX_IDENTIFIER = 63
CHAIN_SUFFIXES = ("_chain", "_chain_by_time")
MAX_REMEMBERED_UNAUTHENTIC = 100


class MissingChainKey(RuntimeError):
    """An insert without LEDGER_CHAIN_KEY: refused, since its events would have no MAC."""


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

    def first_chain_row(self) -> dict | None:
        """The chain row of the log's first event (None for an empty log)."""

    def write_macs(self, rows: Sequence[tuple[int, str, str, str | None]]) -> int:
        """For each (position, hash, mac, expected old mac or None), set the row's mac when its
        hash and its present mac are still those; returns how many rows changed."""

    def authenticate(self, notifications: Sequence) -> tuple[int, str] | None:
        """(position, problem) of the first of these stored events that its chain row and MAC
        do not vouch for; None when each is vouched for (or no key is configured)."""


class _Keyed:
    """What both recorders share for the keyed chain."""

    chain_mac: ChainMac | None = None
    # Positions met on loading that the keyed chain does not vouch for, with why (for /readyz).
    unauthentic: dict[int, str]

    def _require_key(self) -> ChainMac:
        if self.chain_mac is None:
            raise MissingChainKey("no LEDGER_CHAIN_KEY: events are never written without their MAC")
        return self.chain_mac

    def _check_loaded(self, events: Sequence[StoredEvent], links: dict[int, tuple[int, dict | None]]) -> None:
        """Every loaded event vouched for by its chain row and MAC, or UnauthenticEvent."""
        for e in events:
            position, row = links.get(e.originator_version, (None, None))
            problem = "an event has no chain row" if position is None else \
                unauthenticated(self.chain_mac, position, e, row)
            if problem is not None:
                raise self._unauthentic(position, problem)

    def _unauthentic(self, position: int | None, problem: str) -> UnauthenticEvent:
        if not hasattr(self, "unauthentic"):
            self.unauthentic = {}
        if len(self.unauthentic) < MAX_REMEMBERED_UNAUTHENTIC:
            self.unauthentic[position or 0] = problem
        log.error("REFUSED to use the event at log position %s: %s. It was inserted or rewritten by someone "
                  "without LEDGER_CHAIN_KEY; run `ledger verify`", position, problem)
        return UnauthenticEvent(position, problem)

    def authenticate(self, notifications: Sequence) -> tuple[int, str] | None:
        if self.chain_mac is None or not notifications:
            return None
        rows = {row["position"]: row for row in self._chain_rows_at([n.id for n in notifications])}
        for n in notifications:
            problem = unauthenticated(self.chain_mac, n.id, n, rows.get(n.id))
            if problem is not None:
                self._unauthentic(n.id, problem)
                return n.id, problem
        return None


def _published(insert_events):
    """`insert_events` that publishes the batch's highest position once it is committed."""

    def insert_and_publish(self, stored_events, **kwargs):
        ids = insert_events(self, stored_events, **kwargs)
        if ids and self.shared_head is not None:
            self.shared_head.committed(max(ids))
        return ids

    return insert_and_publish


def _chain_rows(prev_hash: str, last_time: dt.datetime | None, ids: Sequence[int],
                stored_events: Sequence[StoredEvent], chain_mac: ChainMac) -> list[tuple]:
    now = dt.datetime.now(dt.timezone.utc)
    recorded_at = max(now, last_time) if last_time else now  # never backwards, whatever the clock does
    rows = []
    for position, e in zip(ids, stored_events):
        digest = link(prev_hash, position, e.originator_id, e.originator_version, e.topic, e.state)
        rows.append((position, digest, prev_hash, recorded_at, chain_mac.mac(digest)))
        prev_hash = digest
    return rows


def _utc(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class ChainedSQLiteRecorder(_Keyed, SQLiteApplicationRecorder):
    shared_head: SharedHead | None = None
    insert_events = _published(SQLiteApplicationRecorder.insert_events)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                "CREATE TABLE IF NOT EXISTS event_chain (position INTEGER PRIMARY KEY, hash TEXT NOT NULL, "
                "prev_hash TEXT NOT NULL, recorded_at TEXT NOT NULL, mac TEXT)",
                "CREATE INDEX IF NOT EXISTS event_chain_by_time ON event_chain (recorded_at, position)"]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            c.execute("PRAGMA table_info(event_chain)")
            if "mac" not in {row[1] for row in c.fetchall()}:
                # A store written before the keyed chain: its rows get MACs from `ledger chain adopt`.
                c.execute("ALTER TABLE event_chain ADD COLUMN mac TEXT")

    def _insert_events(self, c, stored_events: Sequence[StoredEvent], **kwargs: Any):
        chain_mac = self._require_key()
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.execute("SELECT hash, recorded_at FROM event_chain ORDER BY position DESC LIMIT 1")
        last = c.fetchone()
        rows = _chain_rows(last["hash"] if last else GENESIS, _utc(last["recorded_at"]) if last else None,
                           ids, stored_events, chain_mac)
        c.executemany("INSERT INTO event_chain (position, hash, prev_hash, recorded_at, mac) VALUES (?, ?, ?, ?, ?)",
                      [(p, h, prev, t.isoformat(timespec="microseconds"), m) for p, h, prev, t, m in rows])
        return ids

    def select_events(self, originator_id, **kwargs: Any) -> Sequence[StoredEvent]:
        events = super().select_events(originator_id, **kwargs)
        if self.chain_mac is not None and events:
            oid = originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex
            rows = self._select_in(f"SELECT e.originator_version, e.rowid, c.position, c.hash, c.prev_hash, c.mac "
                                   f"FROM {self.events_table_name} e LEFT JOIN event_chain c ON c.position = e.rowid "
                                   "WHERE e.originator_id = ? AND e.originator_version",
                                   [e.originator_version for e in events], (oid,))
            self._check_loaded(events, {r[0]: (r[1], None if r[2] is None else {"hash": r[3], "prev_hash": r[4],
                                                                                 "mac": r[5]}) for r in rows})
        return events

    def _chain_rows_at(self, positions: Sequence[int]) -> list[dict]:
        rows = self._select_in("SELECT position, hash, prev_hash, mac FROM event_chain WHERE position",
                               list(positions))
        return [dict(zip(("position", "hash", "prev_hash", "mac"), r)) for r in rows]

    def first_chain_row(self) -> dict | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT position, hash, prev_hash, mac FROM event_chain ORDER BY position LIMIT 1")
            row = c.fetchone()
            return dict(row) if row else None

    def write_macs(self, rows: Sequence[tuple[int, str, str, str | None]]) -> int:
        with self.datastore.transaction(commit=True) as c:
            c.execute("SELECT total_changes()")
            before = c.fetchone()[0]
            c.executemany("UPDATE event_chain SET mac = ? WHERE position = ? AND hash = ? AND mac IS ?",
                          [(mac, position, digest, old) for position, digest, mac, old in rows])
            c.execute("SELECT total_changes()")
            return c.fetchone()[0] - before

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


class ServingPostgresRecorder(_Keyed, PostgresApplicationRecorder):
    shared_head: SharedHead | None = None
    insert_events = _published(_bounded(PostgresApplicationRecorder.insert_events.__wrapped__))
    select_notifications = _bounded(PostgresApplicationRecorder.select_notifications.__wrapped__)
    max_notification_id = _bounded(PostgresApplicationRecorder.max_notification_id.__wrapped__)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.datastore.enable_db_functions:
            raise ValueError("POSTGRES_ENABLE_DB_FUNCTIONS: the library's database functions insert events without "
                             "their hash chain and MACs; the ledger writes them itself and refuses the option")
        for suffix in CHAIN_SUFFIXES:
            if len((self.events_table_name + suffix).encode()) > PG_MAX_IDENTIFIER:
                raise ValueError(f"the events table name {self.events_table_name!r} is too long: "
                                 f"{self.events_table_name}{suffix} would exceed PostgreSQL's {PG_MAX_IDENTIFIER}-byte "
                                 f"identifiers and be cut to a name that may collide (at most "
                                 f"{PG_MAX_IDENTIFIER - max(map(len, CHAIN_SUFFIXES))} characters)")
        self.chain_table = Identifier(self.datastore.schema), Identifier(f"{self.events_table_name}_chain")
        self.log_channel = log_channel(self.datastore.schema, self.events_table_name)
        self.events_table = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        # The library names the snapshot table after the application, as it does the events table.
        self.snapshots_table_name = self.events_table_name.removesuffix("_events") + "_snapshots"
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} (position bigint PRIMARY KEY, hash text NOT NULL, "
            "prev_hash text NOT NULL, recorded_at timestamptz NOT NULL, mac text)").format(*self.chain_table))
        self.sql_create_statements.append(SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {}.{} (recorded_at, position)").format(
                Identifier(f"{self.events_table_name}_chain_by_time"), *self.chain_table))

    def create_table(self) -> None:
        with self.datastore.transaction(commit=False) as c:
            indexes = existing_indexes(c, self.datastore.schema)
        self.sql_create_statements = not_yet_there(self.sql_create_statements, indexes, lambda s: s.as_string())
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            c.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                      "AND column_name = 'mac'", (self.datastore.schema, f"{self.events_table_name}_chain"))
            if c.fetchone() is None:
                # A store written before the keyed chain (only then: ALTER takes a lock a running
                # writer holds): its rows get MACs from `ledger chain adopt`.
                c.execute(SQL("ALTER TABLE {}.{} ADD COLUMN IF NOT EXISTS mac text").format(*self.chain_table))

    def _insert_events(self, curs, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        self._require_key()  # before anything is written
        super()._insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(self, curs, stored_events: Sequence[StoredEvent], **kwargs: Any):
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        # Still inside the insert's transaction and under the events table's exclusive lock.
        curs.execute(SQL("SELECT hash, recorded_at FROM {}.{} ORDER BY position DESC LIMIT 1").format(
            *self.chain_table))
        last = curs.fetchone()
        rows = _chain_rows(last["hash"] if last else GENESIS, last["recorded_at"] if last else None,
                           ids, stored_events, self._require_key())
        curs.executemany(SQL("INSERT INTO {}.{} (position, hash, prev_hash, recorded_at, mac) "
                             "VALUES (%s, %s, %s, %s, %s)").format(*self.chain_table), rows)
        if ids:
            # Sent at the commit, never for a write that rolls back: projectors in other
            # processes wake at once instead of at their next poll (adapters/wakeups.py).
            curs.execute("SELECT pg_notify(%s, %s)", (self.log_channel, str(ids[-1])))
        return ids

    def select_events(self, originator_id, **kwargs: Any) -> Sequence[StoredEvent]:
        events = self._select_events(originator_id, **kwargs)
        if self.chain_mac is not None and events:
            self._check_loaded(events, self._chain_of(originator_id, [e.originator_version for e in events]))
        return events

    _select_events = _bounded(PostgresApplicationRecorder.select_events.__wrapped__)

    @_bounded
    def _chain_of(self, originator_id, versions: list[int]) -> dict[int, tuple[int, dict | None]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT e.originator_version, e.notification_id, c.position, c.hash, c.prev_hash, c.mac "
                          "FROM {}.{} e LEFT JOIN {}.{} c ON c.position = e.notification_id "
                          "WHERE e.originator_id = %s AND e.originator_version = ANY(%s)").format(
                              *self.events_table, *self.chain_table), (originator_id, versions))
            return {r["originator_version"]: (r["notification_id"], None if r["position"] is None else dict(r))
                    for r in c.fetchall()}

    @_bounded
    def _chain_rows_at(self, positions: Sequence[int]) -> list[dict]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT position, hash, prev_hash, mac FROM {}.{} WHERE position = ANY(%s)").format(
                *self.chain_table), (list(positions),))
            return [dict(r) for r in c.fetchall()]

    @_bounded
    def first_chain_row(self) -> dict | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT position, hash, prev_hash, mac FROM {}.{} ORDER BY position LIMIT 1").format(
                *self.chain_table))
            row = c.fetchone()
            return dict(row) if row else None

    def write_macs(self, rows: Sequence[tuple[int, str, str, str | None]]) -> int:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(SQL("UPDATE {}.{} SET mac = %s WHERE position = %s AND hash = %s "
                              "AND mac IS NOT DISTINCT FROM %s").format(*self.chain_table),
                          [(mac, position, digest, old) for position, digest, mac, old in rows])
            return c.rowcount  # psycopg: the rows all of them changed

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
