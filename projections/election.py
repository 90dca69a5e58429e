"""Exactly one process keeps the read models current; the others stand by and take
over within seconds when it dies. On SQLite the leader holds an exclusive lock on a file
beside the database (released by the kernel when the process dies)."""
from __future__ import annotations

import fcntl
import os


class FileLockElection:
    def __init__(self, path: str):
        self._path = path
        self._fd: int | None = None

    def try_lead(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def resign(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresAdvisoryElection:
    """Leadership is a session-level advisory lock held on a connection of its own: when
    the leader's process dies, PostgreSQL ends the session and frees the lock.
    `when_unreachable`: the answer when the database cannot be reached for the lock — no
    leadership for the projector (it stands by), but a go-ahead for a lock that only keeps
    processes from doing the same work at once (the work itself then reports the database)."""

    CHECK_INTERVAL_S = 1.0

    def __init__(self, conninfo: dict, key: int, *, when_unreachable: bool = False):
        self._conninfo = conninfo
        self._key = key
        self._when_unreachable = when_unreachable
        self._conn = None
        self._checked_at = 0.0

    def try_lead(self) -> bool:
        import time

        import psycopg

        now = time.monotonic()
        if self._conn is not None:
            if now - self._checked_at < self.CHECK_INTERVAL_S:
                return True
            try:
                self._conn.execute("SELECT 1")
                self._checked_at = now
                return True
            except psycopg.Error:
                self.resign()  # the session and its lock are gone
        try:
            conn = psycopg.connect(**self._conninfo, autocommit=True, connect_timeout=5)
        except psycopg.Error:
            return self._when_unreachable
        if conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()[0]:
            self._conn, self._checked_at = conn, now
            return True
        conn.close()
        return False

    def resign(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()   # ends the session, and with it the lock
            except Exception:
                pass
            self._conn = None
