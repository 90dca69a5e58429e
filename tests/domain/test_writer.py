"""The group-commit writer on a real store (SQLite and PostgreSQL): batching, isolation
of refused and misbehaving commands, retries after a stale write, and no half-written
state."""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections import Counter
from uuid import uuid4

import pytest

from ledger.application import LedgerApplication
from ledger.domain.fund import Fund
from ledger.domain.ids import fund_aggregate_id
from ledger.errors import InsufficientFunds, InvalidState, Unavailable
from ledger.writer import GroupCommitWriter

from .conftest import CHAIN, SNAPSHOT_KEY

D = dt.date(2022, 6, 10)
F1, F2, F3 = "employment_subsidy:210100", "employment_subsidy:210200", "unemployment_insurance:210100"


def sqlite_env(path, **extra) -> dict:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path), **extra}


# Commands ------------------------------------------------------------------------------
def open_cmd(code: str):
    def fn(uow):
        fund_type, region = code.split(":")
        uow.add(Fund(id=fund_aggregate_id(code), fund_code=code, fund_type=fund_type, region=region, name=code,
                     actor="t"))
        return code
    return fn


def allocate_cmd(code: str, amount: int, tag=None):
    def fn(uow):
        fund = uow.get(Fund, fund_aggregate_id(code), code)
        fund.allocate(allocation_id=str(uuid4()), amount_fen=amount, source="central", document_no="d",
                      effective_date=D, memo=None, actor="t")
        return tag, fund.allocated_fen
    return fn


def reserve_cmd(code: str, amount: int):
    def fn(uow):
        fund = uow.get(Fund, fund_aggregate_id(code), code)
        fund.reserve("claim", "internship", amount, D, "r")
        return fund.reserved_fen
    return fn


def record_then_raise_cmd(code: str, error: Exception):
    """Breaks the rule: records an event, then refuses."""
    def fn(uow):
        fund = uow.get(Fund, fund_aggregate_id(code), code)
        fund.allocate(allocation_id="rogue", amount_fen=999_999, source="other", document_no="rogue",
                      effective_date=D, memo=None, actor="rogue")
        raise error
    return fn


def read_cmd(code: str):
    def fn(uow):
        fund = uow.get(Fund, fund_aggregate_id(code), code)
        return fund.allocated_fen, fund.reserved_fen, fund.version
    return fn


# Helpers -------------------------------------------------------------------------------
class Gate:
    """Holds the writer thread inside a command, so what is submitted meanwhile queues
    up and is taken as one batch when the gate opens."""

    def __init__(self, writer: GroupCommitWriter):
        self._writer = writer
        self._open = threading.Event()
        entered = threading.Event()

        def hold(uow):
            entered.set()
            assert self._open.wait(30)
            return "gate"

        self.pending = writer.submit(hold)
        assert entered.wait(10)

    def open_when_queued(self, n: int) -> None:
        deadline = time.monotonic() + 10
        while self._writer._queue.qsize() < n:
            assert time.monotonic() < deadline, "commands did not queue"
            time.sleep(0.001)
        self._open.set()
        assert self.pending.result_or_raise(10) == ("gate", None)


def stored(app: LedgerApplication):
    notifications = app.recorder.select_notifications(start=None, limit=100_000)
    return [app.mapper.to_domain_event(n) for n in notifications]


def assert_store_is_clean(app: LedgerApplication) -> None:
    """Every aggregate's stored versions run 1..n without a gap or a repeat."""
    versions: dict = {}
    for e in stored(app):
        versions.setdefault(e.originator_id, []).append(e.originator_version)
    for ids in versions.values():
        assert ids == list(range(1, len(ids) + 1))


def stored_fund(app, code: str) -> Fund:
    return app.repository.get(fund_aggregate_id(code))


def allocations(app, code: str) -> list[int]:
    return [e.amount_fen for e in stored(app) if type(e).__name__ == "Allocated"
            and e.originator_id == fund_aggregate_id(code)]


# Tests ---------------------------------------------------------------------------------
def test_single_command_is_durable_with_its_position(writer, app):
    result, position = writer.execute(open_cmd(F1))
    assert result == F1
    assert position == app.recorder.max_notification_id() == 1
    (tag, total), position = writer.execute(allocate_cmd(F1, 100, "a"))
    assert (tag, total, position) == ("a", 100, 2)
    assert stored_fund(app, F1).allocated_fen == 100


