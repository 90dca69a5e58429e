"""`ledger replay` and `ledger verify`: rebuild every read model from the log into a fresh
store and compare it, row by row, with the live one."""
from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from projections import sql
from projections.projector import ProjectionFault
from projections.rebuild import differences, rebuild

from .container import Runtime, open_read_model
from .settings import Settings

TRACKING_TABLE = {"sqlite": "tracking", "postgres": "ledger_views_tracking"}


def missing_read_models(settings: Settings) -> str | None:
    """What is missing of the live read models, looked at without creating anything (opening
    them would create an empty store, and an empty store equals an empty replay); None when
    they are all there."""
    wanted = {*sql.READ_MODEL_TABLES, TRACKING_TABLE[settings.backend]}
    if settings.backend == "sqlite":
        path = settings.views_env()["SQLITE_DBNAME"]
        try:
            with closing(sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)) as conn:
                present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error:
            return f"the read-model database {path} does not exist or cannot be opened"
        where = path
    else:
        import psycopg

        schema = settings.pg_schema or "public"
        with psycopg.connect(**settings.pg_conninfo(), connect_timeout=settings.pg_connect_timeout_s) as conn:
            present = {r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))}
        where = f"schema {schema}"
    missing = sorted(wanted - present)
    if missing:
        return f"the read models in {where} lack {', '.join(missing)}"
    return None


def replay_and_compare(rt: Runtime, *, progress=None, keep: bool = False) -> dict:
    """Rebuild into a fresh store up to the live read models' position and compare. A log
    that cannot be replayed is reported with the position it stopped at (`unreplayable`)."""
    live_position = rt.runner.stored_position()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    if rt.settings.backend == "sqlite":
        name = f"{rt.settings.sqlite_path.stem}-replay-{stamp}.db"
    else:
        name = f"{rt.settings.pg_schema or 'public'}_replay_{stamp}"
    fresh = open_read_model(rt.settings, elsewhere=name)
    events, found, unreplayable = 0, [], None
    try:
        try:
            events = rebuild(rt.app, fresh, upto=live_position, progress=progress)
        except ProjectionFault as exc:
            unreplayable = exc.position
        else:
            found = differences(rt.views, fresh)
    finally:
        fresh.close()
        if not keep:
            _drop(rt, name)
    return {"events": events, "position": live_position, "differences": found, "unreplayable": unreplayable,
            "store": name if keep else None}


def _drop(rt: Runtime, name: str) -> None:
    if rt.settings.backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = rt.settings.sqlite_path.with_name(name + suffix)
            if path.exists():
                path.unlink()
        return
    import psycopg

    with psycopg.connect(**rt.settings.pg_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
