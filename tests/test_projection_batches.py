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
