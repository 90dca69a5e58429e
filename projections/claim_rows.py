"""A claim's read-model document (`rm_claims.doc`, exactly what ledger/views.py `claim_view`
gives), patched by each claim event from the event's own fields instead of replaying the
Claim aggregate (ledger/domain/claim.py): `ClaimState` holds what the document shows, in
fen and in the document's own text for dates, plus what it does not show but later events
depend on (whether a second reviewer confirmed a demand); `doc()` builds the document from
it as `claim_view` does.

A state the projector no longer holds in memory is rebuilt from the stored row
(`ClaimState.from_row`: the document, the applicant's keyed hash and, for a claim with
clawbacks, which of them a second reviewer confirmed, from `rm_claim_events`), not by
loading the aggregate (the projector does that only for a row out of step with the event,
which it logs). An event type not listed in `PATCHES` (one added later) is not
guessed at: the projector then loads the aggregate as of that event and takes its state
(`ClaimState.of`), so a new event is projected right, only more slowly, until it gets its
patch here. tests/test_claim_patches.py checks the documents against the aggregates."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from ledger.domain.claim import CLAWBACK_CONFIRMATION_THRESHOLD_FEN, Claim
from ledger.money import format_money
from ledger.views import party_view, utc_text

# Statuses the money does not move (Claim._settle_status).
_SETTLED = frozenset({"closed", "submitted", "rejected", "withdrawn"})


def _fen(text: str) -> int:
    """A document's amount (format_money's text) back to fen, exactly."""
    negative = text.startswith("-")
    whole, _, cents = text.lstrip("-").partition(".")
    fen = int(whole) * 100 + int(cents)
    return -fen if negative else fen


class ClaimState:
    """What a claim's document shows, as of its `version`. Objections hold their `outcome`
    (None while open) as the aggregate does; payments, clawbacks and objections keep the
    aggregate's order. `beneficiary_ref` is known only to a state made from the claim's
    submission (its row in rm_claim_beneficiaries is written then)."""

    __slots__ = ("id", "program", "region", "applicant", "applicant_ref", "beneficiary", "beneficiary_ref", "facts",
                 "application_date", "status", "fund_code", "rule_version", "explanation", "entitled_fen",
                 "approved_fen", "reserved_fen", "recovered_fen", "payments", "clawbacks", "approved_on", "publicity",
                 "late_objections", "backdated_entries", "version", "submitted_at", "updated_at")

    def __init__(self, **values: Any):
        for name in self.__slots__:
            setattr(self, name, values[name])

    # Making one -------------------------------------------------------------------------
    @classmethod
    def submitted(cls, event: Any) -> ClaimState:
        """The state a submission starts (`event`: its fields, projections/event_fields.py)."""
        d = event.__dict__
        applicant, beneficiary = d["applicant"], d["beneficiary"]
        moment = event.timestamp
        state = cls(id=event.originator_id, program=d["program"], region=d["region"], applicant=party_view(applicant),
                    applicant_ref=applicant["ref"], beneficiary=party_view(beneficiary),
                    beneficiary_ref=beneficiary["ref"] if beneficiary else None, facts=d["facts"],
                    application_date=d["application_date"], status="submitted", fund_code=None,
                    rule_version=d["rule_version"], explanation=d["explanation"], entitled_fen=d["entitled_fen"],
                    approved_fen=0, reserved_fen=0, recovered_fen=0, payments={}, clawbacks=[], approved_on=None,
                    publicity=None, late_objections=[], backdated_entries=[], version=event.originator_version,
                    submitted_at=moment, updated_at=moment)
        state._note_backdate("application", None, d.get("backdate"))
        return state

    @classmethod
    def of(cls, claim: Claim) -> ClaimState:
        """The state of an aggregate (for an event type without a patch)."""
        publicity = claim.publicity
        return cls(
            id=claim.id, program=claim.program, region=claim.region, applicant=party_view(claim.applicant),
            applicant_ref=claim.applicant["ref"], beneficiary=party_view(claim.beneficiary),
            beneficiary_ref=claim.beneficiary["ref"] if claim.beneficiary else None, facts=claim.facts,
            application_date=claim.application_date.isoformat(), status=claim.status, fund_code=claim.fund_code,
            rule_version=claim.rule_version, explanation=claim.explanation, entitled_fen=claim.entitled_fen,
            approved_fen=claim.approved_fen, reserved_fen=claim.reserved_fen, recovered_fen=claim.recovered_fen,
            payments={ref: {"kind": p["kind"], "amount_fen": p["amount_fen"], "paid_on": p["paid_on"].isoformat(),
                            "returned": p["returned"]} for ref, p in claim.payments.items()},
            clawbacks=[{"clawback_id": c["clawback_id"], "amount_fen": c["amount_fen"], "reason": c["reason"],
                        "needs_confirmation": c["needs_confirmation"], "confirmed": c["confirmed"],
                        "confirmed_by": c.get("confirmed_by")} for c in claim.clawbacks],
            approved_on=claim.approved_on.isoformat() if claim.approved_on else None,
            publicity=None if publicity is None else {
                "starts_on": publicity["starts_on"].isoformat(), "ends_on": publicity["ends_on"].isoformat(),
                "objections": [_objection(o) for o in publicity["objections"]]},
            late_objections=[_objection(o) for o in claim.late_objections or ()],
            backdated_entries=[{**e, "backdated": True} for e in claim.backdated_entries],
            version=claim.version, submitted_at=utc_text(claim.created_on), updated_at=utc_text(claim.modified_on))

    @classmethod
    def from_row(cls, doc_text: str, applicant_ref: str,
                 confirmations: Callable[[], list[tuple[str, Any]]] = list) -> ClaimState:
        """The state of a stored row: its document, its applicant's keyed hash, and, asked
        only of a claim with clawbacks, its ClawbackConfirmed events as (clawback_id, actor)
        in order (the document shows whether a demand is confirmed, not whether a second
        reviewer did it, which decides once later demands pass the threshold; the events'
        read model, rm_claim_events, is written in the same batches). The standard library reads the document:
        orjson would turn an integer beyond 64 bits (in facts stored before the input limits)
        into a float."""
        doc = json.loads(doc_text)
        amounts = doc["amounts"]
        clawbacks, demanded = [], 0
        for c in doc["clawbacks"]:
            amount = _fen(c["amount"])
            needs = demanded + amount > CLAWBACK_CONFIRMATION_THRESHOLD_FEN  # as Claim._add_clawback decided it
            demanded += amount
            clawbacks.append({"clawback_id": c["clawback_id"], "amount_fen": amount, "reason": c["reason"],
                              "needs_confirmation": needs, "confirmed": not needs, "confirmed_by": None})
        state_publicity = doc["publicity"]
        notice = [] if state_publicity is None else [_objection_of_view(o) for o in state_publicity["objections"]]
        state = cls(
            id=UUID(doc["claim_id"]), program=doc["program"], region=doc["region"], applicant=doc["applicant"],
            applicant_ref=applicant_ref, beneficiary=doc["beneficiary"], beneficiary_ref=None, facts=doc["facts"],
            application_date=doc["application_date"], status=doc["status"], fund_code=doc["fund_id"],
            rule_version=doc["rule_version"], explanation=doc["entitlement_explanation"],
            entitled_fen=_fen(amounts["entitled"]), approved_fen=_fen(amounts["approved"]),
            reserved_fen=_fen(amounts["reserved"]), recovered_fen=_fen(amounts["recovered"]),
            payments={p["payment_ref"]: {"kind": p["kind"], "amount_fen": _fen(p["amount"]), "paid_on": p["paid_on"],
                                         "returned": p["returned"]} for p in doc["payments"]},
            clawbacks=clawbacks, approved_on=doc["approved_on"],
            publicity=None if state_publicity is None else {
                "starts_on": state_publicity["starts_on"], "ends_on": state_publicity["ends_on"], "objections": notice},
            late_objections=[_objection_of_view(o) for o in doc["objections"][len(notice):]],
            backdated_entries=doc.get("backdated_entries", []), version=doc["version"],
            submitted_at=doc["submitted_at"], updated_at=doc["updated_at"])
        for clawback_id, actor in confirmations() if clawbacks else ():
            _confirm(state, {"clawback_id": clawback_id, "actor": actor})
        return state

    # What it shows ----------------------------------------------------------------------
    def objections(self) -> list[dict]:
        return [*(self.publicity["objections"] if self.publicity is not None else ()), *self.late_objections]

    def open_objections(self) -> list[dict]:
        return [o for o in self.objections() if o["outcome"] is None]

    def publicity_view(self, marked: set) -> dict | None:
        notice = self.publicity
        if notice is None:
            return None
        return {"starts_on": notice["starts_on"], "ends_on": notice["ends_on"],
                "objections": _objections_view(notice["objections"], marked)}

    def doc(self) -> dict:
        """The claim's document: `claim_view` of the aggregate at the same version, key for key."""
        marked = {(e["entry"], e["ref"]) for e in self.backdated_entries}
        paid = prepaid = returned = 0
        for p in self.payments.values():
            if p["returned"]:
                returned += p["amount_fen"]
            else:
                paid += p["amount_fen"]
                if p["kind"] == "prepayment":
                    prepaid += p["amount_fen"]
        demanded = sum(c["amount_fen"] for c in self.clawbacks)
        view = {
            "claim_id": str(self.id),
            "program": self.program,
            "region": self.region,
            "applicant": self.applicant,
            "beneficiary": self.beneficiary,
            "facts": self.facts,
            "application_date": self.application_date,
            "status": self.status,
            "fund_id": self.fund_code,
            "rule_version": self.rule_version,
            "entitlement_explanation": self.explanation,
            "amounts": {
                "entitled": format_money(self.entitled_fen),
                "approved": format_money(self.approved_fen),
                "reserved": format_money(self.reserved_fen),
                "paid": format_money(paid),
                "prepaid": format_money(prepaid),
                "returned": format_money(returned),
                "clawback_demanded": format_money(demanded),
                "recovered": format_money(self.recovered_fen),
                "clawback_outstanding": format_money(demanded - self.recovered_fen),
            },
            "payments": [
                {"payment_ref": ref, "kind": p["kind"], "amount": format_money(p["amount_fen"]),
                 "paid_on": p["paid_on"], "returned": p["returned"],
                 **({"backdated": True} if ("payment", ref) in marked else {})}
                for ref, p in self.payments.items()
            ],
            "clawbacks": [
                {"clawback_id": c["clawback_id"], "amount": format_money(c["amount_fen"]), "reason": c["reason"],
                 "confirmed": _confirmed(c, demanded)}
                for c in self.clawbacks
            ],
            "approved_on": self.approved_on,
            "publicity": self.publicity_view(marked),
            "objections": _objections_view(self.objections(), marked),
            "version": self.version,
            "submitted_at": self.submitted_at,
            "updated_at": self.updated_at,
        }
        if self.backdated_entries:
            view["backdated"] = True
            view["backdated_entries"] = [dict(e) for e in self.backdated_entries]
        return view

    def _note_backdate(self, entry: str, ref: str | None, backdate: dict | None) -> None:
        if backdate is not None:
            self.backdated_entries.append({
                "entry": entry, "ref": ref, "fields": list(backdate.get("fields", ())),
                "reason": backdate.get("reason"), "document_no": backdate.get("document_no"), "backdated": True})

    def _settle_status(self) -> None:
        if self.status in _SETTLED:
            return
        paid = prepaid = 0
        for p in self.payments.values():
            if not p["returned"]:
                paid += p["amount_fen"]
                if p["kind"] == "prepayment":
                    prepaid += p["amount_fen"]
        if paid > 0 and paid >= self.approved_fen:
            self.status = "paid"
        elif paid > 0 and paid == prepaid:
            self.status = "prepaid"
        else:
            self.status = "approved"

    def _add_clawback(self, clawback_id: str, amount_fen: int, reason: str) -> None:
        needs = sum(c["amount_fen"] for c in self.clawbacks) + amount_fen > CLAWBACK_CONFIRMATION_THRESHOLD_FEN
        self.clawbacks.append({"clawback_id": clawback_id, "amount_fen": amount_fen, "reason": reason,
                               "needs_confirmation": needs, "confirmed": not needs, "confirmed_by": None})

    def _clawback(self, clawback_id: str) -> dict:
        for c in self.clawbacks:
            if c["clawback_id"] == clawback_id:
                return c
        raise LookupError(f"no clawback {clawback_id!r} on claim {self.id}")


