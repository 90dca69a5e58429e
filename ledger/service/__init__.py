"""The application service: the one door into the ledger for the API, the CLI and the
demo loader. Commands run in the group-commit writer; reads come from the aggregates."""
from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Callable

from ..application import LedgerApplication
from ..clock import SYSTEM_CLOCK, Clock
from ..pii import PiiProtector
from ..policy.catalog import Catalog
from ..writer import MAX_CACHED_BYTES
from .bank import BankCommands
from .claims import ClaimCommands
from .core import Idem, Outcome
from .dates import DEFAULT_BACKDATE_DAYS
from .funds import FundCommands
from .notice import NoticeCommands
from .parameter_changes import ParameterChangeCommands
from .periods import PeriodCommands
from .user_changes import UserChangeCommands
from .verification import VerificationCommands
from .watchlist import WatchListCommands


class Ledger(UserChangeCommands, FundCommands, NoticeCommands, ClaimCommands, WatchListCommands,
             ParameterChangeCommands, VerificationCommands, BankCommands, PeriodCommands):
    def __init__(self, app: LedgerApplication, pii: PiiProtector, *, catalog: Catalog | None = None,
                 on_commit: Callable[[int], None] | None = None, token_ttl_days: int = 90,
                 clock: Clock = SYSTEM_CLOCK, backdate_days: int = DEFAULT_BACKDATE_DAYS, refusals: Any = None,
                 writer_cache_bytes: int = MAX_CACHED_BYTES):
        super().__init__(app, pii, catalog=catalog, on_commit=on_commit, clock=clock, backdate_days=backdate_days,
                         refusals=refusals, writer_cache_bytes=writer_cache_bytes)
        self.token_ttl = dt.timedelta(days=token_ttl_days)
        self._policy = {}
        self._policy_lock = threading.Lock()


__all__ = ["Idem", "Ledger", "Outcome"]
