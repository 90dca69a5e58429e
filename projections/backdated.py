"""The read model of backdated entries (API.md, "Insiders and time"): one row of
`rm_backdated` per event that carries `backdate` evidence, i.e. whose business date lay more
than the backdating window before the day it was recorded (ledger/service/dates.py).

`GET /reports/backdated` lists the rows that stand for an entry once: the claim's events
(submission, approval, payment, return, objection, recovery), a fund's allocations and
transfers, and the watch list's listings and lifts. A claim's money moves with a fund event
of its own (Reserved, Disbursed...) in the same command: those rows are kept too (`listed`
0), so that the fund's movements can say which of them were backdated, but not listed twice.
Events stored before backdating was recorded carry no evidence and make no row."""
from __future__ import annotations

import datetime as dt
from typing import Any

# event type -> (entry, the attribute holding its business date, the attribute naming it)
CLAIM_ENTRIES = {
    "Claim.Submitted": ("application", "application_date", None),
    "Claim.Approved": ("approval", "approved_on", None),
    "Claim.PaymentRecorded": ("payment", "paid_on", "payment_ref"),
    "Claim.PaymentReturned": ("return", "returned_on", "payment_ref"),
    "Claim.ObjectionReceived": ("objection", "received_on", "objection_id"),
    "Claim.RecoveryRecorded": ("recovery", "received_on", "recovery_id"),
}
FUND_ENTRIES = {
    "Fund.Allocated": ("allocation", "effective_date", "allocation_id"),
    "Fund.TransferredIn": ("transfer_in", "effective_date", "transfer_id"),
    "Fund.TransferredOut": ("transfer_out", "effective_date", "transfer_id"),
    # A claim's money, listed through the claim's own event (listed 0).
    "Fund.Reserved": ("approval", "approved_on", None),
    "Fund.Disbursed": ("payment", "paid_on", "payment_ref"),
    "Fund.PaymentReturned": ("return", "returned_on", "payment_ref"),
    "Fund.Recovered": ("recovery", "received_on", "recovery_id"),
}
WATCHLIST_ENTRIES = {
    "WatchListEntry.Listed": ("listing", "listed_from", None),
    "WatchListEntry.Lifted": ("lift", "lifted_on", None),
}

INSERT_BACKDATED = """INSERT INTO rm_backdated (position, entry, listed, region, fund_id, claim_id, entry_id, ref,
        fields, business_date, recorded_on, actor, reason, document_no) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def backdated_row(domain_event: Any, aggregate: Any, position: int) -> tuple | None:
    """The row of one projected event (INSERT_BACKDATED's column order), or None when the
    event records no backdating."""
    get = domain_event.__dict__.get
    backdate = get("backdate")
    if not backdate:
        return None
    name = type(domain_event).__qualname__
    region = fund_id = claim_id = entry_id = None
    listed = 1
    if name in CLAIM_ENTRIES:
        entry, date_attribute, ref_attribute = CLAIM_ENTRIES[name]
        region, fund_id, claim_id = aggregate.region, aggregate.fund_code, str(aggregate.id)
    elif name in FUND_ENTRIES:
        entry, date_attribute, ref_attribute = FUND_ENTRIES[name]
        region, fund_id, claim_id = aggregate.region, aggregate.fund_code, get("claim_id")
        listed = 0 if claim_id else 1
    elif name in WATCHLIST_ENTRIES:
        # The watch list is the whole country's: no region (its readers see it).
        entry, date_attribute, ref_attribute = WATCHLIST_ENTRIES[name]
        entry_id = str(aggregate.id)
    else:
        return None
    return (position, entry, listed, region, fund_id, claim_id, entry_id, get(ref_attribute) if ref_attribute else None,
            ",".join(backdate.get("fields", ())), _date(get(date_attribute)), backdate.get("recorded_on") or "", get("actor"),
            backdate.get("reason") or "", backdate.get("document_no") or "")


def backdated_document(row: dict) -> dict:
    """A row as GET /reports/backdated lists it."""
    return {"position": row["position"], "entry": row["entry"], "region": row["region"], "fund_id": row["fund_id"],
            "claim_id": row["claim_id"], "watchlist_entry_id": row["entry_id"], "ref": row["ref"],
            "fields": [f for f in row["fields"].split(",") if f], "business_date": row["business_date"],
            "recorded_on": row["recorded_on"], "actor": row["actor"],
            "backdate": {"reason": row["reason"], "document_no": row["document_no"]}, "backdated": True}