def _confirmed(c: dict, demanded: int) -> bool:
    """Claim.clawback_confirmed, given all the claim's demands (`demanded`)."""
    return c["confirmed_by"] is not None or (c["needs_confirmation"] and c["confirmed"]) or (
        not c["needs_confirmation"] and demanded <= CLAWBACK_CONFIRMATION_THRESHOLD_FEN)


def _objection(o: dict) -> dict:
    return {"objection_id": o["objection_id"], "reason": o["reason"], "received_on": o["received_on"].isoformat(),
            "outcome": o["outcome"], "resolution_reason": o["resolution_reason"]}


def _objection_of_view(o: dict) -> dict:
    # claim_view shows an objection's outcome or "open": outcomes are "upheld" or "dismissed".
    return {"objection_id": o["objection_id"], "reason": o["reason"], "received_on": o["received_on"],
            "outcome": None if o["status"] == "open" else o["status"], "resolution_reason": o["resolution_reason"]}


def _objections_view(objections: list[dict], marked: set) -> list[dict]:
    return [{"objection_id": o["objection_id"], "reason": o["reason"], "received_on": o["received_on"],
             "status": o["outcome"] or "open", "resolution_reason": o["resolution_reason"],
             **({"backdated": True} if ("objection", o["objection_id"]) in marked else {})} for o in objections]


