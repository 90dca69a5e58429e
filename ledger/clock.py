"""The one source of "now" and "today" for the ledger.

Business rules compare business dates with the day a command is recorded (API.md, "Insiders
and time"), tokens expire, notices end: all of that asks this clock, never the wall clock
directly, so a test or a simulation fixes "today" by handing the service another clock
(`Settings.clock`) instead of waiting or depending on the day it runs.

Times are UTC inside; "today" is the date in China Standard Time."""
from __future__ import annotations

import datetime as dt
import threading

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


class Clock:
    """The system's clock: UTC now, and today in China Standard Time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def today(self) -> dt.date:
        return self.now().astimezone(CHINA_STANDARD_TIME).date()


SYSTEM_CLOCK = Clock()


class SettableClock(Clock):
    """A clock that runs at the real pace from a chosen moment, and can be moved.

    Time keeps flowing (recorded times still move forward between two commands, as they
    do in production), while "today" is whatever the test or simulation set it to. A
    date means 09:00 China Standard Time on that day, well inside it."""

    def __init__(self, start: dt.date | dt.datetime | None = None):
        self._lock = threading.Lock()
        self._offset = dt.timedelta(0)
        if start is not None:
            self.travel_to(start)

    # A test hands its settings, clock included, to worker processes: they get the same
    # "today" (the offset travels), each with a lock of its own.
    def __getstate__(self) -> dict:
        with self._lock:
            return {"offset": self._offset}

    def __setstate__(self, state: dict) -> None:
        self._lock = threading.Lock()
        self._offset = state["offset"]

    def now(self) -> dt.datetime:
        with self._lock:
            offset = self._offset
        return dt.datetime.now(dt.timezone.utc) + offset

    def travel_to(self, moment: dt.date | dt.datetime) -> None:
        """From now on the clock reads `moment` (a date: 09:00 CST that day), then runs on."""
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(9), CHINA_STANDARD_TIME)
        if moment.tzinfo is None:
            raise ValueError("a moment needs a time zone")
        with self._lock:
            self._offset = moment - dt.datetime.now(dt.timezone.utc)

    def advance(self, delta: dt.timedelta | None = None, **parts: float) -> None:
        """Move the clock on by `delta` (or timedelta(**parts)), e.g. `advance(days=6)`."""
        step = delta if delta is not None else dt.timedelta(**parts)
        with self._lock:
            self._offset += step
