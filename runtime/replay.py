"""`ledger replay` and `ledger verify`: rebuild every read model from the log into a fresh
store and compare it, row by row, with the live one."""
from __future__ import annotations

import datetime as dt

from projections.rebuild import differences, rebuild

from .container import Runtime, open_read_model


def replay_and_compare(rt: Runtime, *, progress=None, keep: bool = False) -> dict:
    """Rebuild into a fresh store up to the live read models' position and compare."""
    live_position = rt.runner.stored_position()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    if rt.settings.backend == "sqlite":
        name = f"{rt.settings.sqlite_path.stem}-replay-{stamp}.db"
    else:
        name = f"{rt.settings.pg_schema or 'public'}_replay_{stamp}"
    fresh = open_read_model(rt.settings, elsewhere=name)
    try:
        events = rebuild(rt.app, fresh, upto=live_position, progress=progress)
        found = differences(rt.views, fresh)
    finally:
        fresh.datastore.close()
        if not keep:
            _drop(rt, name)
    return {"events": events, "position": live_position, "differences": found, "store": name if keep else None}


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