# One function per Claim event, each doing to the state what the aggregate's mutator does to
# the aggregate (ledger/domain/claim.py), from the event's fields (`d`, as
# projections/event_fields.py reads them: dates are their ISO text). Fields added to an
# event later (`backdate`, a recovery's `allocation`) are read with .get: older events lack them.
def _redecided(s: ClaimState, d: dict) -> None:
    s.rule_version, s.entitled_fen, s.explanation = d["rule_version"], d["entitled_fen"], d["explanation"]


def _approved(s: ClaimState, d: dict) -> None:
    s.status = "approved"
    s.fund_code = d["fund_code"]
    s.approved_fen = s.reserved_fen = d["amount_fen"]
    s.approved_on = d["approved_on"]
    s._note_backdate("approval", None, d.get("backdate"))


def _notice_opened(s: ClaimState, d: dict) -> None:
    s.publicity = {"starts_on": d["starts_on"], "ends_on": d["ends_on"], "objections": []}


def _objection_received(s: ClaimState, d: dict) -> None:
    (s.publicity["objections"] if s.publicity is not None else s.late_objections).append({
        "objection_id": d["objection_id"], "reason": d["reason"], "received_on": d["received_on"],
        "outcome": None, "resolution_reason": None})
    s._note_backdate("objection", d["objection_id"], d.get("backdate"))


