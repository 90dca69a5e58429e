"""The write path: one thread owns the aggregates in memory and commits the commands
queued since its last commit in a single transaction (group commit). Each caller is
answered only after that commit, so an answer means durable.

Commands check their preconditions before recording events, so a refused command
leaves nothing behind. If one breaks that rule, or saving the batch fails in any way
(an event that cannot be encoded, a conflict, a full disk, a timeout, whatever the
exception), every aggregate the batch touched is dropped from memory, so memory equals
the store again, and the commands are run again one by one: only the command at fault
fails, and its caller hears why (`validation_error` when its own values cannot be
stored, `unavailable` when the store failed)."""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import RecordConflictError

from .aggregate_cache import AggregateCache
from .errors import Conflict, LedgerError, NotFound, TooManyRequests, Unavailable, ValidationFailed

log = logging.getLogger(__name__)

MAX_BATCH_COMMANDS = 500
MAX_QUEUED_COMMANDS = 10_000
MAX_CACHED_AGGREGATES = 100_000
MAX_CACHED_BYTES = 256 * 2**20  # LEDGER_WRITER_CACHE_MB's default
MAX_CONFLICT_RETRIES = 3
# A batch that met another process's write to one of its aggregates runs again as a batch,
# on fresh state, before it falls back to a transaction a command: two API processes
# writing the same fund conflict often, and N transactions for N commands cost far more
# than one more try (measured: docs/BENCHMARKS.md, "Two API processes on PostgreSQL").
MAX_BATCH_CONFLICT_RETRIES = 2
SNAPSHOT_INTERVAL_EVENTS = 100
MAX_KNOWN_ABSENT = 200_000
# Re-running a failed batch command by command: after this many store failures in a row
# the store itself is down, and the rest of the batch is answered `unavailable` at once.
MAX_STORE_FAILURES_IN_A_ROW = 2


class _EncodingFailed(Exception):
    """A command's events cannot be turned into stored bytes: its own values are at fault."""


class _StoreFailed(Exception):
    """The store did not take a transaction, for a reason other than a stale aggregate."""


