"""Where the read models live: a tracking recorder of the eventsourcing library with
our tables beside its tracking table, written in one transaction per batch."""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, OperationalError, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from . import sql
from .ddl import added_columns, existing_indexes, not_yet_there


def region_range(region: str) -> tuple[str, str]:
    """The codes at and below `region`, as an indexable range."""
    if region == "000000":
        return "000000", "999999"
    if region.endswith("0000"):
        return region, region[:2] + "9999"
    if region.endswith("00"):
        return region, region[:4] + "99"
    return region, region


# GET /v1/claims?sort=: the column each order of the list is by (each has its index, sql.py).
CLAIM_ORDERS = {"submitted": "first_position", "updated": "position", "entitled": "entitled_fen"}


class ReadModelQueries:
    """Portable SQL over the read-model tables; subclasses say how to reach the database."""

    placeholder = "?"
    tracking_table = "tracking"
    # Whether opening the store emptied the read models, to be rebuilt from the first event.
    forgot_position = False

    def _q(self, statement: str) -> str:
        return statement

    def _transaction(self, *, commit: bool):
        return self.datastore.transaction(commit=commit)  # type: ignore[attr-defined]

    def write_batch(self, funds: Sequence[tuple], claims: Sequence[tuple], claim_events: Sequence[tuple],
                    tracking: Tracking, *, fund_history: Sequence[tuple] = (),
                    fund_movements: Sequence[tuple] = (),
                    statements: Sequence[tuple[str, Sequence[tuple]]] = (),
                    users: Sequence[tuple] = (), user_regions: Sequence[tuple] = ()) -> None:
        """One batch's rows and its tracking position in one transaction; `statements` are
        further (SQL, rows) pairs, e.g. the reconciliation's (projections/reconciliation.py)."""
        with self._transaction(commit=True) as c:
            if funds:
                c.executemany(self._q(sql.UPSERT_FUND), funds)
            if fund_history:
                c.executemany(self._q(sql.INSERT_FUND_HISTORY), fund_history)
            if fund_movements:
                c.executemany(self._q(sql.INSERT_FUND_MOVEMENT), fund_movements)
            for statement, rows in statements:
                if rows:
                    c.executemany(self._q(statement), rows)
            if claims:
                c.executemany(self._q(sql.UPSERT_CLAIM), claims)
            if claim_events:
                c.executemany(self._q(sql.INSERT_CLAIM_EVENT), claim_events)
            if users:
                c.executemany(self._q(sql.UPSERT_USER), users)
                c.executemany(self._q(sql.DELETE_USER_REGIONS), [(row[0],) for row in users])
                c.executemany(self._q(sql.INSERT_USER_REGION), user_regions)
            self._insert_tracking(c, tracking)  # type: ignore[attr-defined]

    def _forget_position_if(self, incomplete: bool) -> None:
        """A read model with a dropped table (or a table that lacked a column) is rebuilt from
        the first event: its old tracking position would skip everything before it, and its
        other tables' rows would clash."""
        if incomplete:
            self.drop_read_models()
            self.forgot_position = True

    def drop_read_models(self) -> None:
        with self._transaction(commit=True) as c:
            self._clear(c)

    def _clear(self, c) -> None:
        for table in sql.READ_MODEL_TABLES:
            c.execute(self._q(f"DELETE FROM {table}"))
        c.execute(self._q(f"DELETE FROM {self.tracking_table} WHERE application_name <> ?"), ("__migration__",))

    def _add_columns(self, c, statements: Sequence[str]) -> None:
        """A table made before a column was declared gains it, and the read models start again
        from the first event, in one transaction: their rows hold no value for the column."""
        for statement in statements:
            c.execute(self._q(statement))
        if statements:
            self._clear(c)
            self.forgot_position = True

    def close(self) -> None:
        self.datastore.close()  # type: ignore[attr-defined]

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict]:
        with self._transaction(commit=False) as c:
            c.execute(self._q(statement), list(params))
            return [dict(row) for row in c.fetchall()]

    def fund(self, fund_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM rm_funds WHERE fund_id = ?", (fund_id,))
        return rows[0] if rows else None

    def fund_movements(self, fund_id: str, *, start: str | None, end: str | None, after: int | None,
                       limit: int) -> list[dict]:
        """A fund's movements in log order, by business date (ISO dates compare as text)."""
        clause, params = ["fund_id = ?"], [fund_id]
        for condition, value in (("business_date >= ?", start), ("business_date <= ?", end), ("position > ?", after)):
            if value is not None:
                clause.append(condition)
                params.append(value)
        # Whether each was backdated: a row of rm_backdated at the same position (projections/backdated.py).
        return self._rows("SELECT m.*, EXISTS (SELECT 1 FROM rm_backdated b WHERE b.position = m.position) AS backdated"
                          f" FROM rm_fund_movements m WHERE {' AND '.join(clause)} ORDER BY position LIMIT ?",
                          [*params, limit])

    def backdated(self, *, fund_id: str | None, start: str | None, end: str | None, scopes: Sequence[str],
                  with_watch_list: bool, after: int | None, limit: int) -> list[dict]:
        """Backdated entries listed once each (projections/backdated.py), in log order, by
        business date, in the caller's regions; the watch list's (no region) if `with_watch_list`."""
        where, params = self._scope_filter(scopes)
        if where and with_watch_list:
            where = [f"({where[0]} OR region IS NULL)"]
        elif not with_watch_list:
            where.append("region IS NOT NULL")
        where.append("listed = 1")
        for condition, value in (("fund_id = ?", fund_id), ("business_date >= ?", start), ("business_date <= ?", end),
                                 ("position > ?", after)):
            if value is not None:
                where.append(condition)
                params.append(value)
        return self._rows(f"SELECT * FROM rm_backdated WHERE {' AND '.join(where)} ORDER BY position LIMIT ?",
                          [*params, limit])

    def funds(self, *, fund_type: str | None, region: str | None, scopes: Sequence[str],
              after: str | None, limit: int) -> list[dict]:
        clause, params = self._fund_filter(fund_type, region, scopes, after)
        return self._rows(f"SELECT * FROM rm_funds {clause} ORDER BY fund_id LIMIT ?", [*params, limit])

    def _fund_filter(self, fund_type: str | None, region: str | None, scopes: Sequence[str],
                     after: str | None) -> tuple[str, list[Any]]:
        """The WHERE clause of a fund list: the caller's regions, the filters, the page."""
        where, params = self._scope_filter(scopes)
        if fund_type:
            where.append("fund_type = ?")
            params.append(fund_type)
        if region:
            lo, hi = region_range(region)
            where.append("region BETWEEN ? AND ?")
            params += [lo, hi]
        if after:
            where.append("fund_id > ?")
            params.append(after)
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def claims(self, *, filters: dict, scopes: Sequence[str], sort: str = "submitted",
               after: tuple[int, int] | None = None, limit: int) -> list[dict]:
        """A page of claims in the order `sort` names (CLAIM_ORDERS; "-": descending), each
        row with its `sort_key`; `after`: the (sort_key, first_position) of the previous page's
        last row. Claims of one sort key follow one another by first_position, the same way."""
        column, descending = CLAIM_ORDERS[sort.removeprefix("-")], sort.startswith("-")
        where, params = self._scope_filter(scopes)
        for name in ("status", "program", "applicant_ref", "fund_id"):
            if filters.get(name) is not None:
                where.append(f"{name} = ?")
                params.append(filters[name])
        if filters.get("beneficiary_ref") is not None:
            where.append("claim_id IN (SELECT claim_id FROM rm_claim_beneficiaries WHERE beneficiary_ref = ?)")
            params.append(filters["beneficiary_ref"])
        if filters.get("region"):
            lo, hi = region_range(filters["region"])
            where.append("region BETWEEN ? AND ?")
            params += [lo, hi]
        if filters.get("submitted_from"):
            where.append("submitted_at >= ?")
            params.append(filters["submitted_from"])
        if filters.get("submitted_to"):
            where.append("submitted_at <= ?")
            params.append(filters["submitted_to"])
        keys = [column, "first_position"] if column != "first_position" else [column]
        if after is not None:
            where.append(f"({', '.join(keys)}) {'<' if descending else '>'} ({', '.join('?' for _ in keys)})")
            params += list(after[-len(keys):])
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = ", ".join(f"{key} DESC" if descending else key for key in keys)
        return self._rows(f"SELECT first_position, {column} AS sort_key, doc FROM rm_claims {clause} "
                          f"ORDER BY {order} LIMIT ?", [*params, limit])

    def users(self, *, role: str | None, region: str | None, active: bool | None, scopes: Sequence[str],
              after_position: int | None, limit: int) -> list[dict]:
        """Users whose regions all lie within `scopes`, oldest first; `region`: those with a
        region at or below it."""
        where: list[str] = []
        params: list[Any] = []
        if "000000" not in scopes:
            ranges = [region_range(s) for s in scopes]
            where.append("NOT EXISTS (SELECT 1 FROM rm_user_regions r WHERE r.user_id = u.user_id AND NOT ("
                         + " OR ".join("r.region BETWEEN ? AND ?" for _ in ranges) + "))")
            params += [v for r in ranges for v in r]
        if role is not None:
            where.append("u.roles LIKE ?")
            params.append(f"% {role} %")
        if active is not None:
            where.append("u.active = ?")
            params.append(1 if active else 0)
        if region is not None:
            where.append("EXISTS (SELECT 1 FROM rm_user_regions r WHERE r.user_id = u.user_id "
                         "AND r.region BETWEEN ? AND ?)")
            params += list(region_range(region))
        if after_position is not None:
            where.append("u.first_position > ?")
            params.append(after_position)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self._rows(f"SELECT u.first_position, u.doc FROM rm_users u {clause} ORDER BY u.first_position LIMIT ?",
                          [*params, limit])

    # As-of reads: the history rows at or before a log position, found by index seeks.
    def fund_at(self, fund_id: str, position: int) -> dict | None:
        """The fund as it stood at `position` (its row after its last event at or before
        it), or None if it had not been opened by then."""
        rows = self._rows("SELECT * FROM rm_fund_history WHERE fund_id = ? AND position <= ? "
                          "ORDER BY position DESC LIMIT 1", (fund_id, position))
        return rows[0] if rows else None

    def funds_at(self, position: int, *, fund_type: str | None, region: str | None, scopes: Sequence[str],
                 after: str | None, limit: int) -> list[dict]:
        """`funds(...)` as it would have answered at `position`: the live fund list gives the
        candidates (funds are never removed), each one's history gives its row then."""
        clause, params = self._fund_filter(fund_type, region, scopes, after)
        return self._rows(
            "SELECT h.* FROM (SELECT fund_id, at_position FROM ("
            " SELECT f.fund_id, (SELECT MAX(x.position) FROM rm_fund_history x"
            " WHERE x.fund_id = f.fund_id AND x.position <= ?) AS at_position"
            f" FROM rm_funds f {clause}) s WHERE at_position IS NOT NULL ORDER BY fund_id LIMIT ?) t"
            " JOIN rm_fund_history h ON h.fund_id = t.fund_id AND h.position = t.at_position ORDER BY h.fund_id",
            [position, *params, limit])

    def notices(self, *, on: str, fund_id: str | None, scopes: Sequence[str], after: str | None,
                limit: int) -> list[dict]:
        """Claims under public notice on the day `on` (starts_on ≤ on ≤ ends_on, its last day), not closed,
        in the caller's regions, by claim id (projections/notices.py)."""
        where, params = self._scope_filter(scopes)
        where += ["starts_on <= ?", "ends_on >= ?", "status <> 'closed'"]
        params += [on, on]
        if fund_id is not None:
            where.append("fund_id = ?")
            params.append(fund_id)
        if after is not None:
            where.append("claim_id > ?")
            params.append(after)
        return self._rows(f"SELECT claim_id, doc FROM rm_notices WHERE {' AND '.join(where)} ORDER BY claim_id LIMIT ?",
                          [*params, limit])

    def watch_list(self, *, party_ref: str | None, active_on: str | None, after_position: int | None,
                   limit: int) -> list[dict]:
        """Watch-list entries, oldest first; `active_on`: those listing their party that day."""
        where: list[str] = []
        params: list[Any] = []
        if party_ref is not None:
            where.append("party_ref = ?")
            params.append(party_ref)
        if active_on is not None:
            where.append("listed_from <= ? AND (ends_on IS NULL OR ends_on > ?)")
            params += [active_on, active_on]
        if after_position is not None:
            where.append("first_position > ?")
            params.append(after_position)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self._rows(f"SELECT first_position, doc FROM rm_watchlist {clause} ORDER BY first_position LIMIT ?",
                          [*params, limit])

    def claim_row(self, claim_id: str) -> dict | None:
        """The claim's stored answer (`doc`, masked) with its version and region: one primary-key seek."""
        rows = self._rows("SELECT claim_id, region, version, doc FROM rm_claims WHERE claim_id = ?", (claim_id,))
        return rows[0] if rows else None

    def claim_state_row(self, claim_id: str) -> dict | None:
        """What the projector needs of a claim's row to patch it further (projections/claim_rows.py)."""
        rows = self._rows("SELECT applicant_ref, version, doc FROM rm_claims WHERE claim_id = ?", (claim_id,))
        return rows[0] if rows else None

    def clawback_confirmations(self, claim_id: str) -> list[tuple[str, str | None]]:
        """The claim's ClawbackConfirmed events as (clawback_id, actor), in order."""
        rows = self._rows("SELECT actor, data FROM rm_claim_events WHERE claim_id = ? AND type = ? ORDER BY version",
                          (claim_id, "ClawbackConfirmed"))
        return [(json.loads(r["data"])["clawback_id"], r["actor"]) for r in rows]

    def claim_version_at(self, claim_id: str, position: int) -> int | None:
        """The claim's version at `position`, or None if it had not been submitted by then."""
        rows = self._rows("SELECT MAX(version) AS version FROM rm_claim_events WHERE claim_id = ? AND position <= ?",
                          (claim_id, position))
        return rows[0]["version"] if rows else None

    def claim_events(self, claim_id: str) -> list[dict]:
        return self._rows("SELECT * FROM rm_claim_events WHERE claim_id = ? ORDER BY version", (claim_id,))

    def all_rows(self, table: str) -> list[dict]:
        return self._rows(f"SELECT * FROM {table} ORDER BY {', '.join(sql.KEYS[table])}")

    @staticmethod
    def _scope_filter(scopes: Sequence[str]) -> tuple[list[str], list[Any]]:
        if "000000" in scopes:
            return [], []
        ranges = [region_range(s) for s in scopes]
        return ["(" + " OR ".join("region BETWEEN ? AND ?" for _ in ranges) + ")"], [v for r in ranges for v in r]


CREATE_ATTEMPTS = 5
log = logging.getLogger(__name__)


class SQLiteReadModel(ReadModelQueries, SQLiteTrackingRecorder):
    """Single-statement reads (every `_rows`) go through a connection of the reading thread's
    own in autocommit mode: one SELECT is its own snapshot in SQLite, so the library's
    transaction (a pool round, BEGIN, ROLLBACK: 45 of a claim read's 53 µs) buys nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    def _reader(self) -> sqlite3.Connection | None:
        connection = getattr(self._local, "connection", None)
        if connection is not None or self.datastore.pool.is_sqlite_memory_mode:
            return connection  # an in-memory database is only visible through the pool's
        with self._readers_lock:
            if self._closed:
                return None
            connection = sqlite3.connect(self.datastore.pool.db_name, uri=True, check_same_thread=False,
                                         isolation_level=None, timeout=self.datastore.pool.lock_timeout or 5)
            connection.execute("PRAGMA query_only = ON")
            connection.row_factory = sqlite3.Row
            self._readers.append(connection)
        self._local.connection = connection
        return connection

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict]:
        connection = self._reader()
        if connection is None:
            return super()._rows(statement, params)
        try:
            return [dict(row) for row in connection.execute(statement, list(params)).fetchall()]
        except sqlite3.OperationalError as exc:  # busy or locked: what the library's path raises
            raise OperationalError(exc) from exc

    def close(self) -> None:
        with self._readers_lock:
            self._closed = True
            readers, self._readers = self._readers, []
        for connection in readers:
            connection.close()
        super().close()

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *sql.TABLES]

    def create_table(self) -> None:
        # The library probes the tracking table first and takes any OperationalError (a
        # busy database too) for "no table yet": it then renames a live tracking table, or
        # inserts a migration row that is already there and fails, which under `uvicorn
        # --workers` stops the whole server when a worker is restarted. So a store made
        # before is probed here, in one transaction, and only a new one is left to it.
        columns_were_added = False
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                tables, migrated = self._probe()
                present, added = set(tables), added_columns(sql.TABLES, tables)
                if "tracking" in present and migrated is not None:
                    with self.datastore.transaction(commit=True) as c:
                        self._add_columns(c, added)
                        for statement in self.create_table_statements:  # each IF NOT EXISTS
                            c.execute(statement)
                    self.tracking_table_exists = True
                    self.tracking_migration_previous = self.tracking_migration_current = migrated
                else:
                    if added:  # before the library creates the indexes on them
                        with self.datastore.transaction(commit=True) as c:
                            for statement in added:
                                c.execute(statement)
                        columns_were_added = True
                    super().create_table()
            except (OperationalError, IntegrityError) as exc:
                if attempt == CREATE_ATTEMPTS:
                    raise
                log.warning("creating the read models failed (%s); trying again", exc)
                time.sleep(0.2 * attempt)
                continue
            self._forget_position_if(columns_were_added or not set(sql.READ_MODEL_TABLES) <= present)
            return

    def _probe(self) -> tuple[dict[str, set[str]], int | None]:
        """The tables there are (with the columns of the read models'), and the tracking
        table's migration mark if it has one."""
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            present = {r[0]: set() for r in c.fetchall()}
            for table in sorted(present.keys() & set(sql.READ_MODEL_TABLES)):
                c.execute(f"PRAGMA table_info({table})")
                present[table] = {r[1] for r in c.fetchall()}
            migrated = None
            if "tracking" in present:
                c.execute("SELECT notification_id FROM tracking WHERE application_name = ?",
                          (self.table_migration_identifier,))
                row = c.fetchone()
                migrated = row[0] if row else None
        return present, migrated


class PostgresReadModel(ReadModelQueries, PostgresTrackingRecorder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schema = self.datastore.schema.replace('"', "")
        self.tracking_table = f'"{self._schema}".{self.tracking_table_name}'

    def _q(self, statement: str) -> str:
        return statement.replace("?", "%s").replace(" rm_", f' "{self._schema}".rm_')

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict]:
        """One statement straight on a pooled connection, which the library keeps in
        autocommit: its own snapshot, one round trip instead of the library transaction's
        three (BEGIN, the SELECT, ROLLBACK)."""
        with self.datastore.get_connection() as connection:
            if not connection.autocommit:  # not the library's connection set-up: keep to its way
                with connection.transaction(force_rollback=True):
                    return connection.execute(self._q(statement), list(params)).fetchall()
            return connection.execute(self._q(statement), list(params)).fetchall()

    def create_table(self) -> None:
        with self.datastore.transaction(commit=False) as c:
            indexes = existing_indexes(c, self._schema)
        self.sql_create_statements = not_yet_there(self.sql_create_statements, indexes, lambda s: s.as_string())
        super().create_table()
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s",
                      (self._schema,))
            tables: dict[str, set[str]] = {}
            for r in c.fetchall():
                tables.setdefault(r["table_name"], set()).add(r["column_name"])
        missing = not set(sql.READ_MODEL_TABLES) <= tables.keys()
        added = added_columns(sql.TABLES, tables)
        statements = not_yet_there([self._q(statement) for statement in sql.TABLES], indexes)
        if missing or statements or added:
            with self.datastore.transaction(commit=True) as c:
                self._add_columns(c, added)  # before the indexes on them
                for statement in statements:
                    c.execute(statement)
        self._forget_position_if(missing)
