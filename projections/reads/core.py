"""What every read shares: the read models (or their replica), the consistency rule and
the resolution of as-of parameters to one log position."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ledger.errors import NotFound

from . import asof
from .consistency import Consistency


class ReadsCore:
    def __init__(self, *, view: Any, app: Any, ledger: Any, consistency: Consistency):
        """`view`: the read models to read from (a replica's, when there is one); `app`: the
        event-sourced application (its store's time index, and claims as they stood); `ledger`:
        the write side's catalog and PII keys, for filters that need them."""
        self.view = view
        self.app = app
        self.ledger = ledger
        self.consistency = consistency

    def wait_consistent(self) -> int:
        """Block until the read models hold every write acknowledged before this call; the head."""
        return self.consistency.wait()

    def position(self, moment: dt.datetime | None = None, as_of_position: int | None = None) -> int:
        """The log position a read answers at: the last recorded at or before `moment`, or
        `as_of_position` (not beyond the head: 404), else the head; always after waiting until
        the read models hold every write acknowledged before the read began."""
        if moment is not None:
            # Looked up before the wait: the read models then hold at least this position.
            position = self.app.recorder.position_at(moment)
            self.wait_consistent()
            return position
        head = self.wait_consistent()
        if as_of_position is not None and as_of_position > head:
            raise NotFound(f"as_of_position {as_of_position} is beyond the log's head ({head}): the ledger has "
                           "not stood there yet", field="as_of_position")
        return head if as_of_position is None else as_of_position

    def resolve(self, as_of: str | None, as_of_position: int | None) -> int | None:
        """The position an as-of read answers at (None: now, once consistent)."""
        moment = asof.check(as_of, as_of_position)
        position = self.position(moment, as_of_position)
        return None if moment is None and as_of_position is None else position
