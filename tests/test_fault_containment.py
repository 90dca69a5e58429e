"""Faults on the whole write and read path of a running ledger, on both backends:

- the store fails chosen transactions in every way it can while several callers write:
  every acknowledged command is stored, no refused one is, the writer's memory equals a
  fresh load, and the read models equal a rebuild from the log;
- an event the projection cannot apply stops the projection at that event, with
  everything before it projected, an alert in /readyz (without internals) and the log,
  and reads answering 503 at once, never a silent, half-applied state."""
from __future__ import annotations

import dataclasses
import logging
import random
import threading
from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.access import Actor
from ledger.application import LedgerApplication
from ledger.domain.fund import Fund
from ledger.domain.ids import fund_aggregate_id
from ledger.errors import LedgerError, Unavailable
from projections.projector import ProjectionFault
from runtime.container import Runtime
from runtime.replay import replay_and_compare

from .domain.test_writer_faults import FaultyStore
from .support import ADMIN_TOKEN, job_expansion_claim

TREASURER = Actor("treasurer-1", "t", frozenset({"treasurer"}), ("000000",))
CLERK = Actor("clerk-1", "c", frozenset({"clerk"}), ("000000",))
REVIEWER = Actor("reviewer-1", "r", frozenset({"reviewer"}), ("000000",))
FUNDS = ["unemployment_insurance:210100", "unemployment_insurance:210200"]


def allocation(amount: str, memo: str = "ok") -> dict:
    return {"amount": amount, "source": "provincial", "document_no": "辽财社〔2022〕1号",
            "effective_date": "2022-06-10", "memo": memo}


@pytest.fixture
def rt(settings):
    runtime = Runtime(settings)
    runtime.start()
    for code in FUNDS:
        fund_type, region = code.split(":")
        runtime.ledger.open_fund(TREASURER, {"fund_type": fund_type, "region": region})
        runtime.ledger.allocate(TREASURER, code, allocation("100000.00"))
    yield runtime
    runtime.close()


def test_faults_in_the_store_leave_memory_store_and_read_models_in_agreement(rt, settings, monkeypatch):
    store = FaultyStore(rt.app, failing_calls=set(random.Random(7).sample(range(1, 80), 20)))
    monkeypatch.setattr(rt.app.recorder, "insert_events", store.insert_events)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def note(kind: str, fn) -> None:
        try:
            fn()
        except LedgerError as exc:
            with lock:
                outcomes.append((kind, exc.code))
        else:
            with lock:
                outcomes.append((kind, "ok"))

    def worker(t: int) -> None:
        local = random.Random(t)
        for i in range(12):
            region = local.choice(["210100", "210200"])
            note("allocate", lambda: rt.ledger.allocate(TREASURER, f"unemployment_insurance:{region}",
                                                        allocation("10.00", memo=f"w{t}-{i}")))

            def claim_and_approve():
                claim = rt.ledger.submit_claim(CLERK, job_expansion_claim(region=region)).body
                rt.ledger.approve(REVIEWER, claim["claim_id"], {"approved_on": "2022-07-16"})
            note("claim", claim_and_approve)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert store.raised, "no fault was injected"
    assert {code for _, code in outcomes} <= {"ok", "unavailable", "validation_error"}
    assert any(code == "ok" for _, code in outcomes)
    monkeypatch.undo()
    # Every acknowledged allocation is stored, no refused one is.
    acknowledged_memos = {f"w{t}-{i}" for t in range(4) for i in range(12)}
    stored = [rt.app.mapper.to_domain_event(n) for n in rt.ledger.stored_events()]
    memos = [e.memo for e in stored if type(e).__name__ == "Allocated" and e.memo != "ok"]
    assert len(memos) == len(set(memos))
    assert set(memos) <= acknowledged_memos
    assert len(memos) == sum(1 for kind, code in outcomes if kind == "allocate" and code == "ok")
    # Versions are contiguous and memory equals a fresh load.
    versions: dict = {}
    for e in stored:
        versions.setdefault(e.originator_id, []).append(e.originator_version)
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    fresh = LedgerApplication(env=settings.event_store_env(), chain_key=settings.resolve_chain_key())
    try:
        for code in FUNDS:
            held = rt.ledger.writer.execute(lambda uow, c=code: uow.get(Fund, fund_aggregate_id(c), c))[0]
            loaded = fresh.repository.get(fund_aggregate_id(code))
            assert (held.version, held.allocated_fen, held.reserved_fen) == (
                loaded.version, loaded.allocated_fen, loaded.reserved_fen)
    finally:
        fresh.close()
    # The read models equal a rebuild, and the same funds still take commands.
    rt.reads.wait_consistent()
    assert rt.runner.stopped is None
    assert replay_and_compare(rt)["differences"] == []
    for code in FUNDS:
        assert rt.ledger.allocate(TREASURER, code, allocation("1.00")).created