def _objection_resolved(s: ClaimState, d: dict) -> None:
    for o in s.objections():
        if o["objection_id"] == d["objection_id"]:
            o["outcome"], o["resolution_reason"] = d["outcome"], d["reason"]
            return
    raise LookupError(f"no objection {d['objection_id']!r} on claim {s.id}")


def _rejected(s: ClaimState, d: dict) -> None:
    s.status = "rejected"


def _withdrawn(s: ClaimState, d: dict) -> None:
    s.status = "withdrawn"


def _facts_recorded(s: ClaimState, d: dict) -> None:
    s.facts = {**s.facts, **d["facts"]}
    s.entitled_fen, s.explanation = d["entitled_fen"], d["explanation"]
    if s.status != "submitted":
        s.approved_fen = d["approved_fen"]
        s.reserved_fen -= d["released_fen"]
    clawback = d["clawback"]
    if clawback is not None:
        s._add_clawback(clawback["clawback_id"], clawback["amount_fen"], clawback["reason"])
    s._settle_status()


def _payment_recorded(s: ClaimState, d: dict) -> None:
    s.payments[d["payment_ref"]] = {"kind": d["kind"], "amount_fen": d["amount_fen"],
                                    "paid_on": d["paid_on"], "returned": False}
    s.reserved_fen -= d["amount_fen"]
    s._note_backdate("payment", d["payment_ref"], d.get("backdate"))
    s._settle_status()


def _payment_returned(s: ClaimState, d: dict) -> None:
    s.payments[d["payment_ref"]]["returned"] = True
    s.reserved_fen += d["amount_fen"]
    s._note_backdate("return", d["payment_ref"], d.get("backdate"))
    s._settle_status()


def _closed(s: ClaimState, d: dict) -> None:
    s.reserved_fen -= d["released_fen"]
    s.status = "closed"


def _clawback_demanded(s: ClaimState, d: dict) -> None:
    s._add_clawback(d["clawback_id"], d["amount_fen"], d["reason"])


def _confirm(s: ClaimState, d: dict) -> None:
    c = s._clawback(d["clawback_id"])
    c["confirmed"], c["confirmed_by"] = True, d["actor"]


def _recovery_recorded(s: ClaimState, d: dict) -> None:
    s.recovered_fen += d["amount_fen"]
    s._note_backdate("recovery", d["recovery_id"], d.get("backdate"))
    for clawback_id, _take in d.get("allocation") or ():
        s._clawback(clawback_id)  # what each demand got back is not shown; an unknown one fails as the aggregate does


# Claim event type -> its patch. Submitted starts a state (ClaimState.submitted).
PATCHES: dict[str, Callable[[ClaimState, dict], None]] = {
    "Redecided": _redecided,
    "Approved": _approved,
    "NoticeOpened": _notice_opened,
    "ObjectionReceived": _objection_received,
    "ObjectionResolved": _objection_resolved,
    "Rejected": _rejected,
    "Withdrawn": _withdrawn,
    "FactsRecorded": _facts_recorded,
    "PaymentRecorded": _payment_recorded,
    "PaymentReturned": _payment_returned,
    "Closed": _closed,
    "ClawbackDemanded": _clawback_demanded,
    "ClawbackConfirmed": _confirm,
    "RecoveryRecorded": _recovery_recorded,
}


def patch(state: ClaimState, event: Any) -> bool:
    """Apply `event` (the next of `state`'s claim) to `state`; False when this module does not
    know the event type (the caller then asks the aggregate)."""
    apply = PATCHES.get(type(event).__name__)
    if apply is None:
        return False
    apply(state, event.__dict__)
    state.version = event.originator_version
    state.updated_at = event.timestamp
    return True
