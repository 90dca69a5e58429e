"""Read models of the public notice (公示) and the watch list (失信名单), rebuilt from the
log like the others and written in the projector's batch transaction with its tracking
position (projections/projector.py):

- `rm_notices`: one row per claim that was put on notice, as the claim stands now, for
  `GET /reports/payees?stage=notice&on=` (claims under notice that day: starts_on ≤ on <
  ends_on, not closed). The row's `doc` is the report line, person ids masked.
- `rm_watchlist`: one row per watch-list entry, for `GET /watchlist`; the party's keyed
  hash (never its number) for the party_id filter, the entry as the API shows it."""
from __future__ import annotations

from ledger.domain.watchlist import WatchListEntry
from ledger.money import format_money
from ledger.views import json_bytes, watch_list_entry_view

from .claim_rows import ClaimState

UPSERT_NOTICE = """INSERT INTO rm_notices (claim_id, region, fund_id, status, starts_on, ends_on, position, doc)
    VALUES (?,?,?,?,?,?,?,?)
    ON CONFLICT (claim_id) DO UPDATE SET fund_id = excluded.fund_id, status = excluded.status,
        starts_on = excluded.starts_on, ends_on = excluded.ends_on, position = excluded.position, doc = excluded.doc"""

UPSERT_WATCHLIST = """INSERT INTO rm_watchlist (entry_id, party_ref, listed_from, ends_on, first_position, position,
        doc) VALUES (?,?,?,?,?,?,?)
    ON CONFLICT (entry_id) DO UPDATE SET ends_on = excluded.ends_on, position = excluded.position, doc = excluded.doc"""


def notice_line(claim: ClaimState) -> dict:
    """A claim under notice as the report lists it (its parties as its document shows them)."""
    notice = claim.publicity
    return {"claim_id": str(claim.id), "payee": claim.applicant, "beneficiary": claim.beneficiary,
            "program": claim.program, "amount": format_money(claim.approved_fen), "starts_on": notice["starts_on"],
            "ends_on": notice["ends_on"], "objections_open": len(claim.open_objections())}


def notice_rows(claims: list[tuple[ClaimState, int]]) -> list[tuple]:
    """The rows of claims as the projector holds them (projections/claim_rows.py)."""
    return [(str(c.id), c.region, c.fund_code, c.status, c.publicity["starts_on"], c.publicity["ends_on"], position,
             json_bytes(notice_line(c)).decode())
            for c, position in claims if c.publicity is not None]


def watchlist_rows(entries: list[tuple[WatchListEntry, int, int]]) -> list[tuple]:
    return [(str(e.id), e.party["ref"], e.listed_from.isoformat(), e.ends_on.isoformat() if e.ends_on else None,
             first, position, json_bytes(watch_list_entry_view(e)).decode())
            for e, first, position in entries]
