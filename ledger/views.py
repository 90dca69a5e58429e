"""The contract's shapes of a claim, a fund and a user, built from the aggregates. Person
ids leave the ledger masked; the read models store exactly these documents."""
from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any
from uuid import UUID

import orjson

from .domain.claim import Claim
from .domain.fund import Fund
from .domain.users import User
from .domain.watchlist import WatchListEntry
from .money import format_money


def utc_text(moment: dt.datetime) -> str:
    if moment.tzinfo is not dt.timezone.utc:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"  # drops the "+00:00"


def party_view(party: dict | None) -> dict | None:
    if party is None:
        return None
    view = {"id": party.get("id") or party["masked"], "name": party["name"]}
    if "kind" in party:
        view = {"kind": party["kind"], **view}
    return view


def claim_view(claim: Claim) -> dict:
    view = {
        "claim_id": str(claim.id),
        "program": claim.program,
        "region": claim.region,
        "applicant": party_view(claim.applicant),
        "beneficiary": party_view(claim.beneficiary),
        "facts": claim.facts,
        "application_date": claim.application_date.isoformat(),
        "status": claim.status,
        "fund_id": claim.fund_code,
        "rule_version": claim.rule_version,
        "entitlement_explanation": claim.explanation,
        "amounts": {
            "entitled": format_money(claim.entitled_fen),
            "approved": format_money(claim.approved_fen),
            "reserved": format_money(claim.reserved_fen),
            "paid": format_money(claim.paid_fen),
            "prepaid": format_money(claim.prepaid_fen),
            "returned": format_money(claim.returned_fen),
            "clawback_demanded": format_money(claim.clawback_demanded_fen),
            "recovered": format_money(claim.recovered_fen),
            "clawback_outstanding": format_money(claim.clawback_outstanding_fen),
        },
        "payments": [
            {"payment_ref": ref, "kind": p["kind"], "amount": format_money(p["amount_fen"]),
             "paid_on": p["paid_on"].isoformat(), "returned": p["returned"],
             **_backdated(claim.is_backdated("payment", ref))}
            for ref, p in claim.payments.items()
        ],
        "clawbacks": [
            {"clawback_id": c["clawback_id"], "amount": format_money(c["amount_fen"]), "reason": c["reason"],
             "confirmed": claim.clawback_confirmed(c)}
            for c in claim.clawbacks
        ],
        "approved_on": claim.approved_on.isoformat() if claim.approved_on else None,
        "publicity": publicity_view(claim),
        "objections": objections_view(claim, claim.objections()),
        "version": claim.version,
        "submitted_at": utc_text(claim.created_on),
        "updated_at": utc_text(claim.modified_on),
    }
    if claim.backdated_entries:
        # Entries dated beyond the backdating window, with their evidence (API.md, "Insiders and time").
        view["backdated"] = True
        view["backdated_entries"] = [{**entry, "backdated": True} for entry in claim.backdated_entries]
    return view


def _backdated(backdated: bool) -> dict:
    """`"backdated": true` on an entry dated beyond the backdating window; nothing on the others."""
    return {"backdated": True} if backdated else {}


def publicity_view(claim: Claim) -> dict | None:
    """The public notice (公示) opened on approval; None where the claim had none."""
    notice = claim.publicity
    if notice is None:
        return None
    return {
        "starts_on": notice["starts_on"].isoformat(),
        "ends_on": notice["ends_on"].isoformat(),
        "objections": objections_view(claim, notice["objections"]),
    }


def objections_view(claim: Claim, objections: list[dict]) -> list[dict]:
    return [{"objection_id": o["objection_id"], "reason": o["reason"], "received_on": o["received_on"].isoformat(),
             "status": o["outcome"] or "open", "resolution_reason": o["resolution_reason"],
             **_backdated(claim.is_backdated("objection", o["objection_id"]))} for o in objections]


def watch_list_entry_view(entry: WatchListEntry) -> dict:
    """A watch-list entry as GET /watchlist shows it: the party's id masked, never its keyed
    hash or sealed copy."""
    lifted = entry.lifted
    return {
        "entry_id": str(entry.id),
        "party": {"kind": entry.party["kind"], "id": entry.party["masked"]},
        "reason": entry.reason,
        "document_no": entry.document_no,
        "listed_from": entry.listed_from.isoformat(),
        "listed_until": entry.listed_until.isoformat() if entry.listed_until else None,
        "listed_by": entry.listed_by,
        "lifted": None if lifted is None else {
            "reason": lifted["reason"], "document_no": lifted["document_no"],
            "lifted_on": lifted["lifted_on"].isoformat(), "lifted_by": lifted["lifted_by"],
            **_backdated(lifted.get("backdated", False))},
        **_backdated(entry.backdated),
        "version": entry.version,
    }


def fund_view(fund: Fund, position: int | None = None) -> dict:
    return {
        "fund_id": fund.fund_code,
        "fund_type": fund.fund_type,
        "region": fund.region,
        "name": fund.name,
        "balance": fund.balance(),
        "position": position,
        "version": fund.version,
    }


def user_view(user: User) -> dict:
    """A user and its tokens' records: never a token, nor a token's hash."""
    return {
        "user_id": str(user.id),
        "name": user.name,
        "roles": list(user.roles),
        "regions": list(user.regions),
        "active": user.active,
        "tokens": [{"token_id": token_id, "issued_at": utc_text(t["issued_at"]),
                    "expires_at": utc_text(t["expires_at"]) if t["expires_at"] else None, "revoked": t["revoked"]}
                   for token_id, t in user.tokens.items()],
    }


EVENT_METADATA = ("originator_id", "originator_version", "timestamp", "originator_topic")


def json_default(value: Any) -> Any:
    """For orjson: the few types event data holds besides JSON's own."""
    if isinstance(value, (dt.date, UUID)):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_bytes(value: Any) -> bytes:
    """JSON text of a view or of event data, whatever a stored event holds. orjson for
    speed; what it refuses (integers beyond 64 bits, lone surrogates, non-finite floats, in
    events stored before the input limits) the standard library writes instead: nothing
    stored can break a later read, export or replay."""
    try:
        return orjson.dumps(value, default=json_default)
    except orjson.JSONEncodeError:
        return json.dumps(_finite(value), default=json_default, ensure_ascii=True, separators=(",", ":"),
                          allow_nan=False).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def masked(value: Any) -> Any:
    """Event data as clerks and auditors may see it: person parties masked, never sealed
    copies or keyed hashes. Only the dicts and lists on the way to a party are copied; the
    rest is returned as it is (the projector masks every claim event: copying all of an
    event's facts and explanation was a tenth of a rebuild). Callers only read the result."""
    if isinstance(value, dict):
        if "sealed" in value:
            return {k: v for k, v in (("kind", value.get("kind")), ("id", value["masked"]), ("name", value.get("name")))
                    if v is not None}
        out = None
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                m = masked(v)
                if m is not v:
                    if out is None:
                        out = dict(value)
                    out[k] = m
        return value if out is None else out
    if isinstance(value, list):
        items = None
        for i, v in enumerate(value):
            if isinstance(v, (dict, list)):
                m = masked(v)
                if m is not v:
                    if items is None:
                        items = list(value)
                    items[i] = m
        return value if items is None else items
    return value


def event_data(domain_event: Any) -> dict:
    return masked({k: v for k, v in domain_event.__dict__.items() if k not in EVENT_METADATA})


def event_type(domain_event: Any) -> str:
    return type(domain_event).__qualname__.split(".")[-1]
