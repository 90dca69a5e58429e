"""The consistency rule (API.md): every read reflects every write acknowledged before it
began. A read notes the log's head, then waits (bounded, else `503`) until the read
models hold it.

Knowing the head costs no query when the processes share a head (adapters/head.py): the
event store adapter publishes each commit's position there before any caller is answered.
Knowing that the read models hold it costs none either: in the projection leader's own
process its position is in memory, elsewhere the leader publishes it beside the head. Only
a read that finds the read models behind waits — on the event loop for a moment, then in
a worker thread, polling the store as before."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import anyio

from ledger.errors import Unavailable

from ..runner import ProjectionRunner, wait_for_position

# An async read that finds the read models behind polls on the event loop this long (the
# projector is usually a batch away) before it waits in a worker thread.
ASYNC_POLL_S = 0.05


class Consistency:
    def __init__(self, *, store_head: Callable[[], int], runner: ProjectionRunner, reader, name: str,
                 wait_s: Callable[[], float], shared_head=None):
        """`wait_s`: how long a read may wait (read at each wait: settings may change)."""
        self._store_head = store_head
        self._runner = runner
        self._reader = reader
        self._name = name
        self._wait_s = wait_s
        self._shared = shared_head
        # A read replica has its own tracking position: only asking it tells how far it is.
        self._replica = reader is not runner.view

    def head(self) -> int:
        """The position of the last write acknowledged anywhere (no query with a shared head)."""
        return self._shared.head() if self._shared is not None else self._store_head()

    def holds(self, position: int) -> bool:
        """Whether the read models certainly hold `position`, without I/O."""
        if self._replica:
            return False
        runner = self._runner
        if runner.leading and runner.position >= position:
            return True
        return self._shared is not None and self._shared.projected() >= position

    def wait(self) -> int:
        """Block until the read models hold every write acknowledged before this call; the head."""
        head = self.head()
        if not self.holds(head):
            self._wait_for(head)
        return head

    async def wait_async(self) -> int:
        """`wait` for a route on the event loop: no thread hop when nothing is behind."""
        head = self.head()
        if self.holds(head):
            return head
        deadline = time.monotonic() + ASYNC_POLL_S
        pause = 0.0005
        while time.monotonic() < deadline:
            await asyncio.sleep(pause)
            if self.holds(head):
                return head
            pause = min(pause * 2, 0.005)
        await anyio.to_thread.run_sync(self._wait_for, head)
        return head

    def _wait_for(self, head: int) -> None:
        if self._replica:
            reached = wait_for_position(self._reader, self._name, head, self._wait_s())
        else:
            reached = self._runner.wait_for(head, self._wait_s())
        if reached:
            return
        runner = self._runner
        if runner.stopped is not None:
            raise Unavailable(f"the read models stopped at log position {runner.stopped.position}: an "
                              "event could not be projected; an operator must look (see /readyz and the log)",
                              retry_after_s=60)
        if self._shared is not None and self._store_head() < head:
            # The shared head is ahead of the store (a store put back from a backup under a
            # running server): believe the store from now on, and answer this read again.
            self._shared.reset(self._store_head)
            return self._wait_for(self.head())
        raise Unavailable("the read models are behind the log; retry shortly", retry_after_s=1)
