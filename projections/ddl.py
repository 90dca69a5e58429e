"""Creating tables on PostgreSQL without taking locks a running system holds. `CREATE INDEX
IF NOT EXISTS` locks its table (SHARE) before it finds the index there: a process starting
while another writes takes those locks in its own order and deadlocks with the writer's
(seen: a restarted API worker against the projector). So statements for indexes that
exist already are left out, and a ledger that is set up creates nothing at start-up.

A column declared since a store was made is added to it (ALTER TABLE, for both databases)
and the read models are rebuilt from the log (projections/store.py)."""
from __future__ import annotations

import re

_INDEX = re.compile(r'CREATE\s+(?:UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def existing_indexes(cursor, schema: str) -> set[str]:
    cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s", (schema,))
    return {row["indexname"] if isinstance(row, dict) else row[0] for row in cursor.fetchall()}


def not_yet_there(statements: list, existing: set[str], text=lambda s: s) -> list:
    """The statements still to run: all but those creating an index that exists."""
    kept = []
    for statement in statements:
        found = _INDEX.search(text(statement))
        if found is None or found.group(1) not in existing:
            kept.append(statement)
    return kept


_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)


def declared_columns(statements) -> dict[str, dict[str, str]]:
    """Each table's columns and their definitions, as its CREATE TABLE statement declares
    them (one column to a line; a table's key on a line of its own)."""
    tables = {}
    for statement in statements:
        found = _CREATE_TABLE.match(statement.strip())
        if found is not None:
            parts = (part.strip().split(None, 1) for part in found.group(2).split(",\n"))
            tables[found.group(1)] = {part[0]: part[1] for part in parts if part[0].upper() != "PRIMARY"}
    return tables


def added_columns(statements, present: dict[str, set[str]]) -> list[str]:
    """ALTER TABLE statements for the declared columns a table made before lacks (a column
    declared since; NOT NULL only with a DEFAULT, which ALTER TABLE ADD COLUMN requires).
    Tables not there yet are left to their CREATE TABLE."""
    return [f"ALTER TABLE {table} ADD COLUMN {column} {definition}"
            for table, columns in declared_columns(statements).items() if table in present
            for column, definition in columns.items() if column not in present[table]]
