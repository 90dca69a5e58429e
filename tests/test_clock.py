"""The injected clock: fixed days, moving time, and a copy for worker processes."""
from __future__ import annotations

import datetime as dt
import pickle

import pytest

from ledger.clock import CHINA_STANDARD_TIME, SettableClock


def test_a_date_reads_as_that_day_in_china_and_time_moves_on():
    clock = SettableClock(dt.date(2026, 12, 7))
    assert clock.today() == dt.date(2026, 12, 7)
    first = clock.now()
    assert clock.now() >= first
    clock.advance(days=6)
    assert clock.today() == dt.date(2026, 12, 13)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        SettableClock(dt.datetime(2026, 12, 7, 9))


def test_a_pickled_clock_keeps_its_day_and_has_its_own_lock():
    clock = SettableClock(dt.datetime(2025, 3, 1, 23, 30, tzinfo=CHINA_STANDARD_TIME))
    copy = pickle.loads(pickle.dumps(clock))
    assert copy.today() == clock.today() == dt.date(2025, 3, 1)
    copy.advance(days=1)
    assert copy.today() == dt.date(2025, 3, 2)
    assert clock.today() == dt.date(2025, 3, 1)