class UnitOfWork:
    """What one batch has read and changed. Commands see each other's changes."""

    def __init__(self, app: Application, cache: AggregateCache, absent: set[UUID] | None = None,
                 refusals: dict[UUID, tuple[str, dict]] | None = None):
        self._app = app
        # Refusals kept under the batch's idempotency keys (found before it ran), and those
        # its commands refused: kept outside the log once the batch is committed.
        self._refusals = refusals if refusals is not None else {}
        self.new_refusals: dict[UUID, tuple[str, dict]] = {}
        self._cache = cache
        # Ids known to have no events in the store (see GroupCommitWriter._absent). Trusting
        # it is safe: should one have been created elsewhere, creating it again fails the
        # insert, and the command is re-run after the writer has caught up with the store.
        self._absent = absent if absent is not None else set()
        self.touched: dict[UUID, Aggregate] = {}
        self.stored_bytes: dict[UUID, int] = {}  # per aggregate, what its events took in the store
        self._versions_at_start: dict[UUID, int] = {}
        # Aggregates this batch loaded without a usable snapshot close to their version (none
        # yet, one stored by an earlier version, or one that failed its check): snapshotted
        # after the commit, so the next load is short again.
        self.unsnapshotted: set[UUID] = set()
        # Every access with the aggregate's pending-event count at that moment: a command
        # changed something if an aggregate it reached has more pending events now.
        self._accesses: list[tuple[Aggregate, int]] = []
        # Aggregates left out of the writer's memory after the commit (keep_out_of_memory).
        self.not_kept: set[UUID] = set()

    def find(self, cls: type, aggregate_id: UUID) -> Any:
        aggregate = self.touched.get(aggregate_id)
        if aggregate is None:
            aggregate = self._cache.get(aggregate_id)
            if aggregate is None:
                if aggregate_id in self._absent:
                    return None
                try:
                    aggregate = self._app.repository.get(aggregate_id)
                except AggregateNotFoundError:
                    if len(self._absent) >= MAX_KNOWN_ABSENT:
                        self._absent.clear()  # a bound on memory; forgetting is always safe
                    self._absent.add(aggregate_id)
                    return None
                replayed = getattr(self._app.repository, "events_replayed", None)
                if replayed is not None and replayed(aggregate_id) >= SNAPSHOT_INTERVAL_EVENTS:
                    self.unsnapshotted.add(aggregate_id)
            self._remember(aggregate)
        self._accesses.append((aggregate, len(aggregate.pending_events)))
        return aggregate if isinstance(aggregate, cls) else None

    def get(self, cls: type, aggregate_id: UUID, what: str) -> Any:
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise NotFound(f"{what} not found")
        return aggregate

    def keep_out_of_memory(self, aggregate_id: UUID) -> None:
        """After the commit, leave this aggregate out of the writer's memory: a large one that
        later commands rarely need (a bank statement) is loaded again when one does."""
        self.not_kept.add(aggregate_id)

    def existing(self, ids: list[UUID]) -> set[UUID]:
        """Which of these ids have an aggregate, in this batch or in the store: a query per
        few hundred ids instead of loading each (a period close asks about a month's items)."""
        found = {i for i in ids if i in self.touched or i in self._cache}
        rest = [i for i in ids if i not in found and i not in self._absent]
        exists = getattr(self._app.recorder, "existing_ids", None)
        if rest and exists is not None:
            found |= exists(rest)
        elif rest:
            found |= {i for i in rest if self.find(Aggregate, i) is not None}
        return found

    def add(self, aggregate: Aggregate) -> Aggregate:
        # Callers look up derived ids before creating them; should another process have
        # created one meanwhile, the insert itself fails and the command is re-run.
        if aggregate.id in self.touched or aggregate.id in self._cache:
            raise Conflict(f"aggregate {aggregate.id} already exists")
        self._remember(aggregate, new=True)
        self._accesses.append((aggregate, 0))
        return aggregate

    def _remember(self, aggregate: Aggregate, new: bool = False) -> None:
        self.touched[aggregate.id] = aggregate
        self._versions_at_start[aggregate.id] = 0 if new else aggregate.version - len(aggregate.pending_events)

    def kept_refusal(self, key: UUID) -> tuple[str, dict] | None:
        """(request hash, outcome) of the refusal kept under an idempotency key, if any."""
        return self.new_refusals.get(key) or self._refusals.get(key)

    def keep_refusal(self, key: UUID, request_hash: str, outcome: dict) -> None:
        """Keep a refusal under its key, outside the log, once the batch is committed; the
        key answers it from then on (to the batch's later commands at once)."""
        self.new_refusals.setdefault(key, (request_hash, outcome))

    def mark(self) -> int:
        return len(self._accesses)

    def changed_since(self, mark: int) -> bool:
        return any(len(a.pending_events) != n for a, n in self._accesses[mark:])

    def pending(self) -> list[Aggregate]:
        return [a for a in self.touched.values() if a.pending_events]


# Ids a command will look up: given, or derived in the writer from aggregates it holds
# (`peek(id)` answers from memory only, None if not there).
Expected = tuple[UUID, ...] | Callable[[Callable[[UUID], Any]], tuple[UUID, ...]]


@dataclass
class _Command:
    fn: Callable[[UnitOfWork], Any]
    future: Future
    expect: Expected = ()
    key: UUID | None = None  # its idempotency key's id, whose kept refusal it may need


