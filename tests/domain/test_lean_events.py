"""Lean events (ledger/domain/lean.py) keep the library's rules for an event: the next
version only, the method's defaults filled in and stored, arguments checked like a call's,
an event stored before a parameter existed applied with its default, a refused command
leaving nothing pending, and an aggregate rebuilt from its stored events (and a snapshot)
equal to the one that made them."""
from __future__ import annotations

import datetime as dt
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import OriginatorIDError, OriginatorVersionError

from ledger.application import DateAsISO
from ledger.domain.fund import Fund
from ledger.domain.lean import Created, LeanAggregate, creation, event
from ledger.errors import InsufficientFunds


class _Plain(Application):
    """The library's own application (its repository, snapshots, JSON transcoder), with dates."""

    def register_transcodings(self, transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def _fund() -> Fund:
    return Fund(id=uuid4(), fund_code="employment_subsidy:210100", fund_type="employment_subsidy",
                region="210100", name="就业补助资金", actor="u-treasurer")


class Counter(LeanAggregate):
    class Started(Created):
        pass

    @creation(Started)
    def __init__(self, id, label: str, step: int = 1):
        self.label, self.step, self.count = label, step, 0

    @event("Added")
    def add(self, times: int, note: str | None = None) -> None:
        self.count += times * self.step
        self.note = note


def test_state_is_the_parameters_in_order_with_defaults_filled_in():
    counter = Counter(label="a")
    counter.add(2)
    started, added = counter.pending_events
    assert list(vars(started)) == ["originator_id", "originator_version", "timestamp", "originator_topic", "label",
                                   "step"]
    assert vars(started)["step"] == 1 and vars(started)["originator_topic"].endswith(":Counter")
    assert list(vars(added)) == ["originator_id", "originator_version", "timestamp", "times", "note"]
    assert (added.originator_version, added.note, counter.count, counter.version) == (2, None, 2, 2)
    assert type(added).__qualname__ == "Counter.Added" and type(added).__module__ == __name__


def test_arguments_are_checked_as_a_call_checks_them():
    counter = Counter("a", 3)  # positional, as a call takes them
    assert counter.step == 3
    with pytest.raises(TypeError, match="missing required argument 'times'"):
        counter.add()
    with pytest.raises(TypeError, match="unexpected"):
        counter.add(1, colour="red")
    with pytest.raises(TypeError, match="multiple values"):
        counter.add(1, times=2)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        counter.add(1, None, 3)
    assert len(counter.pending_events) == 1 and counter.version == 1


def test_an_event_applies_only_to_the_version_before_it_and_its_own_aggregate():
    counter = Counter(label="a")
    counter.add(1)
    added = counter.pending_events[-1]
    with pytest.raises(OriginatorVersionError):
        added.mutate(counter)  # already applied: the counter is at its version
    with pytest.raises(OriginatorIDError):
        added.mutate(Counter(label="b"))


def test_an_event_stored_before_a_parameter_existed_takes_its_default():
    counter = Counter(label="a")
    counter.add(1, "n")
    old = type(counter.pending_events[-1]).__new__(type(counter.pending_events[-1]))
    old.__dict__ = {k: v for k, v in vars(counter.pending_events[-1]).items() if k != "note"}
    old.__dict__["originator_version"] = 3
    old.mutate(counter)
    assert (counter.count, counter.note, counter.version) == (2, None, 3)


def test_a_refused_command_records_nothing():
    fund = _fund()
    with pytest.raises(InsufficientFunds):
        fund.reserve("c1", "job_expansion", 100, dt.date(2026, 12, 1), "u-reviewer")
    assert len(fund.pending_events) == 1 and fund.version == 1 and fund.reserved_fen == 0


def test_the_library_rebuilds_the_aggregate_from_its_stored_events_and_snapshot():
    app = _Plain(env={"PERSISTENCE_MODULE": "eventsourcing.popo", "IS_SNAPSHOTTING_ENABLED": "y"})
    fund = _fund()
    fund.allocate("a1", 500_000, "central", "财社〔2026〕1号", dt.date(2026, 12, 1), None, "u-treasurer")
    fund.reserve("c1", "job_expansion", 150_000, dt.date(2026, 12, 1), "u-reviewer")
    app.save(fund)
    again = app.repository.get(fund.id)
    assert (again.version, again.available_fen, again.reserved_fen) == (3, 350_000, 150_000)
    assert {k: v for k, v in vars(again).items() if k != "_pending_events"} == \
        {k: v for k, v in vars(fund).items() if k != "_pending_events"}
    app.take_snapshot(fund.id)
    assert app.repository.get(fund.id).available_fen == 350_000
