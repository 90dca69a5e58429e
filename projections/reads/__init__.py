"""The read side's one door (beside `ledger.service.Ledger`, the write side's): what the API
and the CLI read goes through `Reads` — the consistency rule (consistency.py), as-of
resolution (asof.py), role and region checks, claims, funds, users, reports, payees,
reconciliation, closed and reopened months, the public notice, the watch list and backdated entries — and
the renderers of what it answers: CSV/XLSX
reports (export.py) and the Beancount journal (journal.py)."""
from __future__ import annotations

from .backdated import BackdatedReads
from .claims import ClaimReads
from .consistency import Consistency
from .funds import FundReads
from .notices import NoticeReads
from .periods import PeriodReads
from .ready import Ready
from .users import UserReads


class Reads(ClaimReads, FundReads, UserReads, PeriodReads, NoticeReads, BackdatedReads):
    """`rt.reads.claim(actor, id)` as writes are `rt.ledger.approve(actor, ...)`."""


__all__ = ["Consistency", "Ready", "Reads"]