class GroupCommitWriter:
    def __init__(self, app: Application, *, on_commit: Callable[[int], None] | None = None,
                 max_batch: int = MAX_BATCH_COMMANDS, max_cached: int = MAX_CACHED_AGGREGATES,
                 max_queued: int = MAX_QUEUED_COMMANDS, refusals: Any = None,
                 max_cached_bytes: int = MAX_CACHED_BYTES):
        """`refusals`: where refusals are kept under their idempotency keys, outside the log
        (adapters/refusals.py: `find(ids)`, `keep(rows)`); without it they are not kept."""
        self.app = app
        self._kept_refusals = refusals
        self._on_commit = on_commit
        self._max_batch = max_batch
        self._queue: queue.Queue[_Command | None] = queue.Queue(maxsize=max_queued)
        # The aggregates as of the last commit, within a count and a size in bytes.
        self._cache = AggregateCache(max_cached, max_cached_bytes)
        # The log position up to which the cache is known to be current, and the positions
        # this writer committed since: see _sync_with_store.
        self._seen = app.recorder.max_notification_id() or 0
        self._own: set[int] = set()
        # Ids looked up and found without events, as of self._seen: new uniqueness keys and
        # idempotency records are looked up before they are created, and one query for the
        # whole batch (or none, for an id already known absent) beats one per command.
        self._absent: set[UUID] = set()
        self._exists = getattr(app.recorder, "existing_ids", None)
        self.batch_conflicts = 0  # batches run again after another process wrote one of their aggregates
        self.rolled_forward = 0  # other processes' events applied to cached aggregates
        self._thread = threading.Thread(target=self._loop, name="ledger-writer", daemon=True)
        self._thread.start()
        self.batches_committed = 0
        self.commands_committed = 0

    def execute(self, fn: Callable[[UnitOfWork], Any], *, expect: Expected = (),
                timeout_s: float = 30.0) -> tuple[Any, int | None]:
        """Run `fn` in the writer; once durable, return its result and the log position
        of the commit that holds it (None when nothing was written). `expect` names ids
        `fn` will look up, so that the batch asks the store about all of them at once."""
        return self.submit(fn, expect=expect).result_or_raise(timeout_s)

    def submit(self, fn: Callable[[UnitOfWork], Any], *, expect: Expected = (),
               key: UUID | None = None) -> "_Pending":
        """`key`: the id of the command's idempotency key: the refusal kept under it, if any,
        is looked up with the batch's (UnitOfWork.kept_refusal)."""
        future: Future = Future()
        try:
            self._queue.put_nowait(_Command(fn, future, expect, key))
        except queue.Full:
            raise TooManyRequests("the write queue is full; retry after a pause", retry_after_s=1) from None
        return _Pending(future)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)

    # The writer thread ------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            try:
                self._run_batch(batch)
            except BaseException as exc:  # the writer must never die with callers waiting
                log.exception("writer batch failed")
                # Whatever failed, memory may be ahead of the store: start again from the store.
                self._cache.clear()
                self._absent.clear()
                answer = exc if isinstance(exc, LedgerError) else Unavailable(
                    "the write could not be completed; retry with the same Idempotency-Key")
                for cmd in batch:
                    if not cmd.future.done():
                        cmd.future.set_exception(answer)
                if not isinstance(exc, Exception):
                    raise  # KeyboardInterrupt, SystemExit: the thread stops, callers have answers
            if stop:
                return

    def _run_batch(self, batch: list[_Command], conflicts: int = 0) -> None:
        self._sync_with_store()
        self._look_up_expected(batch)
        uow = UnitOfWork(self.app, self._cache, self._absent, self._find_refusals(batch))
        outcomes: list[tuple[_Command, Any, BaseException | None]] = []
        for cmd in batch:
            mark = uow.mark()
            try:
                outcomes.append((cmd, cmd.fn(uow), None))
            except LedgerError as exc:
                if uow.changed_since(mark):
                    return self._rerun_alone(batch, uow)
                outcomes.append((cmd, None, exc))
            except Exception:
                return self._rerun_alone(batch, uow)
        self._commit(uow, outcomes, batch, conflicts)

    def _rerun_alone(self, batch: list[_Command], uow: UnitOfWork) -> None:
        """Memory back to the store, then each command in its own transaction."""
        self._forget(uow)
        failures_in_a_row = 0
        for cmd in batch:
            if failures_in_a_row >= MAX_STORE_FAILURES_IN_A_ROW:
                cmd.future.set_exception(Unavailable("the store is not taking writes; retry shortly"))
                continue
            failed = self._run_alone(cmd)
            failures_in_a_row = failures_in_a_row + 1 if failed else 0

    def _run_alone(self, cmd: _Command) -> bool:
        """Run one command in a transaction of its own; True if the store failed it."""
        for _attempt in range(MAX_CONFLICT_RETRIES):
            self._sync_with_store()
            uow = UnitOfWork(self.app, self._cache, self._absent, self._find_refusals([cmd]))
            try:
                result = cmd.fn(uow)
            except LedgerError as exc:
                if uow.changed_since(0):
                    self._forget(uow)
                cmd.future.set_exception(exc)
                return False
            except Exception as exc:
                self._forget(uow)
                log.exception("command failed")
                cmd.future.set_exception(exc)
                return False
            try:
                position = self._save(uow)
            except RecordConflictError:
                self._forget(uow)
                self._absent.clear()  # one of them may be what another process just created
                continue
            except _EncodingFailed as exc:
                self._forget(uow)
                cmd.future.set_exception(ValidationFailed(
                    f"the request holds a value that cannot be stored ({exc}); send text without lone "
                    "surrogates or control characters and numbers within their declared ranges", field="body"))
                return False
            except _StoreFailed as exc:
                self._forget(uow)
                cmd.future.set_exception(Unavailable(f"the store refused the write: {exc}"))
                return True
            self._after_commit(uow, position)
            self._keep_refusals(uow)
            cmd.future.set_result((result, position))
            self.commands_committed += 1
            return False
        cmd.future.set_exception(Conflict("the resource was changed concurrently; retry the request"))
        return False

    def _commit(self, uow: UnitOfWork, outcomes: list, batch: list[_Command], conflicts: int = 0) -> None:
        try:
            position = self._save(uow)
        except RecordConflictError:
            # Another process wrote one of our aggregates: the batch again on fresh state (the
            # sync forgets what the other process wrote), then, if it still meets writes,
            # each command on its own, so one contested aggregate does not fail the others.
            self._absent.clear()
            if conflicts < MAX_BATCH_CONFLICT_RETRIES:
                self._forget(uow)
                self.batch_conflicts += 1
                self._run_batch(batch, conflicts + 1)
            else:
                self._rerun_alone(batch, uow)
            return
        except (_EncodingFailed, _StoreFailed):
            # Which command is at fault is not known (or none is: a transient failure),
            # so each runs again alone and only the one at fault fails.
            self._rerun_alone(batch, uow)
            return
        self._after_commit(uow, position)
        self._keep_refusals(uow)
        for cmd, result, exc in outcomes:
            if exc is None:
                cmd.future.set_result((result, position))
            else:
                cmd.future.set_exception(exc)
        self.commands_committed += len(batch)

    def _save(self, uow: UnitOfWork) -> int | None:
        """Write the batch's events in one transaction; its log position, or None if it had
        none. Raises RecordConflictError (a stale aggregate), _EncodingFailed or _StoreFailed;
        after any of them the batch's aggregates have lost their pending events and must be
        forgotten."""
        events = [e for aggregate in uow.pending() for e in aggregate.collect_events()]
        if not events:
            return None
        # The event store directly: Application.save adds per-object protocol checks and
        # would re-read each aggregate to snapshot it; the writer snapshots from memory.
        try:
            stored = [self.app.mapper.to_stored_event(e) for e in events]
        except Exception as exc:
            raise _EncodingFailed(f"{type(exc).__name__} in a {type(events[0]).__qualname__} or later event") from exc
        try:
            ids = self.app.recorder.insert_events(stored)
        except RecordConflictError:
            raise
        except Exception as exc:
            log.warning("the store failed a write of %d events: %s: %s", len(stored), type(exc).__name__, exc)
            raise _StoreFailed(type(exc).__name__) from exc
        for event in stored:
            uow.stored_bytes[event.originator_id] = uow.stored_bytes.get(event.originator_id, 0) + len(event.state)
        if ids:
            self._own.update(ids)
        self.batches_committed += 1
        return ids[-1] if ids else None

    def _find_refusals(self, batch: list[_Command]) -> dict[UUID, tuple[str, dict]]:
        """The refusals kept under the batch's idempotency keys: one query, asked afresh for
        every batch (another process may have kept one since)."""
        keys = {cmd.key for cmd in batch if cmd.key is not None}
        if not keys or self._kept_refusals is None:
            return {}
        return self._kept_refusals.find(keys)

    def _keep_refusals(self, uow: UnitOfWork) -> None:
        """Keep the batch's refusals before its callers hear them. Nothing of the ledger
        depends on it: should the store fail it now, each caller still hears its refusal,
        and a repeat is decided afresh."""
        if not uow.new_refusals or self._kept_refusals is None:
            return
        try:
            self._kept_refusals.keep([(key, *kept) for key, kept in uow.new_refusals.items()])
        except Exception as exc:
            log.warning("keeping %d refusals under their idempotency keys failed: %s: %s", len(uow.new_refusals),
                        type(exc).__name__, exc)

    def _look_up_expected(self, batch: list[_Command]) -> None:
        """Learn in one query which of the batch's expected ids have no events. Only an
        optimisation: should it fail, each command looks its ids up itself."""
        if self._exists is None:
            return
        peek = self._cache.get
        unknown: set[UUID] = set()
        try:
            for cmd in batch:
                unknown.update(cmd.expect(peek) if callable(cmd.expect) else cmd.expect)
            unknown = {i for i in unknown if i not in self._cache and i not in self._absent}
            if not unknown:
                return
            found = self._exists(list(unknown))
        except Exception:
            log.warning("looking up a batch's expected ids failed; its commands look them up one by one",
                        exc_info=True)
            return
        if len(self._absent) + len(unknown) > MAX_KNOWN_ABSENT:
            self._absent.clear()
        self._absent.update(unknown - found)

    def _sync_with_store(self) -> None:
        """Bring cached aggregates up to what another process wrote since we last looked, so
        no command (a refusal least of all: it is never caught by the optimistic concurrency
        check) is decided on a stale copy. One MAX query per batch; the log is read only
        when positions other than our own were written."""
        head = self.app.recorder.max_notification_id() or 0
        if head <= self._seen:
            return
        if head - self._seen != len(self._own):
            start = self._seen
            while True:
                notifications = self.app.recorder.select_notifications(
                    start=start, limit=1_000, stop=head, inclusive_of_start=False)
                self._roll_forward([n for n in notifications if n.id not in self._own])
                if len(notifications) < 1_000:
                    break
                start = notifications[-1].id
        self._seen = head
        self._own.clear()

    def _roll_forward(self, foreign: list) -> None:
        """Other processes' events applied to the cached aggregates they follow, instead of
        forgetting those and loading them again (a fund written from two API processes was
        reloaded, snapshot and events, before nearly every batch: docs/BENCHMARKS.md). Only
        events the keyed chain vouches for are applied; any doubt (an event not vouched for,
        one that does not follow the cached version, one that fails to apply) forgets the
        aggregate, and loading it again decides, as before."""
        for n in foreign:
            self._absent.discard(n.originator_id)
        # Only the events of aggregates held here are read further: most of another
        # process's writes (new claims, their keys) are of aggregates this one never loaded.
        held = [n for n in foreign if n.originator_id in self._cache]
        if not held:
            return
        authenticate = getattr(self.app.recorder, "authenticate", None)
        vouched = authenticate is None or authenticate(held) is None
        for n in held:
            cached = self._cache.get(n.originator_id)
            if cached is None:
                continue
            if vouched and cached.version == n.originator_version - 1:
                try:
                    rolled = self.app.mapper.to_domain_event(n).mutate(cached)
                except Exception as exc:
                    log.warning("another process's event at %s did not apply to the cached aggregate (%s: %s); "
                                "loading it again", n.id, type(exc).__name__, exc)
                else:
                    self._cache.put(n.originator_id, rolled, added_bytes=len(n.state))
                    self.rolled_forward += 1
                    continue
            self._cache.pop(n.originator_id, None)

    def _after_commit(self, uow: UnitOfWork, position: int | None) -> None:
        """The batch is durable: keep its aggregates. Nothing here may fail a caller, whose
        command is committed whatever happens next."""
        for aggregate_id, aggregate in uow.touched.items():
            self._absent.discard(aggregate_id)
            start = uow._versions_at_start.get(aggregate_id, aggregate.version)
            self._cache.put(aggregate_id, aggregate, added_bytes=uow.stored_bytes.get(aggregate_id, 0), new=start == 0)
            if (aggregate.version // SNAPSHOT_INTERVAL_EVENTS > start // SNAPSHOT_INTERVAL_EVENTS
                    or aggregate_id in uow.unsnapshotted):
                self._snapshot(aggregate)
        for aggregate_id in uow.not_kept:
            self._cache.pop(aggregate_id, None)
        self._cache.trim()
        if position is not None and self._on_commit is not None:
            try:
                self._on_commit(position)
            except Exception:
                log.exception("the commit listener failed; the read models catch up at their next poll")

    def _snapshot(self, aggregate: Aggregate) -> None:
        # Long streams (a fund takes an event per approval and payment) load from here. The
        # store tags each snapshot against the chain (ledger/snapshot_store.py); without a
        # snapshot key it keeps none.
        if self.app.snapshots is None:
            return
        try:
            self.app.snapshots.put([Snapshot.take(aggregate)])
        except RecordConflictError:
            pass  # another process took the same snapshot
        except Exception as exc:
            log.warning("snapshot of %s failed (%s); it will be taken at the next interval", aggregate.id,
                        type(exc).__name__)

    def _forget(self, uow: UnitOfWork) -> None:
        for aggregate_id in uow.touched:
            self._cache.pop(aggregate_id, None)


class _Pending:
    def __init__(self, future: Future):
        self._future = future

    @property
    def future(self) -> Future:
        """Resolved with (result, position) once durable, or with the command's refusal."""
        return self._future

    def result_or_raise(self, timeout_s: float) -> Any:
        try:
            return self._future.result(timeout=timeout_s)
        except FutureTimeout:
            raise Unavailable("the write did not complete in time; retry with the same Idempotency-Key") from None
