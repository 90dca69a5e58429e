"""The writer under faults: whatever a batch's save raises (an event that cannot be
encoded, a full disk, memory exhausted, a timeout, a driver error), memory ends equal to
the store, only the command at fault fails, every acknowledged command is stored and no
refused one is, versions stay contiguous, and the same fund goes on taking commands."""
from __future__ import annotations

import itertools
import random
import threading
from uuid import uuid4

import pytest
from eventsourcing.persistence import OperationalError

from ledger.application import LedgerApplication
from ledger.domain.fund import Fund
from ledger.domain.ids import fund_aggregate_id
from ledger.errors import InsufficientFunds, LedgerError, Unavailable, ValidationFailed
from ledger.writer import GroupCommitWriter

from .conftest import CHAIN
from .test_writer import D, F1, F2, Gate, allocate_cmd, assert_store_is_clean, open_cmd, read_cmd, stored

LONE_SURROGATE = "\ud800"


def allocate_with_memo_cmd(code: str, amount: int, memo: str, allocation_id: str | None = None):
    """An allocation whose memo the domain takes as given (the edge validates text, not the writer)."""
    def fn(uow):
        fund = uow.get(Fund, fund_aggregate_id(code), code)
        fund.allocate(allocation_id=allocation_id or str(uuid4()), amount_fen=amount, source="central",
                      document_no="d", effective_date=D, memo=memo, actor="t")
        return allocation_id, fund.allocated_fen
    return fn


def tagged_allocation(code: str, amount: int, allocation_id: str):
    return allocate_with_memo_cmd(code, amount, "ok", allocation_id)


def stored_allocation_ids(app) -> set[str]:
    return {e.allocation_id for e in stored(app) if type(e).__name__ == "Allocated"}


def assert_memory_equals_a_fresh_load(writer: GroupCommitWriter, app, db, codes) -> None:
    fresh = LedgerApplication(env=db, chain_key=CHAIN)
    try:
        for code in codes:
            loaded = fresh.repository.get(fund_aggregate_id(code))
            held = writer.execute(read_cmd(code))[0]
            assert held == (loaded.allocated_fen, loaded.reserved_fen, loaded.version), code
    finally:
        fresh.close()


def test_an_event_that_cannot_be_encoded_fails_its_command_alone(writer, app, db):
    """The reproduction: a lone surrogate in one command's event made the whole batch's
    save fail with an error that was neither a conflict nor a persistence error; the other
    commands were answered 500 yet stayed applied in memory, and the fund's next events
    were stored with version gaps."""
    writer.execute(open_cmd(F1))
    writer.execute(open_cmd(F2))
    writer.execute(allocate_cmd(F1, 1_000))
    gate = Gate(writer)
    a = writer.submit(allocate_cmd(F1, 100, "a"))
    bad = writer.submit(allocate_with_memo_cmd(F1, 5_000, LONE_SURROGATE))
    c = writer.submit(allocate_cmd(F2, 300, "c"))
    d = writer.submit(allocate_cmd(F1, 50, "d"))
    gate.open_when_queued(4)
    assert a.result_or_raise(10)[0] == ("a", 1_100)
    with pytest.raises(ValidationFailed) as refused:
        bad.result_or_raise(10)
    assert "cannot be stored" in refused.value.detail
    assert c.result_or_raise(10)[0] == ("c", 300)
    assert d.result_or_raise(10)[0] == ("d", 1_150)
    assert_memory_equals_a_fresh_load(writer, app, db, [F1, F2])
    assert writer.execute(allocate_cmd(F1, 1))[0][1] == 1_151     # the same fund still takes commands
    assert_store_is_clean(app)


def test_a_lone_command_that_cannot_be_encoded_leaves_memory_as_the_store(writer, app, db):
    writer.execute(open_cmd(F1))
    with pytest.raises(ValidationFailed):
        writer.execute(allocate_with_memo_cmd(F1, 5_000, LONE_SURROGATE))
    assert writer.execute(read_cmd(F1))[0] == (0, 0, 1)
    assert writer.execute(allocate_cmd(F1, 7))[0][1] == 7
    assert_store_is_clean(app)


FAULTS = [OSError(28, "No space left on device"), MemoryError(), TimeoutError("the commit timed out"),
          OperationalError("server closed the connection unexpectedly"), RuntimeError("a driver bug"),
          UnicodeEncodeError("utf-8", LONE_SURROGATE, 0, 1, "surrogates not allowed")]


class FaultyStore:
    """Wraps the recorder's insert: the chosen calls raise one of FAULTS instead of writing."""

    def __init__(self, app, failing_calls: set[int]):
        self._insert = app.recorder.insert_events
        self._failing = failing_calls
        self._calls = itertools.count(1)
        self._faults = itertools.cycle(FAULTS)
        self.raised: list[str] = []

    def insert_events(self, stored_events, **kwargs):
        if next(self._calls) in self._failing:
            fault = next(self._faults)
            self.raised.append(type(fault).__name__)
            raise fault
        return self._insert(stored_events, **kwargs)


