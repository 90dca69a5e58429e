"""The demonstration data set: believable, loaded once, every program and every status."""
from __future__ import annotations

import datetime as dt
import dataclasses
from collections import Counter
from uuid import UUID

import orjson
import pytest

from ledger.service.dates import DEFAULT_BACKDATE_DAYS
from ledger.views import claim_view, json_default
from projections.projector import LedgerProjection
from runtime.container import Runtime
from runtime.demo import PROGRAMS, load_demo_data

from .support import new_user


DEMO_DAY = dt.date(2026, 12, 7)


@pytest.fixture
def settings(settings):
    """The demo loads into a ledger as deployed: the contract's backdating window, not the suite's,
    on a fixed day (its notices count working days in the shipped holiday calendar)."""
    settings.clock.travel_to(DEMO_DAY)
    return dataclasses.replace(settings, backdate_days=DEFAULT_BACKDATE_DAYS)


@pytest.mark.slow
def test_demo_data_uses_every_program_and_every_status_and_loads_once(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    tokens = load_demo_data(rt.ledger, claims_per_city=60)
    assert set(tokens) == {"clerk", "reviewer", "reviewer2", "treasurer", "auditor"}
    assert load_demo_data(rt.ledger) is None, "a second load into a non-empty ledger must do nothing"
    rt.runner.catch_up()
    docs = [orjson.loads(r["doc"]) for r in rt.views.claims(filters={}, scopes=["000000"],
                                                             limit=10_000)]
    assert {d["program"] for d in docs} == set(PROGRAMS) and len(PROGRAMS) == 19
    assert set(Counter(d["status"] for d in docs)) == {"submitted", "rejected", "withdrawn", "approved", "prepaid",
                                                       "paid", "closed"}
    assert any(d["amounts"]["returned"] != "0.00" for d in docs)
    assert any(d["amounts"]["recovered"] != "0.00" for d in docs)
    for fund in rt.views.funds(fund_type=None, region=None, scopes=["000000"], after=None, limit=100):
        available = fund["allocated_fen"] - fund["reserved_fen"] - fund["disbursed_fen"] + fund["recovered_fen"]
        assert available >= 0
    rt.close()


def test_read_models_skip_only_events_without_a_read_model_and_track_the_whole_log(settings):
    """The projector asks the store for the events of funds, claims and bank statements only:
    every such event of a rich log must be among them (a row would go stale otherwise), and
    the tracked position still reaches the head when the last events are of other kinds."""
    rt = Runtime(settings)
    rt.start(project=False)
    load_demo_data(rt.ledger, claims_per_city=20)
    new_user(rt.ledger, rt.ledger.bootstrap_actor(), "late", ["auditor"], ["210000"])
    head = rt.ledger.head_position()
    stored_topics = {n.topic for n in rt.ledger.stored_events()}
    projected = {t for t in stored_topics
                 if t.split(":")[1].split(".")[0] in ("Fund", "Claim", "BankStatement", "WatchListEntry")}
    assert projected and projected <= set(LedgerProjection.topics)
    assert stored_topics - projected, "the log should hold events without a read model too"
    assert rt.runner.catch_up() == head
    assert rt.runner.stored_position() == head
    docs = rt.views.claims(filters={}, scopes=["000000"], limit=10_000)
    assert docs
    for row in docs:
        doc = orjson.loads(row["doc"])
        claim = rt.app.repository.get(UUID(doc["claim_id"]))
        assert doc == orjson.loads(orjson.dumps(claim_view(claim), default=json_default))
    rt.close()


def test_read_models_dropped_while_running_are_rebuilt_by_the_same_projector(settings):
    """The projector keeps aggregates in memory between batches; a second pass over the log
    (the read models dropped and rebuilt in the same process) must not apply an event to
    what it remembered from the first."""
    rt = Runtime(settings)
    rt.start(project=False)
    load_demo_data(rt.ledger, claims_per_city=10)
    rt.runner.catch_up()

    def rows():
        claims = rt.views.claims(filters={}, scopes=["000000"], limit=10_000)
        funds = rt.views.funds(fund_type=None, region=None, scopes=["000000"], after=None, limit=100)
        return [r["doc"] for r in claims], funds

    before = rows()
    rt.views.drop_read_models()
    rt.runner.position = 0
    assert rt.runner.catch_up() == rt.ledger.head_position()
    assert rows() == before and before[0] and before[1]
    rt.close()


def test_demo_data_shows_shenyangs_public_notice_objections_and_the_watch_list(settings):
    """Shenyang's publicity_days 5, put in force by two admins; claims on notice from the day
    the demo is loaded (a notice starts when its approval is recorded; masked), an objection
    dismissed and one upheld, a listed employer; its 2022 entries carry backdating evidence."""
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        load_demo_data(rt.ledger, claims_per_city=15)
        rt.runner.catch_up()
        for program in PROGRAMS:
            [version] = [v for v in rt.ledger.parameter_history(program) if v["region"] == "210100"
                         and "publicity_days" in v["values"]]
            assert version["values"]["publicity_days"] == 5
            assert version["proposed_by"] != version["confirmed_by"] and version["document_no"]
        today = settings.clock.today()
        rows = [orjson.loads(r["doc"]) for r in rt.views.notices(on=today.isoformat(), fund_id=None,
                                                                 scopes=["000000"], after=None, limit=100)]
        assert len(rows) == 2  # three put on notice, one closed on an upheld objection
        assert today == DEMO_DAY
        ends_on = "2026-12-14"  # five working days after Monday 2026-12-07: Tue 8 – Mon 14
        assert all(r["starts_on"] == today.isoformat() and r["ends_on"] == ends_on and "*" in r["beneficiary"]["id"]
                   for r in rows)
        outcomes = []
        for row in rt.views.notices(on=today.isoformat(), fund_id=None, scopes=["000000"], after=None, limit=100):
            claim = rt.app.repository.get(UUID(row["claim_id"]))
            outcomes += [o["outcome"] for o in claim.publicity["objections"]]
        assert outcomes == ["dismissed"]
        upheld = [orjson.loads(r["doc"]) for r in rt.views.claims(filters={"status": "closed"}, scopes=["000000"],
                                                                  limit=10_000)]
        assert any(o["status"] == "upheld" for d in upheld if d["publicity"] for o in d["publicity"]["objections"])
        [entry] = [orjson.loads(r["doc"]) for r in rt.views.watch_list(party_ref=None, active_on="2022-12-20",
                                                                       after_position=None, limit=10)]
        assert entry["party"]["kind"] == "organisation" and "*" in entry["party"]["id"]
        assert entry["document_no"] == "沈人社失信〔2022〕1号"
        assert entry["backdated"] is True
        backdated = rt.views.backdated(fund_id=None, start=None, end=None, scopes=["000000"], with_watch_list=True,
                                       after=None, limit=10_000)
        assert {"allocation", "transfer_in", "transfer_out", "application", "approval", "payment", "listing"} <= {
            row["entry"] for row in backdated}
        assert all(row["reason"] and row["document_no"] == "演示〔2022〕1号" for row in backdated)
    finally:
        rt.close()


def test_the_demo_loads_when_todays_notices_would_run_into_a_year_not_loaded(settings):
    """From late December a notice begun today counts working days of next year, whose
    holiday schedule ships only once the State Council publishes it and two admins load it:
    the demo still loads, its Shenyang claims of December waiting, submitted (as a bureau's
    would), and the rest of the data set whole."""
    settings.clock.travel_to(dt.date(2026, 12, 28))  # 5 working days on run into 2027, not shipped
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        assert load_demo_data(rt.ledger, claims_per_city=20) is not None
        rt.runner.catch_up()
        docs = [orjson.loads(r["doc"]) for r in rt.views.claims(filters={}, scopes=["000000"],
                                                                 limit=10_000)]
        assert not any(d.get("publicity") for d in docs)  # no notice could be counted
        assert any(d["status"] == "paid" for d in docs)
        assert rt.ledger.verify_chain()["ok"]
    finally:
        rt.close()
