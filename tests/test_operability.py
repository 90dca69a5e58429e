"""Operating several processes: exactly one keeps the read models and another takes over
when it stops; a busy or locked database is answered 503 with Retry-After within seconds,
never a hang and never a 500."""
from __future__ import annotations

import threading
import time

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.access import Actor
from runtime.container import Runtime

from .backends import postgres_settings
from .conftest import Staff
from .support import ADMIN_TOKEN, Api, wait_until

TREASURER = Actor("t", "t", frozenset({"treasurer"}), ("210000",))




def test_one_process_projects_and_another_takes_over(any_settings):
    first, second = Runtime(any_settings), Runtime(any_settings)
    first.start()
    assert wait_until(lambda: first.runner.leading, 5)
    second.start()
    time.sleep(1.5)
    assert not second.runner.leading, "two processes project at once"
    second.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210100"})
    second.reads.wait_consistent()  # the follower's reads wait for the leader's projection
    assert second.views.fund("employment_subsidy:210100") is not None

    first.close()  # the leader goes away: the other takes over within seconds
    assert wait_until(lambda: second.runner.leading, 5)
    second.ledger.allocate(TREASURER, "employment_subsidy:210100", {
        "amount": "10.00", "source": "municipal", "document_no": "D", "effective_date": "2022-06-10"})
    second.reads.wait_consistent()
    assert second.views.fund("employment_subsidy:210100")["allocated_fen"] == 1000
    second.close()


@pytest.mark.slow
def test_locked_event_table_is_503_within_seconds(postgres_url, tmp_path):
    settings = postgres_settings(postgres_url, tmp_path, pg_lock_timeout_s=1)
    with TestClient(create_app(settings)) as client:
        staff = Staff(Api(client, ADMIN_TOKEN))
        assert staff.treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": "210100"}).status_code == 201
        locked, release = threading.Event(), threading.Event()

        def hold_lock():
            with psycopg.connect(**settings.pg_conninfo()) as conn:
                conn.execute(f'LOCK TABLE "{settings.pg_schema}".ledger_events IN EXCLUSIVE MODE')
                locked.set()
                release.wait(30)

        holder = threading.Thread(target=hold_lock)
        holder.start()
        assert locked.wait(10)
        started = time.monotonic()
        r = staff.treasurer.post("/v1/funds/employment_subsidy:210100/allocations", {
            "amount": "10.00", "source": "municipal", "document_no": "D", "effective_date": "2022-06-10"})
        elapsed = time.monotonic() - started
        release.set()
        holder.join()
        assert r.status_code == 503 and r.json()["code"] == "unavailable", r.text
        assert "Retry-After" in r.headers
        assert elapsed < 15
        # Once the lock is gone the same request goes through.
        r = staff.treasurer.post("/v1/funds/employment_subsidy:210100/allocations", {
            "amount": "10.00", "source": "municipal", "document_no": "D", "effective_date": "2022-06-10"})
        assert r.status_code == 201, r.text


@pytest.mark.slow
def test_exhausted_pool_is_503_within_seconds(postgres_url, tmp_path):
    settings = postgres_settings(postgres_url, tmp_path, pg_pool_size=1, pg_max_overflow=0, pg_connect_timeout_s=1)
    with TestClient(create_app(settings)) as client:
        staff = Staff(Api(client, ADMIN_TOKEN))
        rt = client.app.state.runtime
        taken, release = threading.Event(), threading.Event()

        def hold_connection():
            with rt.app.recorder.datastore.get_connection():
                taken.set()
                release.wait(30)

        holder = threading.Thread(target=hold_connection)
        holder.start()
        assert taken.wait(10)
        started = time.monotonic()
        r = staff.reviewer.get("/v1/claims/00000000-0000-0000-0000-000000000000")
        elapsed = time.monotonic() - started
        release.set()
        holder.join()
        assert r.status_code == 503 and r.json()["code"] == "unavailable", r.text
        assert r.headers.get("Retry-After")
        assert elapsed < 10


def test_reads_from_a_replica_wait_for_the_primary_head(postgres_url, tmp_path, monkeypatch):
    """A replica's read models serve reads only once they reach the primary's head."""
    import dataclasses

    from ledger.errors import Unavailable

    primary = postgres_settings(postgres_url, tmp_path)
    # Stand-in for a lagging replica: a copy of the read models that nobody projects into.
    replica_schema = primary.pg_schema + "_replica"
    with psycopg.connect(**primary.pg_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{replica_schema}"')
    settings = dataclasses.replace(primary, read_replica_url=postgres_url, read_wait_s=0.3)
    # The runtime opens the primary's read models first, then the replica's: the second
    # opens the replica's schema, so that everything wired with the reader reads the replica.
    from runtime import container
    opened = []
    real_open = container.open_read_model

    def open_replica_schema_second(s):
        opened.append(s)
        return real_open(s if len(opened) == 1 else dataclasses.replace(s, pg_schema=replica_schema))

    monkeypatch.setattr(container, "open_read_model", open_replica_schema_second)
    rt = Runtime(settings)
    assert len(opened) == 2 and rt.reader is not rt.views
    rt.start()
    rt.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210100"})
    with pytest.raises(Unavailable):
        rt.reads.wait_consistent()
    from projections.rebuild import rebuild
    rebuild(rt.app, rt.reader)  # the replica catches up
    rt.reads.wait_consistent()
    assert rt.reader.fund("employment_subsidy:210100") is not None
    rt.close()
