"""Creating tables on PostgreSQL without taking locks a running system holds. `CREATE INDEX
IF NOT EXISTS` locks its table (SHARE) before it finds the index there: a process starting
while another writes takes those locks in its own order and deadlocks with the writer's
(seen: a restarted API worker against the projector). So statements for indexes that
exist already are left out, and a ledger that is set up creates nothing at start-up."""
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
