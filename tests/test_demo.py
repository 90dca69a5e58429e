"""The demonstration data set: believable, loaded once, every program and every status."""
from __future__ import annotations

from collections import Counter

import orjson

from runtime.container import Runtime
from runtime.demo import PROGRAMS, load_demo_data


def test_demo_data_uses_every_program_and_every_status_and_loads_once(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    tokens = load_demo_data(rt.ledger, claims_per_city=60)
    assert set(tokens) == {"clerk", "reviewer", "reviewer2", "treasurer", "auditor"}
    assert load_demo_data(rt.ledger) is None, "a second load into a non-empty ledger must do nothing"
    rt.runner.catch_up()
    docs = [orjson.loads(r["doc"]) for r in rt.views.claims(filters={}, scopes=["000000"], after_position=None,
                                                             limit=10_000)]
    assert {d["program"] for d in docs} == set(PROGRAMS) and len(PROGRAMS) == 15
    assert set(Counter(d["status"] for d in docs)) == {"submitted", "rejected", "withdrawn", "approved", "prepaid",
                                                       "paid", "closed"}
    assert any(d["amounts"]["returned"] != "0.00" for d in docs)
    assert any(d["amounts"]["recovered"] != "0.00" for d in docs)
    for fund in rt.views.funds(fund_type=None, region=None, scopes=["000000"], after=None, limit=100):
        available = fund["allocated_fen"] - fund["reserved_fen"] - fund["disbursed_fen"] + fund["recovered_fen"]
        assert available >= 0
    rt.close()
