"""A command's answer still to come, for callers that must not block a thread on it.

Synchronous callers (the CLI, the demo, tests, the benchmarks) get answers as before:
`LedgerCore._run` waits on the writer's future. An asynchronous caller (api/writes.py)
sets `DEFERRED` for the call; `_run` then hands back a `Later`: the writer's
`concurrent.futures.Future` and what the command does with its result once it is durable
(the same continuations, in the same order, as the synchronous path). The caller awaits the
future without a thread (`asyncio.wrap_future`) and calls `resume`; a continuation may
itself return a `Later` (a refusal kept under an Idempotency-Key is a second write), which
the caller awaits in turn."""
from __future__ import annotations

import contextvars
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable

from ..errors import Unavailable

DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar("ledger_deferred", default=False)

TIMED_OUT = "the write did not complete in time; retry with the same Idempotency-Key"

_Step = tuple[Callable[[Any], Any] | None, type[BaseException] | None, Callable[[BaseException], Any] | None]


class Later:
    __slots__ = ("future", "_steps")

    def __init__(self, future: Future, steps: tuple[_Step, ...] = ()):
        self.future = future
        self._steps = steps

    def then(self, ok: Callable[[Any], Any]) -> "Later":
        return Later(self.future, (*self._steps, (ok, None, None)))

    def catch(self, kind: type[BaseException], handler: Callable[[BaseException], Any]) -> "Later":
        return Later(self.future, (*self._steps, (None, kind, handler)))

    def always(self, fn: Callable[[], Any]) -> "Later":
        """`fn()` once the outcome is known, whichever it is (a `finally`)."""
        def ok(value: Any) -> Any:
            fn()
            return value

        def failed(error: BaseException) -> Any:
            fn()
            raise error

        return self.then(ok).catch(BaseException, failed)

    def __getitem__(self, index: int) -> "Later":
        return self.then(lambda result: result[index])

    def __iter__(self):
        raise TypeError("a Later is not a result yet: chain with .then() (ledger/service/later.py)")

    def resume(self, value: Any = None, error: BaseException | None = None) -> Any:
        """Run the continuations on the writer's outcome: the answer, a `Later` still to
        await (with the remaining continuations attached), or the refusal raised."""
        steps = self._steps
        for i, (ok, kind, handler) in enumerate(steps):
            try:
                if error is None and ok is not None:
                    value = ok(value)
                elif error is not None and kind is not None and isinstance(error, kind):
                    value, error = handler(error), None
                else:
                    continue
            except BaseException as exc:  # noqa: BLE001 - handed to the next step, as raising would
                value, error = None, exc
                continue
            if isinstance(value, Later):
                return Later(value.future, (*value._steps, *steps[i + 1:]))
        if error is not None:
            raise error
        return value

    def wait(self, timeout_s: float) -> Any:
        """The synchronous path: block on the future, then resume (and on, should a
        continuation start another write)."""
        later: Any = self
        while isinstance(later, Later):
            try:
                value = later.future.result(timeout=timeout_s)
            except FutureTimeout:
                later = later.resume(error=Unavailable(TIMED_OUT))
            except BaseException as exc:  # noqa: BLE001
                later = later.resume(error=exc)
            else:
                later = later.resume(value)
        return later


def then(result: Any, ok: Callable[[Any], Any]) -> Any:
    """`ok(result)` now, or once a `Later` is resolved."""
    return result.then(ok) if isinstance(result, Later) else ok(result)


def always(result: Any, fn: Callable[[], Any]) -> Any:
    """For a result that may be a `Later`: `fn()` once it is resolved, whatever the outcome;
    for a plain one, now (the caller's own `finally` covered the synchronous path)."""
    if isinstance(result, Later):
        return result.always(fn)
    fn()
    return result
