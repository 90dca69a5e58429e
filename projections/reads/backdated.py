"""The auditors' list of backdated entries (`GET /reports/backdated`, API.md "Insiders and
time"), from its read model (projections/backdated.py)."""
from __future__ import annotations

from ledger.access import READ_REPORTS, Actor
from ledger.domain.fund import parse_fund_code
from ledger.errors import ValidationFailed
from ledger.limits import check_date
from ledger.service.watchlist import READ_WATCHLIST

from ..backdated import backdated_document
from .core import ReadsCore


class BackdatedReads(ReadsCore):
    def backdated(self, actor: Actor, *, fund_id: str | None, start: str | None, end: str | None,
                  after: int | None, limit: int) -> tuple[list[dict], int | None]:
        """Every entry recorded with a business date beyond the backdating window, with its
        evidence, in log order: those of `fund_id` (else of the caller's regions, and the watch
        list's for those who may read it) dated from `start` to `end`; the position to continue
        after (None: the last page)."""
        actor.require_role(*READ_REPORTS)
        if fund_id is not None:
            _, fund_region = parse_fund_code(fund_id)
            actor.require_region(fund_region)
        first = check_date(start, field="from") if start is not None else None
        last = check_date(end, field="to") if end is not None else None
        if first is not None and last is not None and first > last:
            raise ValidationFailed("from must not be after to", field="from")
        self.wait_consistent()
        rows = self.view.backdated(fund_id=fund_id, start=first and first.isoformat(), end=last and last.isoformat(),
                                   scopes=actor.regions,
                                   with_watch_list=fund_id is None and bool(actor.roles.intersection(READ_WATCHLIST)),
                                   after=after, limit=limit + 1)
        items = [backdated_document(row) for row in rows[:limit]]
        return items, (rows[limit - 1]["position"] if len(rows) > limit else None)
