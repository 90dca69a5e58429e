"""The gate's store check of a token is shared by the requests that arrive while it runs
(api/gate.py `_check_once`), except across a change of tokens made by this process."""
from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest

from api.gate import _check_once
from ledger.errors import Unauthenticated


class SlowLedger:
    def __init__(self, answer="actor"):
        self.sessions_generation = 0
        self.calls = 0
        self.answer = answer
        self.lock = threading.Lock()

    def authenticate(self, token):
        with self.lock:
            self.calls += 1
        time.sleep(0.05)  # the store read, in a worker thread
        if isinstance(self.answer, Exception):
            raise self.answer
        return f"{self.answer}:{token}"


def test_concurrent_requests_of_one_token_share_one_check_and_other_tokens_get_their_own():
    ledger, state = SlowLedger(), SimpleNamespace(token_checks={})

    async def main():
        return await asyncio.gather(*(_check_once(state, ledger, "t1") for _ in range(20)),
                                    *(_check_once(state, ledger, "t2") for _ in range(5)))

    answers = asyncio.run(main())
    assert answers == ["actor:t1"] * 20 + ["actor:t2"] * 5
    assert ledger.calls == 2
    assert state.token_checks == {}, "a finished check is not kept"


def test_a_check_begun_before_this_process_changed_tokens_is_not_shared_after():
    ledger, state = SlowLedger(), SimpleNamespace(token_checks={})

    async def main():
        first = asyncio.ensure_future(_check_once(state, ledger, "t1"))
        await asyncio.sleep(0.01)
        ledger.sessions_generation += 1  # e.g. the token was revoked here meanwhile
        second = await _check_once(state, ledger, "t1")
        return await first, second

    assert asyncio.run(main()) == ("actor:t1", "actor:t1")
    assert ledger.calls == 2


def test_a_refusal_reaches_every_waiting_request():
    ledger, state = SlowLedger(Unauthenticated("no")), SimpleNamespace(token_checks={})

    async def main():
        return await asyncio.gather(*(_check_once(state, ledger, "bad") for _ in range(5)), return_exceptions=True)

    answers = asyncio.run(main())
    assert all(isinstance(a, Unauthenticated) for a in answers) and ledger.calls == 1


def test_a_waiter_cancelled_leaves_the_check_to_the_others():
    ledger, state = SlowLedger(), SimpleNamespace(token_checks={})

    async def main():
        gone = asyncio.ensure_future(_check_once(state, ledger, "t1"))
        stays = asyncio.ensure_future(_check_once(state, ledger, "t1"))
        await asyncio.sleep(0.01)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await stays

    assert asyncio.run(main()) == "actor:t1" and ledger.calls == 1