def test_a_command_that_writes_nothing_has_no_position(writer, app):
    writer.execute(open_cmd(F1))
    assert writer.execute(read_cmd(F1)) == ((0, 0, 1), None)


def test_many_commands_from_several_threads_commit_in_fewer_transactions(writer, app):
    writer.execute(open_cmd(F1))
    writer.execute(open_cmd(F2))
    batches_before = writer.batches_committed
    threads_n, per_thread = 8, 40
    commands = threads_n * per_thread
    gate = Gate(writer)
    results: dict = {}
    errors: list = []

    def caller(t: int) -> None:
        try:
            pendings = [(i, writer.submit(allocate_cmd(F1 if i % 2 else F2, t * 1000 + i, (t, i))))
                        for i in range(per_thread)]
            for i, pending in pendings:
                results[(t, i)] = pending.result_or_raise(30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=caller, args=(t,)) for t in range(threads_n)]
    for th in threads:
        th.start()
    gate.open_when_queued(commands)
    for th in threads:
        th.join(30)
    assert not errors
    assert len(results) == commands
    batches = writer.batches_committed - batches_before
    assert 1 <= batches < commands
    # Each caller got the answer to its own command, after its commit.
    head = app.recorder.max_notification_id()
    for (t, i), ((tag, total), position) in results.items():
        assert tag == (t, i)
        assert total >= t * 1000 + i
        assert position is not None and position <= head
    assert len({position for _, position in results.values()}) == batches
    expected = {F1: sum(t * 1000 + i for t in range(threads_n) for i in range(per_thread) if i % 2),
                F2: sum(t * 1000 + i for t in range(threads_n) for i in range(per_thread) if not i % 2)}
    for code, total in expected.items():
        assert stored_fund(app, code).allocated_fen == total
        assert len(allocations(app, code)) == commands // 2
    # Within one fund, running totals are all different: no command saw a stale fund.
    for code in (F1, F2):
        totals = sorted(total for (tag, total), _ in results.values() if (tag[1] % 2 == 1) == (code == F1))
        assert len(set(totals)) == len(totals)
    assert_store_is_clean(app)


def test_refused_command_in_a_batch_leaves_nothing_and_others_commit(writer, app):
    writer.execute(open_cmd(F1))
    writer.execute(open_cmd(F2))
    writer.execute(allocate_cmd(F1, 1_000))
    head = app.recorder.max_notification_id()
    batches_before = writer.batches_committed
    gate = Gate(writer)
    a = writer.submit(allocate_cmd(F1, 500, "a"))
    refused = writer.submit(reserve_cmd(F1, 10_000))          # more than the 1,500 fen available
    c = writer.submit(allocate_cmd(F2, 700, "c"))
    d = writer.submit(reserve_cmd(F1, 1_500))                 # sees a's allocation in the same batch
    gate.open_when_queued(4)
    (tag_a, total_a), pos_a = a.result_or_raise(10)
    with pytest.raises(InsufficientFunds):
        refused.result_or_raise(10)
    (tag_c, total_c), pos_c = c.result_or_raise(10)
    reserved_d, pos_d = d.result_or_raise(10)
    assert (tag_a, total_a, tag_c, total_c, reserved_d) == ("a", 1_500, "c", 700, 1_500)
    assert pos_a == pos_c == pos_d == head + 3                 # one commit for the batch
    assert writer.batches_committed == batches_before + 1
    events = stored(app)[head:]
    assert Counter(type(e).__name__ for e in events) == Counter({"Allocated": 2, "Reserved": 1})
    assert all(e.amount_fen != 10_000 for e in events)
    fund = stored_fund(app, F1)
    assert (fund.allocated_fen, fund.reserved_fen) == (1_500, 1_500)
    assert writer.execute(read_cmd(F1))[0] == (1_500, 1_500, fund.version)
    assert_store_is_clean(app)


@pytest.mark.parametrize("error", [InvalidState("refused after recording"), RuntimeError("a bug")],
                         ids=["ledger-error", "bug"])
