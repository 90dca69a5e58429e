"""The projector in batches writes exactly what it writes event by event; a rebuild from the
whole log equals the read models followed live; and the live lag of this process's commits
is measured (projections/lag.py). No timings are asserted."""
from __future__ import annotations

import pytest

from projections.lag import LagMeter
from projections.rebuild import REBUILD_BATCH_EVENTS
from projections.sql import READ_MODEL_TABLES
from runtime.container import Runtime
from runtime.demo import load_demo_data


def _tables(rt: Runtime) -> dict:
    return {table: rt.views.all_rows(table) for table in READ_MODEL_TABLES}


@pytest.mark.slow
def test_live_batched_rebuild_and_one_by_one_agree_and_lag_is_reported(settings):
    rt = Runtime(settings)
    rt.start(project=True)
    try:
        load_demo_data(rt.ledger, claims_per_city=6)
        head = rt.ledger.head_position()
        assert rt.runner.wait_for(head, timeout_s=60)
        live = _tables(rt)
        assert live["rm_claims"] and live["rm_fund_history"]
        # Lag: one sample per local commit the projector has caught up with, none waiting.
        p50, p99 = rt.runner.lag.percentiles(50, 99)
        assert rt.runner.lag.samples and 0 <= p50 <= p99
        assert rt.runner.lag.waiting() == 0
        rt.runner.stop()

        # A rebuild's batches, the live projection's, then event by event.
        for batch_events in (REBUILD_BATCH_EVENTS, 2_000, 1):
            rt.views.drop_read_models()
            rt.runner._batch_events = batch_events
            rt.runner.position = 0
            assert rt.runner.catch_up() == head
            assert _tables(rt) == live, f"rebuild in batches of {batch_events} differs from live"
    finally:
        rt.close()


def test_lag_meter_pairs_commits_with_the_projection_that_covers_them():
    meter = LagMeter()
    for position in (3, 7, 9):
        meter.committed(position)
    meter.projected(7)
    assert len(meter.samples) == 2 and meter.waiting() == 1
    meter.projected(100)
    assert len(meter.samples) == 3 and meter.waiting() == 0
    p0, p50, p100 = meter.percentiles(0, 50, 100)
    assert p0 <= p50 <= p100
    assert LagMeter().percentiles(50) == [None]


def test_a_commit_noted_after_its_projection_is_not_left_waiting():
    """The writer notes a commit after it is durable; a projector that read it from the store
    first has projected it already: a sample of no lag, nothing left waiting."""
    meter = LagMeter()
    meter.projected(10)
    meter.committed(9)
    meter.committed(10)
    meter.committed(11)
    assert meter.waiting() == 1 and list(meter.samples) == [0.0, 0.0]
    meter.reset()
    meter.committed(10)
    assert meter.waiting() == 0 and list(meter.samples) == [0.0]  # a reset forgets samples, not positions


def test_a_rebuild_collects_garbage_less_often_and_restores_the_collector(settings, monkeypatch):
    import gc

    from projections import rebuild as rebuild_module
    from runtime.container import open_read_model

    rt = Runtime(settings)
    rt.start(project=False)
    fresh = open_read_model(settings, elsewhere="rebuild_gc" if settings.backend == "sqlite" else
                            f"{settings.pg_schema}_gc")
    before = gc.get_threshold()
    seen = []
    try:
        load_demo_data(rt.ledger, claims_per_city=0)
        rebuild_module.rebuild(rt.app, fresh, progress=lambda count, position: seen.append(gc.get_threshold()))
        assert seen and all(t[0] >= rebuild_module.REBUILD_GC_THRESHOLD for t in seen)
        assert gc.get_threshold() == before

        def fails(*args, **kwargs):
            raise RuntimeError("the store went away")

        monkeypatch.setattr(rebuild_module.ProjectionRunner, "catch_up", fails)
        with pytest.raises(RuntimeError):
            rebuild_module.rebuild(rt.app, fresh)
        assert gc.get_threshold() == before
    finally:
        fresh.close()
        rt.close()