def claim_with_an_unappliable_event(rt) -> int:
    """A claim whose next event skips a version, as the broken writer once stored: the
    projection cannot apply it (OriginatorVersionError)."""
    claim = rt.ledger.submit_claim(CLERK, job_expansion_claim()).body
    other = LedgerApplication(env=rt.settings.event_store_env(), chain_key=rt.settings.resolve_chain_key())
    try:
        aggregate = other.repository.get(UUID(claim["claim_id"]))
        aggregate.approve(fund_code=FUNDS[0], amount_fen=150_000, approved_on=aggregate.application_date,
                          actor="broken writer")
        aggregate.withdraw(reason="x", actor="broken writer")
        events = aggregate.collect_events()
        other.events.put(events[1:])          # version n+2 without version n+1
    finally:
        other.close()
    return rt.ledger.head_position()


def test_an_event_that_cannot_be_applied_stops_the_projection_with_an_alert(settings, caplog):
    app = create_app(settings)
    with TestClient(app) as client:
        rt = app.state.runtime
        for code in FUNDS:
            fund_type, region = code.split(":")
            rt.ledger.open_fund(TREASURER, {"fund_type": fund_type, "region": region})
        rt.reads.wait_consistent()
        before = rt.ledger.head_position()
        with caplog.at_level(logging.ERROR):
            bad = claim_with_an_unappliable_event(rt)
            rt.ledger.allocate(TREASURER, FUNDS[1], allocation("5.00"))   # after the bad event
            rt.runner.notify(bad)
            for _ in range(200):
                if rt.runner.stopped is not None:
                    break
                threading.Event().wait(0.05)
        assert rt.runner.stopped is not None and rt.runner.stopped.position == bad
        assert rt.runner.stored_position() == bad - 1           # everything before it is projected
        assert bad - 1 > before
        assert any("STOPPED at log position" in r.getMessage() for r in caplog.records)
        r = client.get("/readyz")
        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "degraded"
        assert body["projections"][0]["state"] == "stopped" and body["projections"][0]["stopped_at"] == bad
        assert "OriginatorVersion" not in r.text and "Traceback" not in r.text
        r = client.get(f"/v1/funds/{FUNDS[0]}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 503 and "stopped at log position" in r.json()["detail"]
        # Commands do not depend on the read models: they go on.
        assert rt.ledger.allocate(TREASURER, FUNDS[0], allocation("1.00")).created


def test_a_batch_that_keeps_failing_is_narrowed_to_the_event_at_fault(settings, monkeypatch):
    # Reads wait 1 s, not the suite's 5, for the position no one will project (the runner is
    # driven by hand below and stops at the fault): the wait is all of the test's time.
    rt = Runtime(dataclasses.replace(settings, read_wait_s=1.0))
    rt.start(project=False)
    try:
        rt.ledger.open_fund(TREASURER, {"fund_type": "unemployment_insurance", "region": "210100"})
        for _ in range(5):
            rt.ledger.allocate(TREASURER, FUNDS[0], allocation("1.00"))
        poisoned = rt.ledger.head_position() - 2
        for _ in range(3):
            rt.ledger.allocate(TREASURER, FUNDS[0], allocation("1.00"))
        real = rt.views.write_batch

        def write_batch(funds, claims, claim_events, tracking, **kw):
            if any(row[-2] == poisoned for row in kw.get("fund_history", ())):
                raise ValueError("a row the read model cannot take")
            return real(funds, claims, claim_events, tracking, **kw)

        monkeypatch.setattr(rt.views, "write_batch", write_batch)
        for _ in range(20):              # as the runner's loop does: step, and step again after a failure
            if rt.runner.stopped is not None:
                break
            try:
                rt.runner.step()
            except (ValueError, ProjectionFault):
                pass
        assert rt.runner.stopped is not None and rt.runner.stopped.position == poisoned
        assert rt.runner.stored_position() == poisoned - 1
        with pytest.raises(Unavailable):
            rt.runner.wait_for(poisoned, 1) or rt.reads.wait_consistent()
    finally:
        rt.close()


def test_a_store_that_is_briefly_away_is_retried_not_stopped(settings, monkeypatch):
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        rt.ledger.open_fund(TREASURER, {"fund_type": "unemployment_insurance", "region": "210100"})
        rt.ledger.allocate(TREASURER, FUNDS[0], allocation("1.00"))
        real = rt.views.write_batch
        failures = iter([OperationalError("connection reset")] * 6)

        def flaky(*args, **kwargs):
            for fault in failures:
                raise fault
            return real(*args, **kwargs)

        monkeypatch.setattr(rt.views, "write_batch", flaky)
        for _ in range(6):
            with pytest.raises(OperationalError):
                rt.runner.step()
        assert rt.runner.catch_up() > 0
        assert rt.runner.stopped is None
        assert rt.runner.stored_position() == rt.ledger.head_position()
    finally:
        rt.close()