def test_command_that_records_then_raises_is_discarded_and_the_batch_still_commits(writer, app, error):
    writer.execute(open_cmd(F1))
    writer.execute(open_cmd(F2))
    head = app.recorder.max_notification_id()
    gate = Gate(writer)
    a = writer.submit(allocate_cmd(F1, 100, "a"))             # same fund as the rogue command
    rogue = writer.submit(record_then_raise_cmd(F1, error))
    c = writer.submit(allocate_cmd(F2, 300, "c"))
    e = writer.submit(allocate_cmd(F1, 50, "e"))
    gate.open_when_queued(4)
    assert a.result_or_raise(10)[0] == ("a", 100)
    with pytest.raises(type(error)):
        rogue.result_or_raise(10)
    assert c.result_or_raise(10)[0] == ("c", 300)
    assert e.result_or_raise(10)[0] == ("e", 150)
    assert allocations(app, F1) == [100, 50]
    assert allocations(app, F2) == [300]
    assert all(getattr(ev, "allocation_id", None) != "rogue" for ev in stored(app)[head:])
    # Memory agrees with the store: the rogue allocation is nowhere.
    fund = stored_fund(app, F1)
    assert writer.execute(read_cmd(F1))[0] == (150, 0, fund.version)
    assert writer.execute(allocate_cmd(F1, 1))[0][1] == 151
    assert_store_is_clean(app)


def test_rogue_command_that_creates_an_aggregate_then_raises_leaves_nothing(writer, app):
    def create_then_raise(uow):
        open_cmd(F3)(uow)
        raise InvalidState("changed my mind")

    with pytest.raises(InvalidState):
        writer.execute(create_then_raise)
    assert app.recorder.max_notification_id() in (0, None)
    assert writer.execute(open_cmd(F3))[0] == F3


def test_stale_aggregate_conflict_is_retried_and_the_final_state_is_correct(writer, app, db):
    writer.execute(open_cmd(F1))
    writer.execute(open_cmd(F2))
    writer.execute(allocate_cmd(F1, 1_000))        # the writer now holds F1 (version 2) in memory
    other = LedgerApplication(env=db, snapshot_key=SNAPSHOT_KEY, chain_key=CHAIN)
    try:
        fund = other.repository.get(fund_aggregate_id(F1))
        fund.allocate(allocation_id="other", amount_fen=20_000, source="central", document_no="other process",
                      effective_date=D, memo=None, actor="other")
        other.save(fund)                            # F1 is version 3 in the store; the writer's copy is stale
    finally:
        other.close()
    batches_before = writer.batches_committed
    gate = Gate(writer)
    a = writer.submit(allocate_cmd(F1, 300, "a"))   # conflicts: version 3 already exists
    b = writer.submit(allocate_cmd(F2, 400, "b"))   # innocent bystander in the same batch
    c = writer.submit(reserve_cmd(F1, 21_300))     # only possible once the other process's money is seen
    gate.open_when_queued(3)
    assert a.result_or_raise(10)[0] == ("a", 21_300)
    assert b.result_or_raise(10)[0] == ("b", 400)
    assert c.result_or_raise(10)[0] == 21_300
    assert writer.batches_committed > batches_before
    fund = stored_fund(app, F1)
    assert (fund.allocated_fen, fund.reserved_fen, fund.available_fen) == (21_300, 21_300, 0)
    assert allocations(app, F1) == [1_000, 20_000, 300]
    assert allocations(app, F2) == [400]
    assert writer.execute(read_cmd(F1))[0] == (21_300, 21_300, fund.version)
    assert_store_is_clean(app)


def test_conflict_on_every_retry_gives_up_with_conflict_and_writes_nothing(writer, app, db, monkeypatch):
    from eventsourcing.persistence import IntegrityError

    from ledger.errors import Conflict

    writer.execute(open_cmd(F1))
    head = app.recorder.max_notification_id()
    calls = Counter()
    real_insert = app.recorder.insert_events

    def always_conflicts(events, **kw):
        calls["save"] += 1                 # the writer has already taken the events off its aggregates
        raise IntegrityError("simulated stale write")

    monkeypatch.setattr(app.recorder, "insert_events", always_conflicts)
    with pytest.raises(Conflict):
        writer.execute(allocate_cmd(F1, 100))
    assert calls["save"] >= 2
    monkeypatch.setattr(app.recorder, "insert_events", real_insert)
    assert app.recorder.max_notification_id() == head
    assert writer.execute(read_cmd(F1))[0] == (0, 0, 1)   # memory was restored, not left changed
    assert writer.execute(allocate_cmd(F1, 100))[0][1] == 100
    assert_store_is_clean(app)


