"""Funds: one fund with its balance (live, or as it stood at a position) and the list."""
from __future__ import annotations

from ledger.access import READ_FUNDS, Actor
from ledger.domain.fund import balance_view, parse_fund_code
from ledger.errors import NotFound, ValidationFailed
from ledger.limits import check_date
from ledger.money import format_money
from ledger.regions import validate_region
from ledger.views import json_bytes

from .core import ReadsCore
from .ready import Ready


def fund_document(row: dict) -> dict:
    return {
        "fund_id": row["fund_id"], "fund_type": row["fund_type"], "region": row["region"], "name": row["name"],
        "balance": balance_view(row["allocated_fen"], row["reserved_fen"], row["disbursed_fen"], row["recovered_fen"]),
        "position": row["position"], "version": row["version"],
    }


def movement_document(row: dict) -> dict:
    return {"position": row["position"], "kind": row["kind"], "business_date": row["business_date"],
            "recorded_at": row["recorded_at"], "amount": format_money(row["amount_fen"]),
            "document_no": row["document_no"], "source": row["source"], "program": row["program"],
            "counterpart_fund": row["counterpart_fund"], "claim_id": row["claim_id"],
            "payment_ref": row["payment_ref"], "reference": row["reference"],
            **({"backdated": True} if row.get("backdated") else {})}


def fund_region(fund_id: str) -> str:
    """The region a fund id names; an id that cannot name a fund names no fund: 404."""
    try:
        return parse_fund_code(fund_id)[1]
    except ValidationFailed:
        raise NotFound(f"fund {fund_id} not found") from None


class FundReads(ReadsCore):
    def _check_fund(self, actor: Actor, fund_id: str) -> None:
        actor.require_role(*READ_FUNDS)
        actor.require_region(fund_region(fund_id))

    async def fund(self, actor: Actor, fund_id: str) -> Ready:
        """GET /v1/funds/{id}: one indexed row, once the read models hold every acknowledged write."""
        self._check_fund(actor, fund_id)
        await self.consistency.wait_async()
        row = self.view.fund(fund_id)
        if row is None:
            raise NotFound(f"fund {fund_id} not found")
        return Ready(json_bytes(fund_document(row)), row["version"])

    def fund_at(self, actor: Actor, fund_id: str, as_of: str | None, as_of_position: int | None) -> dict:
        """The fund as it stood then, from its history rows: `position` is that of its last event
        at or before that point and `version` its version then; a fund not yet opened then is 404."""
        self._check_fund(actor, fund_id)
        position = self.resolve(as_of, as_of_position)
        row = self.view.fund(fund_id) if position is None else self.view.fund_at(fund_id, position)
        if row is None:
            raise NotFound(f"fund {fund_id} not found" if position is None
                           else f"fund {fund_id} not found as of position {position}")
        return fund_document(row)

    def funds(self, actor: Actor, *, fund_type: str | None, region: str | None, after: str | None, limit: int,
              as_of: str | None, as_of_position: int | None) -> tuple[list[dict], str | None]:
        """Funds with balances (those that existed then, as they stood then, for an as-of read);
        the fund id to continue after (None: the last page)."""
        actor.require_role(*READ_FUNDS)
        if region is not None:
            validate_region(region)
        position = self.resolve(as_of, as_of_position)
        if position is None:
            rows = self.view.funds(fund_type=fund_type, region=region, scopes=actor.regions, after=after,
                                   limit=limit + 1)
        else:
            rows = self.view.funds_at(position, fund_type=fund_type, region=region, scopes=actor.regions,
                                      after=after, limit=limit + 1)
        items = [fund_document(r) for r in rows[:limit]]
        return items, (rows[limit - 1]["fund_id"] if len(rows) > limit else None)

    def movements(self, actor: Actor, fund_id: str, *, start: str | None, end: str | None, after: int | None,
                  limit: int) -> tuple[list[dict], int | None]:
        """A fund's movements (allocations and transfers with their document numbers, reservations,
        payments, returns, recoveries) dated from `start` to `end`, in log order; the position
        to continue after (None: the last page)."""
        self._check_fund(actor, fund_id)
        first = check_date(start, field="from") if start is not None else None
        last = check_date(end, field="to") if end is not None else None
        if first is not None and last is not None and first > last:
            raise ValidationFailed("from must not be after to", field="from")
        self.wait_consistent()
        if self.view.fund(fund_id) is None:
            raise NotFound(f"fund {fund_id} not found")
        rows = self.view.fund_movements(fund_id, start=first and first.isoformat(), end=last and last.isoformat(),
                                        after=after, limit=limit + 1)
        items = [movement_document(r) for r in rows[:limit]]
        return items, (rows[limit - 1]["position"] if len(rows) > limit else None)
