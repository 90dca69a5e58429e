"""Every write route's one way to the ledger: the command's checks run on the event loop,
then the route awaits the writer's answer (`asyncio.wrap_future`), holding no thread while
the group commit makes it durable. What the command does with the durable result (and a
refusal kept under an Idempotency-Key, a second write) runs on the loop too
(ledger/service/later.py)."""
from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable

import anyio

from ledger.errors import Unavailable
from ledger.service.core import WRITE_TIMEOUT_S
from ledger.service.later import DEFERRED, TIMED_OUT, Later


def _deferred(step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    token = DEFERRED.set(True)
    try:
        return step(*args, **kwargs)
    finally:
        DEFERRED.reset(token)


async def write(call: Callable[..., Any], *args: Any, reads_first: bool = False, **kwargs: Any) -> Any:
    """`call(*args, **kwargs)` (a ledger command), its answer once durable. `reads_first`:
    the command reads the store before it reaches the writer (a bank statement's fund items,
    a period's evidence), so that part runs on a worker thread; the wait for the writer
    still holds none."""
    if reads_first:
        result = await anyio.to_thread.run_sync(functools.partial(_deferred, call, *args, **kwargs))
    else:
        result = _deferred(call, *args, **kwargs)
    while isinstance(result, Later):
        try:
            # Shielded: a timed-out or cancelled request must not cancel the writer's future
            # (the writer answers it whatever happens; the command may well commit).
            value = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(result.future)), WRITE_TIMEOUT_S)
        except asyncio.TimeoutError:
            result = _deferred(result.resume, error=Unavailable(TIMED_OUT))
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - the command's continuations decide
            result = _deferred(result.resume, error=exc)
        else:
            result = _deferred(result.resume, value)
    return result
