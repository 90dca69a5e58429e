"""Rebuilding the read models from the log into a fresh store, and comparing a rebuild
with the live read models row by row, so any difference is reported, not hidden."""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from eventsourcing.application import Application

from . import sql
from .projector import LedgerProjection
from .runner import ProjectionRunner
from .store import ReadModelQueries

# A rebuild's batches: the live projection's code, in larger transactions. A claim with several
# events in one batch gets its row (view and JSON) written once for them, and each batch
# pays one commit; the memory held is one batch's events and rows.
REBUILD_BATCH_EVENTS = 10_000
# Python's cyclic collector runs every 700 net new container objects by default; a rebuild
# makes millions (decoded events, aggregates, rows) that die by reference counting at the
# end of their batch, and each collection of the older generations walks the aggregates the
# projector holds: a sixth of a rebuild's CPU. During a rebuild the youngest generation is
# collected every 100,000 instead (17 % less CPU, 62,056-event log, docs/BENCHMARKS.md);
# cycles are still collected, only later.
REBUILD_GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector's first threshold raised for the duration, then restored."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], REBUILD_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def rebuild(app: Application, fresh: ReadModelQueries, *, upto: int | None = None,
            progress: Callable[[int, int], None] | None = None,
            batch_events: int = REBUILD_BATCH_EVENTS) -> int:
    """Project the whole log (or up to position `upto`) into `fresh`; returns the events."""
    runner = ProjectionRunner(app, LedgerProjection(fresh, app), batch_events=batch_events)
    with fewer_collections():
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
