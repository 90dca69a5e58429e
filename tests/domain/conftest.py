"""Fixtures of the writer tests: an event store of the backend under test, its
application and a group-commit writer on it."""
from __future__ import annotations

import psycopg
import pytest

from ledger.application import LedgerApplication
from ledger.writer import GroupCommitWriter

from ..support import CHAIN_KEY, PII_KEY

SNAPSHOT_KEY = bytes.fromhex(PII_KEY)  # as the runtime passes it: snapshots are tagged with the PII key
CHAIN = bytes.fromhex(CHAIN_KEY)  # the ledger's recorders write no event without a chain key


@pytest.fixture
def db(settings):
    """The event store's settings for the backend under test (another app can share it)."""
    if settings.backend == "postgres":
        with psycopg.connect(**settings.pg_conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.pg_schema}"')
    return settings.event_store_env()


@pytest.fixture
def app(db):
    app = LedgerApplication(env=db, snapshot_key=SNAPSHOT_KEY, chain_key=CHAIN)
    yield app
    app.close()


@pytest.fixture
def writer(app):
    w = GroupCommitWriter(app)
    yield w
    w.close()
