"""A process starting beside running ones takes no table locks: `CREATE INDEX IF NOT
EXISTS` locks its table before it finds the index, and a restarted worker doing so while
the projector held its own locks deadlocked with it (seen in the SIGKILL crash test). An
index already there is not created again, so starting up waits for no writer."""
from __future__ import annotations

import threading

import psycopg
import pytest

from ledger.application import LedgerApplication
from runtime.container import Runtime, open_read_model


@pytest.mark.parametrize("table", ["rm_claims", "rm_fund_movements", "ledger_events", "ledger_events_chain"])
def test_starting_up_waits_for_no_writer_on_postgres(postgres_url, tmp_path, table):
    from .backends import postgres_settings

    settings = postgres_settings(postgres_url, tmp_path)
    Runtime(settings).close()                       # the ledger is set up
    holder = psycopg.connect(**settings.pg_conninfo())
    try:
        # A writer in the middle of its transaction, as the projector and the writer are.
        holder.execute(f'LOCK TABLE "{settings.pg_schema}".{table} IN ROW EXCLUSIVE MODE')
        done = threading.Event()

        def start() -> None:
            app = LedgerApplication(env=settings.event_store_env(), chain_key=settings.resolve_chain_key())
            views = open_read_model(settings)
            views.close()
            app.close()
            done.set()

        starter = threading.Thread(target=start, daemon=True)
        starter.start()
        assert done.wait(20), f"start-up waited for the writer holding {table}"
    finally:
        holder.rollback()
        holder.close()
