"""On PostgreSQL a commit in one process wakes the projector in another at once (LISTEN/
NOTIFY, adapters/wakeups.py), instead of at its next poll: with the poll set to a minute,
the projector still has another process's write within seconds; a ledger in another
schema of the same database does not wake it; and a write that rolls back sends nothing."""
from __future__ import annotations

import time

import psycopg
import pytest

from adapters.wakeups import LogWakeups, log_channel
from ledger.access import Actor
from projections import runner as runner_module
from runtime.container import Runtime
from tests.backends import postgres_settings
from tests.support import wait_until

TREASURER = Actor("u-treasurer", "treasurer", frozenset({"treasurer"}), ("210000",))
pytestmark = pytest.mark.xdist_group("postgres")




def test_another_process_commit_wakes_the_projector_before_its_poll(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setattr(runner_module, "IDLE_POLL_S", 60.0)
    settings = postgres_settings(postgres_url, tmp_path)
    projector, writer = Runtime(settings), Runtime(settings)  # two processes' runtimes on one log
    try:
        projector.start(project=True)
        assert wait_until(lambda: projector.runner.leading and projector.runner._wakeups.listening.is_set(), 10)
        time.sleep(0.2)  # the projector has caught up and sleeps in its (minute-long) poll
        writer.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210100"})
        head = writer.ledger.head_position()
        started = time.monotonic()
        assert wait_until(lambda: projector.runner.position >= head, 10), "the projector slept through the commit"
        assert time.monotonic() - started < 5
    finally:
        writer.close()
        projector.close()


def test_notifications_are_per_log_and_sent_at_commit_only(postgres_url, tmp_path):
    settings = postgres_settings(postgres_url, tmp_path)
    other = postgres_settings(postgres_url, tmp_path / "other")
    rt, neighbour = Runtime(settings), Runtime(other)
    woken: list[int] = []
    wakeups = LogWakeups(settings.pg_conninfo(), rt.app.recorder.log_channel)
    try:
        assert rt.app.recorder.log_channel == log_channel(settings.pg_schema, rt.app.recorder.events_table_name)
        assert neighbour.app.recorder.log_channel != rt.app.recorder.log_channel
        wakeups.start(lambda position: woken.append(position))
        assert wait_until(wakeups.listening.is_set, 10)
        time.sleep(0.1)
        woken.clear()
        neighbour.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210100"})
        time.sleep(0.5)
        assert woken == []  # another schema's ledger
        with psycopg.connect(**settings.pg_conninfo()) as conn:
            conn.execute("SELECT pg_notify(%s, 'x')", (rt.app.recorder.log_channel,))
            conn.rollback()
        time.sleep(0.5)
        assert woken == []  # rolled back: nothing sent
        rt.ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210100"})
        assert wait_until(lambda: woken != [], 5)
        assert woken[-1] == rt.ledger.head_position()  # the position the commit reached
    finally:
        wakeups.stop()
        neighbour.close()
        rt.close()



def test_a_commit_the_projection_has_reached_does_not_wake_it(tmp_path):
    """This process's own commits reach the runner by notify() and then by the database's
    notification too: the second, for a position already projected, is no new step."""
    from tests.backends import sqlite_settings

    rt = Runtime(sqlite_settings(tmp_path))
    try:
        runner = rt.runner
        runner.position = 10
        runner._wake.clear()
        runner._woken_by_commit(10)
        assert not runner._wake.is_set()
        runner._woken_by_commit(11)
        assert runner._wake.is_set()
        runner._wake.clear()
        runner._woken_by_commit(None)  # the listener (re)connected: anything may have been missed
        assert runner._wake.is_set()
    finally:
        rt.close()
