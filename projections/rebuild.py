"""Rebuilding the read models from the log into a fresh store, and comparing a rebuild
with the live read models row by row, so any difference is reported, not hidden."""
from __future__ import annotations

from collections.abc import Callable

from eventsourcing.application import Application

from . import sql
from .projector import LedgerProjection
from .runner import ProjectionRunner
from .store import ReadModelQueries


# A rebuild's batches: the live projection's code, in larger transactions. A claim with several
# events in one batch gets its row (view and JSON) written once for them, and each batch
# pays one commit; the memory held is one batch's events and rows.
REBUILD_BATCH_EVENTS = 10_000


def rebuild(app: Application, fresh: ReadModelQueries, *, upto: int | None = None,
            progress: Callable[[int, int], None] | None = None,
            batch_events: int = REBUILD_BATCH_EVENTS) -> int:
    """Project the whole log (or up to position `upto`) into `fresh`; returns the events."""
    runner = ProjectionRunner(app, LedgerProjection(fresh, app), batch_events=batch_events)
    return runner.catch_up(progress=progress, upto=upto)


def differences(live: ReadModelQueries, rebuilt: ReadModelQueries, *, limit: int = 50) -> list[str]:
    """Rows that differ between two read-model stores, described for a person."""
    found: list[str] = []
    for table in sql.READ_MODEL_TABLES:
        keys = sql.KEYS[table]
        left = {tuple(r[k] for k in keys): r for r in live.all_rows(table)}
        right = {tuple(r[k] for k in keys): r for r in rebuilt.all_rows(table)}
        for key in sorted(left.keys() | right.keys(), key=str):
            a, b = left.get(key), right.get(key)
            if a is None:
                found.append(f"{table} {key}: missing from the live read model")
            elif b is None:
                found.append(f"{table} {key}: in the live read model but not in the rebuild")
            elif a != b:
                columns = [c for c in a if a[c] != b.get(c)]
                found.append(f"{table} {key}: differs in {', '.join(columns)}")
            if len(found) >= limit:
                return found
    return found
