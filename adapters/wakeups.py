"""Commits of other processes wake the projector at once (PostgreSQL LISTEN/NOTIFY).

A process's own commits wake its projector directly (`ProjectionRunner.notify`); with the
projection in a process of its own (`LEDGER_PROJECTIONS=external`), or led by another API
process, nothing told it of a commit: it polled every `IDLE_POLL_S`, which a client meeting
read-your-write consistency paid as lag (docs/BENCHMARKS.md: p50 40–60 ms, p99 130–330 ms).
The event store's insert notifies a channel inside its transaction, so the notification is
sent at the commit and never for a write that rolled back; a listener here sets the runner's
wake. A lost connection is reconnected; meanwhile the poll still bounds the wait."""
from __future__ import annotations

import hashlib
import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)

RECONNECT_S = 1.0
# How soon a stop is seen: a runtime's close waits for it (a second made every test that
# closes a PostgreSQL runtime a second longer); an idle wait costs a poll of the socket.
LISTEN_TIMEOUT_S = 0.1


def log_channel(schema: str, events_table: str) -> str:
    """The channel of one event log: short (PostgreSQL's 63-byte names) and one per schema,
    so ledgers sharing a database never wake each other."""
    return "ledger_log_" + hashlib.sha256(f"{schema}.{events_table}".encode()).hexdigest()[:16]


class LogWakeups:
    def __init__(self, conninfo: dict, channel: str):
        self._conninfo = conninfo
        self._channel = channel
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while a LISTEN is in place (tests wait on it)

    def start(self, wake: Callable[[int | None], None]) -> None:
        """`wake(position)`: a commit reached the log's `position` (None: some commit may have)."""
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, args=(wake,), name="ledger-log-wakeups", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=LISTEN_TIMEOUT_S + 5)
            self._thread = None

    def _run(self, wake: Callable[[int | None], None]) -> None:
        import psycopg
        from psycopg.sql import SQL, Identifier

        while not self._stopped.is_set():
            try:
                with psycopg.connect(**self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(SQL("LISTEN {}").format(Identifier(self._channel)))
                    self.listening.set()
                    wake(None)  # whatever was committed while nobody listened
                    while not self._stopped.is_set():
                        for n in conn.notifies(timeout=LISTEN_TIMEOUT_S):
                            wake(int(n.payload) if n.payload.isdigit() else None)
            except psycopg.Error as exc:
                log.warning("listening for commits failed (%s); polling until it reconnects", type(exc).__name__)
            finally:
                self.listening.clear()
            self._stopped.wait(RECONNECT_S)
