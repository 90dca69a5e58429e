"""The two storage backends the suite runs on. Each test's settings carry a clock of its
own (ledger/clock.py): the real time until the test moves it (the `clock` fixture). PostgreSQL tests use a database created
for this test run (and dropped after it), with a fresh schema per test. Where no server
is reachable they skip with a message, except in CI (CI=true), where they fail."""
from __future__ import annotations

import os
import uuid
from urllib.parse import urlparse, urlunparse

import pytest

from ledger.clock import SettableClock
from ledger.limits import MAX_BACKDATE_DAYS
from runtime.settings import Settings

from .support import ADMIN_TOKEN, CHAIN_KEY, PII_KEY, SEAL_KEY

# The suite's scenarios are dated in 2022 while its clock reads today: its settings take
# business dates that far back without backdating evidence (a window an operator may set,
# LEDGER_BACKDATE_DAYS). Dates after today are refused whatever the window; the window of
# the contract's default, 30 days, is tested in tests/test_business_dates.py.
SUITE_BACKDATE_DAYS = MAX_BACKDATE_DAYS

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgres")


def sqlite_settings(tmp_path, **overrides) -> Settings:
    values = dict(database_url=f"sqlite:///{tmp_path}/var/ledger.db", bootstrap_admin_token=ADMIN_TOKEN,
                  pii_key=PII_KEY, seal_key=SEAL_KEY, chain_key=CHAIN_KEY, read_wait_s=5.0, clock=SettableClock(),
                  backdate_days=SUITE_BACKDATE_DAYS)
    values.update(overrides)
    return Settings(**values)


def postgres_settings(database_url: str, tmp_path, **overrides) -> Settings:
    # Generated files go to the test's directory, never the checkout's ./var (a running demo's).
    values = dict(database_url=database_url, bootstrap_admin_token=ADMIN_TOKEN, pii_key=PII_KEY, seal_key=SEAL_KEY,
                  chain_key=CHAIN_KEY,
                  read_wait_s=5.0, pg_schema="t_" + uuid.uuid4().hex[:12], clock=SettableClock(),
                  backdate_days=SUITE_BACKDATE_DAYS, data_directory=str(tmp_path / "var"))
    values.update(overrides)
    return Settings(**values)


def create_test_database() -> tuple[str, callable]:
    """Create a fresh database for this run; returns its URL and a function dropping it."""
    import psycopg

    admin_url = os.environ.get("LEDGER_TEST_POSTGRES_URL", DEFAULT_URL)
    try:
        conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        message = (f"PostgreSQL is not reachable at {admin_url} ({type(exc).__name__}); set "
                   "LEDGER_TEST_POSTGRES_URL or start it with `pg_ctlcluster 15 main start`")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — in CI the PostgreSQL tests must run", pytrace=False)
        pytest.skip(message)
    name = f"ledger_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlparse(admin_url)
    url = urlunparse(parts._replace(path=f"/{name}"))

    def drop() -> None:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    return url, drop
