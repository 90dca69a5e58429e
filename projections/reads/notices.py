"""The public notice's payee list (公示, `GET /reports/payees?stage=notice`) and the watch
list (失信名单, `GET /watchlist`), from their read models (projections/notices.py)."""
from __future__ import annotations

import orjson

from ledger.access import READ_REPORTS, Actor
from ledger.domain.fund import parse_fund_code
from ledger.limits import check_date
from ledger.service.watchlist import READ_WATCHLIST, party_ref

from .core import ReadsCore


class NoticeReads(ReadsCore):
    def under_notice(self, actor: Actor, *, on: str | None, fund_id: str | None, after: str | None,
                     limit: int) -> tuple[list[dict], str | None]:
        """Claims under public notice on `on` (default today, China Standard Time) in the
        caller's regions, and of `fund_id` if given, by claim id; the claim id to continue
        after (None: the last page). As the ledger stands now: a claim closed since is gone."""
        actor.require_role(*READ_REPORTS)
        if fund_id is not None:
            _, fund_region = parse_fund_code(fund_id)
            actor.require_region(fund_region)
        day = check_date(on, field="on") if on is not None else self.ledger.today()
        self.wait_consistent()
        rows = self.view.notices(on=day.isoformat(), fund_id=fund_id, scopes=actor.regions, after=after,
                                 limit=limit + 1)
        items = [orjson.loads(row["doc"]) for row in rows[:limit]]
        return items, (rows[limit - 1]["claim_id"] if len(rows) > limit else None)

    def watch_list(self, actor: Actor, *, party_id: str | None, active_on: str | None, after_position: int | None,
                   limit: int) -> tuple[list[dict], int | None]:
        """Watch-list entries, oldest first, party ids masked; `party_id` is looked up by its
        keyed hash, `active_on` gives the entries listing their party that day."""
        actor.require_role(*READ_WATCHLIST)
        ref = party_ref(self.ledger.pii, party_id) if party_id is not None else None
        day = check_date(active_on, field="active_on").isoformat() if active_on is not None else None
        self.wait_consistent()
        rows = self.view.watch_list(party_ref=ref, active_on=day, after_position=after_position, limit=limit + 1)
        items = [orjson.loads(row["doc"]) for row in rows[:limit]]
        return items, (rows[limit - 1]["first_position"] if len(rows) > limit else None)
