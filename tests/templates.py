"""Stores as a fresh start leaves them, made once per test process and copied for each test.

Starting a ledger on an empty store costs most of a test's time: on PostgreSQL the start-up
DDL alone takes about a quarter of a second, and the `staff` fixture's six users are six
requests more. So each test process starts one ledger the ordinary way per backend (and one
more for each combination of the staff and funds fixtures a test asks for), closes it, and
gives each test a copy of what that start wrote:

- SQLite: the event store's and the read models' files, checkpointed (no -wal left), copied;
- PostgreSQL: the schema's DDL as `pg_dump --schema-only` prints it, with the template's
  schema name replaced by the test's, and its rows and its sequence's position, in one
  transaction.

Whatever lies beside the store (the shared head, the projector's lock, the seal's public
key) is made by the runtime when it starts on the copy, as it is on a fresh store.
tests/test_templates.py checks that a copy equals a fresh start: the same tables, indexes
and columns, the same events in the same order, a valid hash chain, read models at the head,
and an application started on it writes nothing and takes the staff's tokens.

Only the `client` fixture's stores are copied, and only for the suite's own settings (any
other settings start fresh). LEDGER_TEST_TEMPLATES=0 turns copying off: every test then
starts on an empty store as before (slower; for telling a copy's fault from the code's).
Without pg_dump on the PATH the PostgreSQL tests start fresh too."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from ledger.clock import SYSTEM_CLOCK
from runtime.settings import Settings

from .backends import postgres_settings, sqlite_settings
from .support import ADMIN_TOKEN, Api

SQLITE_FILES = ("ledger.db", "ledger-views.db")
# Fixtures whose writes a template can hold, in the order they are made: a test asking for
# them gets a copy of a template made with them (tests/conftest.py: staff; tests/api: funds).
LAYERS = ("staff", "funds")


def enabled() -> bool:
    return os.environ.get("LEDGER_TEST_TEMPLATES", "1") != "0"


@dataclass
class Template:
    settings: Settings
    # attribute of Staff -> (token, user id), when the template holds the staff
    staff: dict[str, tuple[str, str]] = field(default_factory=dict)
    funds: dict[str, str] = field(default_factory=dict)  # the funds fixture's, when it holds them
    made_on: dt.date | None = None  # the ledger's date (China's) when it was made
    pg_script: str = ""  # PostgreSQL: DDL and rows for a schema named {schema}


def standard_settings(settings: Settings) -> bool:
    """Whether `settings` are the suite's own for its backend (only the store's place differs):
    the copies hold what a start with those settings writes, and nothing else may use them."""
    if settings.backend == "sqlite":
        expected = sqlite_settings(settings.sqlite_path.parent.parent)
    else:
        expected = postgres_settings(settings.database_url, settings.data_dir.parent, pg_schema=settings.pg_schema)
    return dataclasses.replace(settings, database_url=expected.database_url) == expected


def build(settings: Settings, layers: tuple[str, ...] = ()) -> Template:
    """Start a ledger on the empty store of `settings` the ordinary way, make what the
    fixtures named in `layers` make, wait until its read models are at the head, close it
    and make it copyable."""
    from .conftest import Staff, open_funds

    template = Template(settings, made_on=SYSTEM_CLOCK.today())
    with TestClient(create_app(settings)) as client:
        if "staff" in layers or "funds" in layers:
            staff = Staff(Api(client, ADMIN_TOKEN))
            template.staff = {name: (api.token, api.user_id) for name, api in staff.people()}
            if "funds" in layers:
                template.funds = open_funds(staff.treasurer)
        rt = client.app.state.runtime
        deadline = time.monotonic() + 30
        while rt.runner.stored_position() < rt.ledger.head_position():
            assert time.monotonic() < deadline, "the template's read models did not reach the head"
            time.sleep(0.01)
    if settings.backend == "sqlite":
        for name in SQLITE_FILES:
            path = settings.sqlite_path.with_name(name)
            with sqlite3.connect(path) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            wal = path.with_name(path.name + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0, f"{wal} still holds pages"
    else:
        template.pg_script = _pg_script(settings)
    return template


def copy_into(template: Template, settings: Settings, pg_conn=None) -> None:
    """The template's store, copied to where `settings` keep theirs (which must be empty)."""
    if settings.backend == "sqlite":
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        for name in SQLITE_FILES:
            target = settings.sqlite_path.with_name(name)
            assert not target.exists(), f"{target} exists: a copy goes to an empty store only"
            shutil.copyfile(template.settings.sqlite_path.with_name(name), target)
        return
    with pg_conn.transaction():
        pg_conn.execute(template.pg_script.replace("{schema}", settings.pg_schema))


