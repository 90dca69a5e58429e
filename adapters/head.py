"""The log's head and the read models' position, shared by every process on this host
through a small memory-mapped file, so that a read knows whether it may answer without a
query (API.md, Consistency: a read reflects every write acknowledged before it began).

- The event store adapter (adapters/event_store.py) publishes the highest position of
  each batch it commits, after the commit and before it returns, so before any caller is
  answered: a read that begins after a write was acknowledged finds the head at or past it.
- The projection leader publishes the position its read models have reached.

Two 8-byte slots, each written twice (value, then its copy) and read until value and copy
agree, so a read never takes a half-written number. Writers take a lock (a thread lock and
`flock`) so a head only ever moves forward. Every process resets the head to the store's
own at start-up, under that lock, so a file left from another database is never believed.

Processes on other hosts do not see this file: with API workers on several hosts set
`LEDGER_HEAD=store` (every read asks the store for its head, as before)."""
from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
from collections.abc import Callable
from pathlib import Path

_SIZE = 32
_HEAD, _PROJECTED = 0, 16
_U64 = struct.Struct("<Q")


class SharedHead:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < _SIZE:
            os.ftruncate(self._fd, _SIZE)
        self._map = mmap.mmap(self._fd, _SIZE)
        self._lock = threading.Lock()

    # Reads: no lock, no system call.
    def _read(self, slot: int) -> int:
        while True:
            value = _U64.unpack_from(self._map, slot)[0]
            if _U64.unpack_from(self._map, slot + 8)[0] == value:
                return value

    def head(self) -> int:
        return self._read(_HEAD)

    def projected(self) -> int:
        return self._read(_PROJECTED)

    # Writes: under the lock, value then copy.
    def _write(self, slot: int, value: int) -> None:
        _U64.pack_into(self._map, slot, value)
        _U64.pack_into(self._map, slot + 8, value)

    def _locked(self, change: Callable[[], None]) -> None:
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                change()
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def committed(self, position: int) -> None:
        """A batch up to `position` is committed (the head only moves forward)."""
        if position > self.head():
            self._locked(lambda: self._write(_HEAD, max(position, self.head())))

    def reset(self, store_head: Callable[[], int]) -> None:
        """The head as the store says, read under the lock (a commit meanwhile waits)."""
        self._locked(lambda: self._write(_HEAD, store_head()))

    def projected_to(self, position: int) -> None:
        """The projection leader's read models hold every position up to `position`."""
        self._locked(lambda: self._write(_PROJECTED, position))

    def close(self) -> None:
        try:
            self._map.close()
        finally:
            os.close(self._fd)
