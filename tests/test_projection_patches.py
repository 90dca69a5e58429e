"""The projector patches a fund's row from each fund event's own fields instead of replaying
the aggregate (projections/fund_rows.py): every fund row it writes, live and in its
history, must equal the Fund aggregate as of the same version; and an event type without a
patch is projected from the aggregate, not skipped."""
from __future__ import annotations

import pytest

from ledger.domain.fund import Fund
from ledger.domain.ids import fund_aggregate_id
from projections import fund_rows
from runtime.container import Runtime
from runtime.demo import load_demo_data

COLUMNS = ("allocated_fen", "reserved_fen", "disbursed_fen", "recovered_fen")


def _fund_events(rt: Runtime) -> set[str]:
    """The fund event types the demo's log holds."""
    prefix = f"{Fund.__module__}:{Fund.__qualname__}."
    return {n.topic[len(prefix):] for n in rt.app.recorder.select_notifications(start=1, limit=1_000_000)
            if n.topic.startswith(prefix)}


def _check_against_aggregates(rt: Runtime) -> int:
    checked = 0
    for row in rt.views.all_rows("rm_fund_history"):
        fund = rt.app.repository.get(fund_aggregate_id(row["fund_id"]), version=row["version"])
        assert (row["fund_type"], row["region"], row["name"]) == (fund.fund_type, fund.region, fund.name)
        assert tuple(row[c] for c in COLUMNS) == tuple(getattr(fund, c) for c in COLUMNS), row
        checked += 1
    for row in rt.views.all_rows("rm_funds"):
        fund = rt.app.repository.get(fund_aggregate_id(row["fund_id"]))
        assert row["version"] == fund.version
        assert tuple(row[c] for c in COLUMNS) == tuple(getattr(fund, c) for c in COLUMNS), row
    return checked


@pytest.mark.slow
def test_patched_fund_rows_equal_the_aggregates_live_rebuilt_and_without_a_patch(settings, monkeypatch):
    rt = Runtime(settings)
    rt.start(project=True)
    try:
        load_demo_data(rt.ledger, claims_per_city=4)
        assert rt.runner.wait_for(rt.ledger.head_position(), timeout_s=60)
        # The demo moves money every way a fund can: each money event has its patch checked.
        assert set(fund_rows.MONEY) - {"Recovered"} <= _fund_events(rt)  # recoveries: too rare at this size
        assert _check_against_aggregates(rt) > 50
        live = {t: rt.views.all_rows(t) for t in ("rm_funds", "rm_fund_history")}
        rt.runner.stop()

        # Without the patches (as for an event type added later), the aggregate decides:
        # the same rows, through a projector that starts with nothing in memory.
        monkeypatch.setattr(fund_rows, "MONEY", {})
        monkeypatch.setattr(fund_rows, "NO_MONEY", frozenset())
        rt.runner.projection._known.clear()
        rt.views.drop_read_models()
        rt.runner.position = 0
        rt.runner.catch_up()
        assert {t: rt.views.all_rows(t) for t in ("rm_funds", "rm_fund_history")} == live
    finally:
        rt.close()


def test_a_wrong_patch_is_caught_by_the_comparison(settings, monkeypatch):
    """The check above can fail: a patch that forgets a balance makes rows that differ."""
    monkeypatch.setitem(fund_rows.MONEY, "Allocated", lambda state, amount: None)
    rt = Runtime(settings)
    rt.start(project=True)
    try:
        load_demo_data(rt.ledger, claims_per_city=0)
        assert rt.runner.wait_for(rt.ledger.head_position(), timeout_s=60)
        with pytest.raises(AssertionError):
            _check_against_aggregates(rt)
    finally:
        rt.close()


def test_masking_leaves_the_event_unchanged_and_masks_parties_at_any_depth():
    from ledger.views import masked

    party = {"kind": "person", "ref": "r1", "masked": "2101**********0012", "sealed": "x", "name": "张伟"}
    data = {"facts": {"months": 6, "list": [1, {"a": 2}]}, "applicant": party,
            "people": [{"role": "guarantor", "party": dict(party)}], "amount_fen": 100}
    before = repr(data)
    out = masked(data)
    assert repr(data) == before  # the input is not changed
    assert out["applicant"] == {"kind": "person", "id": "2101**********0012", "name": "张伟"}
    assert out["people"][0]["party"] == out["applicant"] and out["people"][0]["role"] == "guarantor"
    assert out["facts"] == data["facts"] and out["amount_fen"] == 100
    assert "sealed" not in repr(out) and "r1" not in repr(out)