def _pg_dump_schema(settings: Settings) -> str:
    """The DDL of the schema of `settings`, as pg_dump prints it, without psql's backslash
    meta-commands (restrict/unrestrict, whose key is new each time)."""
    info = settings.pg_conninfo()
    dump = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-n", settings.pg_schema,
                           "-h", info["host"], "-p", str(info["port"]), "-U", info["user"], info["dbname"]],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PGPASSWORD": info["password"] or ""})
    return "\n".join(line for line in dump.stdout.splitlines() if not line.startswith("\\"))


def store_structure(settings: Settings) -> list:
    """What a store is made of, apart from its rows and the schema's name: to compare a
    copy with a fresh store (tests/test_templates.py)."""
    if settings.backend == "sqlite":
        described = []
        for path in sorted(settings.sqlite_path.parent.glob("*.db")):
            with sqlite3.connect(path) as db:
                described.append((path.name, db.execute("PRAGMA journal_mode").fetchone(),
                                  db.execute("PRAGMA user_version").fetchone(),
                                  db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
                                  .fetchall()))
            db.close()
        return described
    return re.sub(rf"\b{settings.pg_schema}\b", "SCHEMA", _pg_dump_schema(settings)).splitlines()


def _pg_script(settings: Settings) -> str:
    """One script making a schema named {schema} as the template's is: its DDL, its rows and
    its sequences' positions."""
    import psycopg
    from psycopg import sql

    info = settings.pg_conninfo()
    schema = settings.pg_schema
    assert re.fullmatch(r"[a-z0-9_]+", schema), schema
    # The dump's SETs stay: they apply to the copying connection only, used for nothing else.
    # The name is "template_" and random hex: it occurs nowhere but where the schema is named.
    script = [re.sub(rf"\b{schema}\b", "{schema}", _pg_dump_schema(settings))]
    with psycopg.connect(**info, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE' "
            "ORDER BY table_name", (schema,))]
        for table in tables:
            count = conn.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table))).fetchone()[0]
            if count:
                script.append(f'INSERT INTO "{{schema}}"."{table}" SELECT * FROM "{schema}"."{table}";')
        for seq, last, called in conn.execute(
                "SELECT sequencename, last_value, last_value IS NOT NULL FROM pg_sequences WHERE schemaname = %s",
                (schema,)).fetchall():
            if called:
                script.append(f"SELECT setval('\"{{schema}}\".\"{seq}\"', {int(last)}, true);")
    return "\n".join(script)


class Templates:
    """The templates of one test process, made when first asked for."""

    def __init__(self, tmp_factory, postgres_url=None):
        self._tmp_factory = tmp_factory
        self._postgres_url = postgres_url
        self._made: dict[tuple[str, tuple[str, ...]], Template] = {}
        self._pg_conn = None

    def get(self, backend: str, layers: tuple[str, ...], postgres_url: str | None) -> Template:
        key = (backend, layers)
        # A start records what it does on the ledger's date (the shipped catalog compared as
        # of today): past midnight in China a template is made again, as a fresh start would.
        if key not in self._made or self._made[key].made_on != SYSTEM_CLOCK.today():
            if backend == "sqlite":
                settings = sqlite_settings(self._tmp_factory.mktemp("template"))
            else:
                settings = postgres_settings(postgres_url, self._tmp_factory.mktemp("template"),
                                             pg_schema="template_" + uuid.uuid4().hex[:12])
            self._made[key] = build(settings, layers)
        return self._made[key]

    def seed(self, settings: Settings, *, layers: tuple[str, ...] = ()) -> Template | None:
        """Copy a template into the (empty) store of `settings`; None where a fresh start is
        needed instead (copying turned off, or settings other than the suite's own)."""
        if not enabled() or not standard_settings(settings):
            return None
        if settings.backend == "postgres" and shutil.which("pg_dump") is None:
            return None  # no client tools here: every PostgreSQL test starts fresh, as before (slower)
        postgres_url = settings.database_url if settings.backend == "postgres" else None
        template = self.get(settings.backend, layers, postgres_url)
        if settings.backend == "postgres" and self._pg_conn is None:
            import psycopg

            self._pg_conn = psycopg.connect(**settings.pg_conninfo(), autocommit=True)
        copy_into(template, settings, self._pg_conn)
        return template

    def close(self) -> None:
        if self._pg_conn is not None:
            self._pg_conn.close()
        for template in self._made.values():
            if template.settings.backend == "sqlite":
                shutil.rmtree(template.settings.sqlite_path.parent.parent, ignore_errors=True)