def test_a_batch_that_meets_another_process_write_runs_again_as_a_batch(writer, app, monkeypatch):
    """Two API processes writing one fund conflict often: the batch runs again on fresh
    state in one transaction, not one transaction a command (docs/BENCHMARKS.md, "Two API
    processes on PostgreSQL"); only a batch that keeps meeting writes goes command by command."""
    from eventsourcing.persistence import IntegrityError

    writer.execute(open_cmd(F1))
    writer.execute(open_cmd(F2))
    calls = Counter()
    real_insert = app.recorder.insert_events

    def conflicts_once(events, **kw):
        calls["save"] += 1
        if calls["save"] == 1:
            raise IntegrityError("simulated write of another process")
        return real_insert(events, **kw)

    monkeypatch.setattr(app.recorder, "insert_events", conflicts_once)
    batches_before, conflicts_before = writer.batches_committed, getattr(writer, "batch_conflicts", 0)
    gate = Gate(writer)
    pending = [writer.submit(allocate_cmd(F1, 100, "a")), writer.submit(allocate_cmd(F2, 200, "b")),
               writer.submit(allocate_cmd(F1, 300, "c"))]
    gate.open_when_queued(3)
    assert [p.result_or_raise(10)[0] for p in pending] == [("a", 100), ("b", 200), ("c", 400)]
    assert calls["save"] == 2, "the batch once more, not each command alone"
    assert writer.batch_conflicts == conflicts_before + 1
    assert writer.batches_committed == batches_before + 1
    assert allocations(app, F1) == [100, 300] and allocations(app, F2) == [200]
    assert_store_is_clean(app)


def test_failed_commit_leaves_nothing_half_written(tmp_path):
    """The store is locked by someone else: the batch fails as a whole, callers hear
    `unavailable`, memory is restored, and later commands see only what was stored."""
    db = tmp_path / "locked.db"
    app = LedgerApplication(env=sqlite_env(db, SQLITE_LOCK_TIMEOUT="1"), snapshot_key=SNAPSHOT_KEY)
    writer = GroupCommitWriter(app)
    try:
        writer.execute(open_cmd(F1))
        writer.execute(open_cmd(F2))
        writer.execute(allocate_cmd(F1, 1_000))
        head = app.recorder.max_notification_id()
        blocker = sqlite3.connect(str(db), isolation_level=None, timeout=1)
        blocker.execute("BEGIN IMMEDIATE")       # holds the write lock
        try:
            gate = Gate(writer)
            a = writer.submit(allocate_cmd(F1, 300))
            b = writer.submit(open_cmd(F3))
            c = writer.submit(reserve_cmd(F1, 1_300))
            gate.open_when_queued(3)
            for pending in (a, b, c):
                with pytest.raises(Unavailable):
                    pending.result_or_raise(30)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert app.recorder.max_notification_id() == head
        assert writer.execute(read_cmd(F1))[0] == (1_000, 0, 2)
        with pytest.raises(InsufficientFunds):
            writer.execute(reserve_cmd(F1, 1_300))
        assert writer.execute(open_cmd(F3))[0] == F3   # the failed batch's new fund was never created
        assert writer.execute(allocate_cmd(F1, 300))[0][1] == 1_300
        assert_store_is_clean(app)
    finally:
        writer.close()
        app.close()


def test_close_answers_queued_commands_first(writer, app):
    writer.execute(open_cmd(F1))
    pendings = [writer.submit(allocate_cmd(F1, 1)) for _ in range(20)]
    writer.close()
    assert [p.result_or_raise(10)[0][1] for p in pendings] == list(range(1, 21))