@pytest.mark.parametrize("seed", [1, 2])
def test_faults_on_chosen_batches_while_others_write_concurrently(writer, app, db, monkeypatch, seed):
    codes = [F1, F2]
    for code in codes:
        writer.execute(open_cmd(code))
        writer.execute(allocate_cmd(code, 1_000_000))
    rng = random.Random(seed)
    store = FaultyStore(app, failing_calls=set(rng.sample(range(1, 60), 15)))
    monkeypatch.setattr(app.recorder, "insert_events", store.insert_events)
    acknowledged: set[str] = set()
    refused: dict[str, str] = {}
    lock = threading.Lock()

    def caller(t: int) -> None:
        local = random.Random(seed * 100 + t)
        pending = []
        for i in range(40):
            allocation_id = f"t{t}-{i}"
            code = local.choice(codes)
            poisoned = local.random() < 0.1
            fn = (allocate_with_memo_cmd(code, 10, LONE_SURROGATE, allocation_id) if poisoned
                  else tagged_allocation(code, local.randint(1, 100), allocation_id))
            pending.append((allocation_id, writer.submit(fn)))
        for allocation_id, p in pending:
            try:
                p.result_or_raise(30)
            except LedgerError as exc:
                with lock:
                    refused[allocation_id] = exc.code
            else:
                with lock:
                    acknowledged.add(allocation_id)

    threads = [threading.Thread(target=caller, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(acknowledged) + len(refused) == 6 * 40
    assert store.raised, "no fault was injected: the test would prove nothing"
    assert set(refused.values()) <= {"validation_error", "unavailable"}
    in_store = stored_allocation_ids(app)
    assert acknowledged <= in_store                                  # every acknowledged command is stored
    assert not (set(refused) & in_store)                             # and no refused one is
    monkeypatch.undo()
    assert_memory_equals_a_fresh_load(writer, app, db, codes)
    assert_store_is_clean(app)
    for code in codes:
        before = writer.execute(read_cmd(code))[0][0]
        assert writer.execute(allocate_cmd(code, 1))[0][1] == before + 1


def test_a_store_that_keeps_failing_answers_unavailable_without_trying_every_command(writer, app, monkeypatch):
    writer.execute(open_cmd(F1))
    calls = []

    def down(stored_events, **kwargs):
        calls.append(len(stored_events))
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(app.recorder, "insert_events", down)
    gate = Gate(writer)
    pending = [writer.submit(allocate_cmd(F1, 10)) for _ in range(20)]
    gate.open_when_queued(20)
    for p in pending:
        with pytest.raises(Unavailable):
            p.result_or_raise(10)
    assert len(calls) <= 3          # the batch once, then two alone, then the rest answered at once
    monkeypatch.undo()
    assert writer.execute(read_cmd(F1))[0] == (0, 0, 1)
    with pytest.raises(InsufficientFunds):
        from .test_writer import reserve_cmd
        writer.execute(reserve_cmd(F1, 1))


def test_a_failure_after_the_commit_never_fails_a_committed_command(app, db, monkeypatch):
    """Snapshots and the commit listener run after the commit: their failures are logged,
    never answered to callers whose commands are durable."""
    def listener(position):
        raise RuntimeError("the projection runner is gone")

    writer = GroupCommitWriter(app, on_commit=listener)
    try:
        writer.execute(open_cmd(F1))
        monkeypatch.setattr(app.snapshots, "put", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
        from ledger.writer import SNAPSHOT_INTERVAL_EVENTS
        for k in range(SNAPSHOT_INTERVAL_EVENTS + 1):
            writer.execute(allocate_cmd(F1, 1))
        assert writer.execute(read_cmd(F1))[0][0] == SNAPSHOT_INTERVAL_EVENTS + 1
    finally:
        writer.close()
    assert_store_is_clean(app)


def test_an_unexpected_failure_outside_any_command_empties_memory(writer, app, db, monkeypatch):
    """A failure where no command is to blame (here: reading the store's head before a
    batch) answers the batch `unavailable` and starts again from the store."""
    writer.execute(open_cmd(F1))
    writer.execute(allocate_cmd(F1, 5))
    real = app.recorder.max_notification_id
    failures = iter([MemoryError()])

    def flaky():
        for fault in failures:
            raise fault
        return real()

    monkeypatch.setattr(app.recorder, "max_notification_id", flaky)
    with pytest.raises(Unavailable):
        writer.execute(allocate_cmd(F1, 5))
    assert not writer._cache
    assert writer.execute(read_cmd(F1))[0] == (5, 0, 2)
    assert_store_is_clean(app)
