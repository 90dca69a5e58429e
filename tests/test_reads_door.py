"""The read side's door (projections/reads) and what makes its claim and fund reads cheap:
the head shared by this host's processes (adapters/head.py) and the claim's answer stored
ready-made by the projector. No timings: what is checked is what is answered, and that no
query for the head is made when nothing was written."""
from __future__ import annotations

import asyncio

import orjson

from adapters.head import SharedHead
from ledger.access import Actor
from ledger.views import claim_view, json_bytes
from runtime.container import Runtime, shared_head_path

from .support import job_expansion_claim, wait_until

LIAONING = ("210000",)
CLERK = Actor("u-clerk", "clerk", frozenset({"clerk"}), LIAONING)
REVIEWER = Actor("u-reviewer", "reviewer", frozenset({"reviewer"}), LIAONING)
TREASURER = Actor("u-treasurer", "treasurer", frozenset({"treasurer"}), LIAONING)
AUDITOR = Actor("u-auditor", "auditor", frozenset({"auditor"}), LIAONING)
FUND = "unemployment_insurance:210100"




def _fund(ledger) -> None:
    ledger.open_fund(TREASURER, {"fund_type": "unemployment_insurance", "region": "210100"})
    ledger.allocate(TREASURER, FUND, {"amount": "100000.00", "source": "central", "document_no": "D",
                                      "effective_date": "2022-06-10"})


def test_shared_head_moves_forward_only_and_is_seen_by_another_mapping(tmp_path):
    path = tmp_path / "ledger.db.head"
    one, two = SharedHead(path), SharedHead(path)
    try:
        one.committed(7)
        assert two.head() == 7
        two.committed(5)  # a commit that finished later but lies earlier in the log
        assert one.head() == 7
        two.committed(9)
        assert one.head() == 9
        one.projected_to(8)
        assert two.projected() == 8
        two.reset(lambda: 3)  # the store's own head wins at start-up
        assert one.head() == 3
    finally:
        one.close()
        two.close()


def test_a_write_acknowledged_in_one_process_is_read_in_another_without_asking_for_the_head(any_settings):
    """Two runtimes on one store stand for two API workers: the first writes and projects,
    the second only reads; its claim read reflects the write as soon as it was acknowledged."""
    writer, reader = Runtime(any_settings), Runtime(any_settings)
    try:
        writer.start()
        assert wait_until(lambda: writer.runner.leading)
        reader.start(project=False)
        _fund(writer.ledger)
        asked = []
        store_head = reader.app.recorder.max_notification_id
        reader.app.recorder.max_notification_id = lambda: asked.append(1) or store_head()
        for _ in range(3):
            claim = writer.ledger.submit_claim(CLERK, job_expansion_claim()).body
            answer = asyncio.run(reader.reads.claim(AUDITOR, claim["claim_id"]))
            assert orjson.loads(answer.body)["status"] == "submitted" and answer.version == claim["version"]
            approved = writer.ledger.approve(REVIEWER, claim["claim_id"], {"approved_on": "2022-07-16"}).body
            answer = asyncio.run(reader.reads.claim(AUDITOR, claim["claim_id"]))
            assert orjson.loads(answer.body) == approved
            fund = orjson.loads(asyncio.run(reader.reads.fund(AUDITOR, FUND)).body)
            assert fund["balance"]["reserved"] == approved["amounts"]["reserved"] or fund["version"] > 2
        assert asked == [], "a read asked the store for its head although the processes share it"
        assert reader.shared_head.head() == (writer.app.recorder.max_notification_id() or 0)
    finally:
        reader.close()
        writer.close()


def test_stored_claim_answers_equal_the_live_view_after_a_rebuild(any_settings):
    rt = Runtime(any_settings)
    try:
        rt.start(project=False)
        _fund(rt.ledger)
        ids = []
        for i in range(4):
            cid = rt.ledger.submit_claim(CLERK, job_expansion_claim()).body["claim_id"]
            if i % 2:
                rt.ledger.approve(REVIEWER, cid, {"approved_on": "2022-07-16"})
            ids.append(cid)
        for _ in range(2):  # as projected, then after the read models are dropped and rebuilt
            rt.runner.catch_up()
            for cid in ids:
                stored = asyncio.run(rt.reads.claim(AUDITOR, cid))
                live = rt.ledger.claim(AUDITOR, cid)
                assert stored.body == json_bytes(claim_view(live)) and stored.version == live.version
            rt.views.drop_read_models()
    finally:
        rt.close()


def test_the_shared_head_is_named_after_the_database(any_settings, tmp_path):
    import dataclasses

    path = shared_head_path(any_settings)
    if any_settings.backend == "sqlite":
        assert path.parent == any_settings.sqlite_path.resolve().parent
        other = dataclasses.replace(any_settings, database_url=f"sqlite:///{tmp_path}/other/ledger.db")
    else:
        other = dataclasses.replace(any_settings, pg_schema=any_settings.pg_schema + "_other")
    assert shared_head_path(other) != path


def _open_files(path) -> int:
    import os
    from pathlib import Path
    target = str(path)
    return sum(1 for fd in Path("/proc/self/fd").iterdir() if os.path.realpath(fd).startswith(target))


def test_single_statement_reads_use_each_threads_own_connection_and_close_them_all(tmp_path):
    """The SQLite read models answer one-statement reads through a connection per reading
    thread (no transaction round): they see each acknowledged write, and closing the runtime
    closes every one of them, whichever thread opened it."""
    import threading

    from .backends import sqlite_settings

    settings = sqlite_settings(tmp_path)
    rt = Runtime(settings)
    views_db = settings.sqlite_path.with_name(settings.sqlite_path.stem + "-views.db")
    try:
        rt.start()
        _fund(rt.ledger)
        answers = []

        def read_after_a_write():
            claim = rt.ledger.submit_claim(CLERK, job_expansion_claim()).body
            answers.append(orjson.loads(asyncio.run(rt.reads.claim(AUDITOR, claim["claim_id"])).body) == claim)

        threads = [threading.Thread(target=read_after_a_write) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert answers == [True, True, True]
        assert len(rt.views._readers) >= 3, "a reading connection per thread"
    finally:
        rt.close()
    assert _open_files(views_db) == 0, "a reading connection was left open"


def test_postgres_one_statement_reads_leave_pooled_connections_as_they_found_them(postgres_url, tmp_path):
    """PostgreSQL reads run one statement straight on a pooled connection (the library keeps
    them in autocommit and opens its transactions explicitly); whatever the statement does,
    the connection goes back to the pool as it was, with no transaction left open."""
    import pytest
    from eventsourcing.persistence import PersistenceError

    from .backends import postgres_settings

    rt = Runtime(postgres_settings(postgres_url, tmp_path))
    try:
        rt.start()
        _fund(rt.ledger)
        with pytest.raises(PersistenceError):
            rt.views._rows("SELECT * FROM rm_no_such_table")
        assert rt.runner.wait_for(rt.ledger.head_position(), timeout_s=30)
        assert rt.views._rows("SELECT fund_id FROM rm_funds") == [{"fund_id": FUND}]
        pool = rt.views.datastore.pool
        held = [pool.getconn() for _ in range(pool.get_stats()["pool_size"])]
        try:
            assert all(c.autocommit and c.info.transaction_status.name == "IDLE" for c in held)
        finally:
            for c in held:
                pool.putconn(c)
        claim = rt.ledger.submit_claim(CLERK, job_expansion_claim()).body
        assert orjson.loads(asyncio.run(rt.reads.claim(AUDITOR, claim["claim_id"])).body) == claim
    finally:
        rt.close()