def test_long_fund_streams_are_snapshotted_and_load_correctly(writer, app, db):
    from ledger.writer import SNAPSHOT_INTERVAL_EVENTS

    writer.execute(open_cmd(F1))
    n = SNAPSHOT_INTERVAL_EVENTS + 20
    pendings = [writer.submit(allocate_cmd(F1, k)) for k in range(1, n + 1)]
    assert pendings[-1].result_or_raise(30)[0][1] == n * (n + 1) // 2
    snapshots = list(app.snapshots.get(fund_aggregate_id(F1)))
    assert snapshots and snapshots[-1].originator_version >= SNAPSHOT_INTERVAL_EVENTS
    fresh = LedgerApplication(env=db, snapshot_key=SNAPSHOT_KEY, chain_key=CHAIN)
    try:
        fund = fresh.repository.get(fund_aggregate_id(F1))
        assert (fund.version, fund.allocated_fen) == (n + 1, n * (n + 1) // 2)
        old = fresh.repository.get(fund_aggregate_id(F1), version=50)
        assert old.allocated_fen == 49 * 50 // 2
    finally:
        fresh.close()


def test_no_refusal_is_decided_on_state_another_process_has_changed(writer, app, db):
    """Two writers on one store (two API processes): what one acknowledges, the other's
    next command sees, though it still holds the aggregate in memory. A refusal is never
    answered from a stale copy (here: 0.00 available after another process's allocation)."""
    writer.execute(open_cmd(F1))
    writer.execute(read_cmd(F1))                       # F1 (nothing allocated) is in this writer's memory
    other_app = LedgerApplication(env=db, snapshot_key=SNAPSHOT_KEY, chain_key=CHAIN)
    other = GroupCommitWriter(other_app)
    try:
        other.execute(allocate_cmd(F1, 1_000))        # acknowledged by the other process
        assert writer.execute(reserve_cmd(F1, 500))[0] == 500
        other.execute(reserve_cmd(F1, 500))           # and back again, the other way
        with pytest.raises(InsufficientFunds):
            writer.execute(reserve_cmd(F1, 1))
        assert writer.execute(read_cmd(F1))[0] == (1_000, 1_000, 4)
        # The writer's own commits do not make it forget what it holds.
        writer.execute(allocate_cmd(F1, 5))
        cached = writer._cache[fund_aggregate_id(F1)]
        writer.execute(read_cmd(F1))
        assert writer._cache[fund_aggregate_id(F1)] is cached
    finally:
        other.close()
        other_app.close()
    assert_store_is_clean(app)


def test_another_process_events_roll_the_cached_aggregate_forward(writer, app, db, monkeypatch):
    """What another process wrote to an aggregate this writer holds is applied to it, not a
    reason to load it again; an event the keyed chain does not vouch for is never applied:
    the aggregate is loaded again and the load decides."""
    writer.execute(open_cmd(F1))
    writer.execute(read_cmd(F1))
    cached = writer._cache[fund_aggregate_id(F1)]
    loads = Counter()
    real_get = app.repository.get

    def counted(aggregate_id, *args, **kwargs):
        loads[aggregate_id] += 1
        return real_get(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(app.repository, "get", counted)
    in_another_process(db, allocate_cmd(F1, 1_000))
    in_another_process(db, reserve_cmd(F1, 300))
    assert writer.execute(read_cmd(F1))[0] == (1_000, 300, 3)
    assert writer._cache[fund_aggregate_id(F1)] is cached and loads[fund_aggregate_id(F1)] == 0
    assert writer.rolled_forward == 2

    # Another process's events of aggregates not held here are not authenticated here.
    checked = []
    real_authenticate = app.recorder.authenticate
    monkeypatch.setattr(app.recorder, "authenticate",
                        lambda notifications: checked.append(len(notifications)) or real_authenticate(notifications))
    in_another_process(db, open_cmd(F2))
    in_another_process(db, allocate_cmd(F2, 7))
    writer.execute(read_cmd(F1))
    assert checked == [] and fund_aggregate_id(F2) not in writer._cache

    # Not vouched for: forgotten, and loaded again (here the load finds it authentic).
    monkeypatch.setattr(app.recorder, "authenticate", lambda notifications: (notifications[0].id, "forged"))
    in_another_process(db, allocate_cmd(F1, 5))
    assert writer.execute(read_cmd(F1))[0] == (1_005, 300, 4)
    assert loads[fund_aggregate_id(F1)] == 1 and writer.rolled_forward == 2
    assert_store_is_clean(app)


def in_another_process(db, command) -> None:
    """Runs a command through a writer of its own on the same store, as another process would."""
    other_app = LedgerApplication(env=db, snapshot_key=SNAPSHOT_KEY, chain_key=CHAIN)
    other = GroupCommitWriter(other_app)
    try:
        other.execute(command)
    finally:
        other.close()
        other_app.close()


def open_unless_exists_cmd(code: str):
    def fn(uow):
        if uow.find(Fund, fund_aggregate_id(code)) is not None:
            return "exists"
        return open_cmd(code)(uow) and "opened"
    return fn


def test_an_id_known_absent_is_forgotten_once_another_process_creates_it(writer, app, db):
    """Ids looked up and not found are remembered, so a new uniqueness key costs no query;
    a creation by another process must still be seen by the next command."""
    assert writer.execute(read_cmd_or_none(F2))[0] is None
    assert fund_aggregate_id(F2) in writer._absent
    in_another_process(db, open_cmd(F2))
    # A read is never caught by the insert's uniqueness: it must not answer from the belief.
    assert writer.execute(read_cmd_or_none(F2))[0] == 1
    assert writer.execute(open_unless_exists_cmd(F2))[0] == "exists"
    assert [type(e).__name__ for e in stored(app)].count("Opened") == 1
    assert_store_is_clean(app)


def read_cmd_or_none(code: str):
    def fn(uow):
        fund = uow.find(Fund, fund_aggregate_id(code))
        return None if fund is None else fund.version
    return fn


def test_expected_ids_of_a_batch_are_looked_up_in_one_query(writer, app, db, monkeypatch):
    other_app = LedgerApplication(env=db, snapshot_key=SNAPSHOT_KEY, chain_key=CHAIN)
    other = GroupCommitWriter(other_app)
    try:
        other.execute(open_cmd(F1))                    # exists, but not in this writer's memory
    finally:
        other.close()
        other_app.close()
    queries = []
    real = writer._exists

    def counting(ids):
        queries.append(sorted(ids))
        return real(ids)

    monkeypatch.setattr(writer, "_exists", counting)
    monkeypatch.setattr(app.repository, "get", _refuse_absent_lookups(app.repository.get, {fund_aggregate_id(F2),
                                                                                            fund_aggregate_id(F3)}))
    gate = Gate(writer)
    codes = [F1, F2, F3, F2]
    pending = [writer.submit(open_unless_exists_cmd(c), expect=(fund_aggregate_id(c),)) for c in codes]
    gate.open_when_queued(len(codes))
    assert [p.result_or_raise(10)[0] for p in pending] == ["exists", "opened", "opened", "exists"]
    assert queries == [sorted({fund_aggregate_id(c) for c in codes})]
    assert_store_is_clean(app)


def _refuse_absent_lookups(get, ids):
    def guarded(aggregate_id, *args, **kwargs):
        assert aggregate_id not in ids, "an id the batch already knew to be absent was looked up again"
        return get(aggregate_id, *args, **kwargs)
    return guarded


def test_a_wrong_belief_that_an_id_is_absent_heals_through_the_conflict(writer, app, db, monkeypatch):
    """Should the writer ever believe an existing aggregate absent, creating it again fails
    the insert; the command is re-run with the belief dropped, and answers from the store."""
    in_another_process(db, open_cmd(F1))
    writer._sync_with_store()                          # the creation is behind the writer now
    writer._absent.add(fund_aggregate_id(F1))          # and a wrong belief planted on top
    assert writer.execute(open_unless_exists_cmd(F1))[0] == "exists"
    assert [type(e).__name__ for e in stored(app)].count("Opened") == 1
    assert_store_is_clean(app)


def test_expected_ids_may_be_derived_from_aggregates_the_writer_holds(writer, app):
    writer.execute(open_cmd(F1))
    seen = []

    def expect(peek):
        fund = peek(fund_aggregate_id(F1))
        seen.append(fund.fund_code if fund else None)
        return (fund_aggregate_id(F2),)

    assert writer.execute(open_unless_exists_cmd(F2), expect=expect)[0] == "opened"
    assert seen == [F1]


def test_a_failing_expectation_costs_the_batch_nothing(writer, app, monkeypatch):
    def broken(peek):
        raise RuntimeError("a hint that cannot be computed")

    assert writer.execute(open_unless_exists_cmd(F1), expect=broken)[0] == "opened"

    def store_down(ids):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(writer, "_exists", store_down)
    assert writer.execute(open_unless_exists_cmd(F2), expect=(fund_aggregate_id(F2),))[0] == "opened"
    assert writer.execute(read_cmd(F2))[0][2] == 1


def test_the_memory_of_absent_ids_is_bounded(writer, app, monkeypatch):
    monkeypatch.setattr("ledger.writer.MAX_KNOWN_ABSENT", 3)
    codes = [f"employment_subsidy:2101{n:02d}" for n in range(1, 8)]
    for code in codes:
        assert writer.execute(read_cmd_or_none(code))[0] is None
        assert len(writer._absent) <= 3
    writer.execute(open_unless_exists_cmd(F1), expect=tuple(fund_aggregate_id(c) for c in codes))
    assert len(writer._absent) <= len(codes)
