"""A claim for one subsidy, from submission through approval, payments, returns,
clawbacks and recoveries. Public methods check every precondition before they record an
event, so a refused command leaves the claim untouched."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
from uuid import UUID

from ..errors import Duplicate, Forbidden, InvalidState, LimitExceeded, NotFound
from ..money import floor_fen, format_money
from .lean import Created, LeanAggregate, creation, event

# Clawbacks on one claim above this total need a second reviewer before recovery.
CLAWBACK_CONFIRMATION_THRESHOLD_FEN = 5_000_000

OPEN_FOR_PAYMENT = ("approved", "prepaid")
OPEN_FOR_FACTS = ("submitted", "approved", "prepaid", "paid")
OPEN_FOR_RETURN = ("approved", "prepaid", "paid")


class Claim(LeanAggregate):
    # The public notice (公示) opened on approval, if any. A class default, not only set in
    # __init__: claims (and snapshots of them) stored before notices existed have none.
    publicity: dict | None = None
    # The claim's entries dated beyond the backdating window, with their evidence
    # (ledger/service/dates.py), as {"entry", "ref", "fields", "reason", "document_no"}. Events
    # stored before then carry no `backdate` (it defaults to None) and add nothing.
    backdated_entries: tuple = ()
    # The person-month keys the claim took (DOMAIN.md, One subsidy per person-month); claims
    # (and snapshots of them) stored before the revision of 2026-12-07 took none.
    month_keys: tuple | list = ()
    # Objections to a claim that was never on public notice (received after approval or after
    # payment, DOMAIN.md "Floors, corrections, objections, texts"); those of a notice are kept
    # with it. None until the first: claims stored before had none.
    late_objections: list | None = None

    def _note_backdate(self, entry: str, ref: str | None, backdate: dict | None) -> None:
        if backdate is not None:
            self.backdated_entries = (*self.backdated_entries, {
                "entry": entry, "ref": ref, "fields": list(backdate.get("fields", ())),
                "reason": backdate.get("reason"), "document_no": backdate.get("document_no")})

    def is_backdated(self, entry: str, ref: str | None = None) -> bool:
        return any(e["entry"] == entry and e["ref"] == ref for e in self.backdated_entries)

    class Submitted(Created):
        """Version 2 records the person-month keys the claim takes (`month_keys`)."""

        program: str
        region: str
        applicant: dict
        beneficiary: dict | None
        facts: dict
        application_date: dt.date
        rule_version: str
        entitled_fen: int
        prepay_share: str
        settlement_ready: bool
        explanation: list
        limit_keys: list
        actor: str
        cap_keys: list | None
        month_keys: list | None
        backdate: dict | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            # Version 1 took no person-months; claims before caps across claims took no caps,
            # and those before the backdating window carry no evidence.
            state.setdefault("cap_keys", None)
            state["month_keys"] = None
            state.setdefault("backdate", None)

    @creation(Submitted)
    def __init__(self, id: UUID, program: str, region: str, applicant: dict, beneficiary: dict | None,
                 facts: dict, application_date: dt.date, rule_version: str, entitled_fen: int,
                 prepay_share: str, settlement_ready: bool, explanation: list, limit_keys: list,
                 actor: str, cap_keys: list | None = None, month_keys: list | None = None,
                 backdate: dict | None = None):
        self.program = program
        self.region = region
        self.applicant = applicant
        self.beneficiary = beneficiary
        self.facts = facts
        self.application_date = application_date
        self.rule_version = rule_version
        self.entitled_fen = entitled_fen
        self.prepay_share = prepay_share
        self.settlement_ready = settlement_ready
        self.explanation = explanation
        self.limit_keys = limit_keys
        self.cap_keys = cap_keys or []  # claims submitted before caps across claims took none
        self.month_keys = month_keys or []
        self.submitted_by = actor
        self.status = "submitted"
        self.fund_code: str | None = None
        self.approved_by: str | None = None
        self.approved_on: dt.date | None = None
        self.approved_fen = 0
        self.reserved_fen = 0
        self.payments: dict[str, dict] = {}
        self.clawbacks: list[dict] = []
        self.recovered_fen = 0
        self._note_backdate("application", None, backdate)

    # Derived amounts --------------------------------------------------------------------
    @property
    def paid_fen(self) -> int:
        return sum(p["amount_fen"] for p in self.payments.values() if not p["returned"])

    @property
    def prepaid_fen(self) -> int:
        return sum(p["amount_fen"] for p in self.payments.values() if not p["returned"] and p["kind"] == "prepayment")

    @property
    def returned_fen(self) -> int:
        return sum(p["amount_fen"] for p in self.payments.values() if p["returned"])

    @property
    def clawback_demanded_fen(self) -> int:
        return sum(c["amount_fen"] for c in self.clawbacks)

    @property
    def clawback_outstanding_fen(self) -> int:
        return self.clawback_demanded_fen - self.recovered_fen

    @property
    def confirmed_outstanding_fen(self) -> int:
        return sum(c["amount_fen"] - c["recovered_fen"] for c in self.clawbacks if self.clawback_confirmed(c))

    def clawback_confirmed(self, c: dict) -> bool:
        """Whether money may be recovered against a demand. A second reviewer's confirmation
        counts always; without one, a demand is confirmed only while all the demands on the
        claim add up to no more than the threshold: once they exceed it, every demand not
        confirmed by a second reviewer, earlier ones included, needs that confirmation."""
        confirmed_by_a_second_reviewer = c.get("confirmed_by") is not None or (
            c["needs_confirmation"] and c["confirmed"])
        return confirmed_by_a_second_reviewer or (
            not c["needs_confirmation"] and self.clawback_demanded_fen <= CLAWBACK_CONFIRMATION_THRESHOLD_FEN)

    @property
    def prepay_cap_fen(self) -> int:
        return floor_fen(self.approved_fen * Fraction(self.prepay_share))

    def _settle_status(self) -> None:
        """After approval the status follows the money."""
        if self.status in ("closed", "submitted", "rejected", "withdrawn"):
            return
        paid = self.paid_fen
        if paid > 0 and paid >= self.approved_fen:
            self.status = "paid"
        elif paid > 0 and paid == self.prepaid_fen:
            self.status = "prepaid"
        else:
            self.status = "approved"

    def _require_status(self, allowed: tuple[str, ...], what: str) -> None:
        if self.status not in allowed:
            raise InvalidState(f"cannot {what} a claim that is {self.status} (allowed: {', '.join(allowed)})")

    # Decision ---------------------------------------------------------------------------
    def approval_amount(self, requested_fen: int | None, actor: str) -> int:
        """Check an approval without recording it; returns the amount to reserve."""
        self._require_status(("submitted",), "approve")
        if actor == self.submitted_by:
            raise Forbidden("maker-checker: the user who submitted a claim may not approve it")
        amount = self.entitled_fen if requested_fen is None else requested_fen
        if amount > self.entitled_fen:
            raise LimitExceeded(
                f"approval of {format_money(amount)} exceeds the entitlement of {format_money(self.entitled_fen)}"
            )
        if amount <= 0:
            raise InvalidState("the claim is entitled to nothing: reject it instead")
        return amount

    @event("Redecided")
    def redecide(self, rule_version: str, entitled_fen: int, prepay_share: str, settlement_ready: bool,
                 explanation: list, actor: str, reason: str) -> None:
        """Corrections reach undecided claims (DOMAIN.md F11): at approval, a submitted claim is
        decided again under the rules then in force for its region and application date."""
        self.rule_version = rule_version
        self.entitled_fen = entitled_fen
        self.prepay_share = prepay_share
        self.settlement_ready = settlement_ready
        self.explanation = explanation

    @event("Approved")
    def approve(self, fund_code: str, amount_fen: int, approved_on: dt.date, actor: str,
                backdate: dict | None = None) -> None:
        self.status = "approved"
        self.fund_code = fund_code
        self.approved_fen = amount_fen
        self.reserved_fen = amount_fen
        self.approved_by = actor
        self.approved_on = approved_on
        self._note_backdate("approval", None, backdate)

    # Public notice and objections (公示, DOMAIN.md) ----------------------------------------
    @event("NoticeOpened")
    def open_notice(self, starts_on: dt.date, ends_on: dt.date, publicity_days: int, actor: str) -> None:
        self.publicity = {"starts_on": starts_on, "ends_on": ends_on, "publicity_days": publicity_days,
                          "objections": []}

    def objections(self) -> list[dict]:
        """Every objection, those received during a notice and those after it or without one."""
        return [*(self.publicity or {}).get("objections", ()), *(self.late_objections or ())]

    def open_objections(self) -> list[dict]:
        return [o for o in self.objections() if o["outcome"] is None]

    def check_objection(self, received_on: dt.date) -> None:
        """During the notice, after it and after payment (F14): from approval on, while the
        claim stands (approved, prepaid or paid)."""
        self._require_status(OPEN_FOR_RETURN, "object to")
        opened = self.publicity["starts_on"] if self.publicity is not None else self.approved_on
        if received_on < opened:
            raise InvalidState(f"an objection is received from {opened} on; received_on is {received_on}")

    @event("ObjectionReceived")
    def receive_objection(self, objection_id: str, reason: str, received_on: dt.date, actor: str,
                          backdate: dict | None = None) -> None:
        if self.publicity is None:
            self.late_objections = [*(self.late_objections or ())]
        (self.publicity["objections"] if self.publicity is not None else self.late_objections).append({
            "objection_id": objection_id, "reason": reason, "received_on": received_on, "received_by": actor,
            "outcome": None, "resolution_reason": None, "resolved_by": None,
        })
        self._note_backdate("objection", objection_id, backdate)

    def objection(self, objection_id: str) -> dict:
        for o in self.objections():
            if o["objection_id"] == objection_id:
                return o
        raise NotFound(f"no objection {objection_id!r} on this claim")

    @property
    def upheld(self) -> bool:
        """An objection against the claim was upheld: it closed, and keeps its keys (F14)."""
        return any(o["outcome"] == "upheld" for o in self.objections())

    def check_resolve(self, objection_id: str, actor: str) -> None:
        o = self.objection(objection_id)
        if o["outcome"] is not None:
            raise InvalidState(f"objection {objection_id} was already {o['outcome']}")
        if actor == self.approved_by:
            raise Forbidden("maker-checker: an objection is resolved by a reviewer other than the one who approved")

    @event("ObjectionResolved")
    def resolve_objection(self, objection_id: str, outcome: str, reason: str, actor: str, on: dt.date) -> None:
        o = self.objection(objection_id)
        o["outcome"] = outcome
        o["resolution_reason"] = reason
        o["resolved_by"] = actor

    def check_notice_allows_payment(self, paid_on: dt.date, today: dt.date) -> None:
        """Payment waits for every objection to be resolved and for the end of the notice. The
        notice must be over both on `paid_on` and on the day the payment is recorded (`today`):
        a payment dated after the notice but entered during it would cut the notice short."""
        held = self.open_objections()
        if held:
            raise InvalidState(f"payment is held: objection {held[0]['objection_id']} is open until a reviewer "
                               "resolves it")
        notice = self.publicity
        if notice is None:
            return
        for day, which in ((paid_on, "paid_on"), (today, "today")):
            if day <= notice["ends_on"]:
                raise InvalidState(f"the claim is on public notice (公示) until {notice['ends_on']}: it may be paid "
                                   f"after that day, not with {which} {day}")

    def check_can_end(self, outcome: str) -> None:
        self._require_status(("submitted",), outcome)

    @event("Rejected")
    def reject(self, reason: str, actor: str) -> None:
        self.status = "rejected"

    @event("Withdrawn")
    def withdraw(self, reason: str, actor: str) -> None:
        self.status = "withdrawn"

    # Settlement facts -------------------------------------------------------------------
    def check_can_record_facts(self) -> None:
        self._require_status(OPEN_FOR_FACTS, "record facts on")

    def facts_outcome(self, entitled_fen: int) -> tuple[int, int, int]:
        """(approved, released, to claw back) if the entitlement became `entitled_fen`:
        approval never rises, reserve above it is released, money paid above it is owed back."""
        if self.status == "submitted":
            return 0, 0, 0
        approved = min(self.approved_fen, entitled_fen)
        paid = self.paid_fen
        reserved = max(0, approved - paid)
        overpaid = max(0, paid - approved - self.clawback_demanded_fen)
        return approved, self.reserved_fen - reserved, overpaid

    @event("FactsRecorded")
    def record_facts(self, facts: dict, entitled_fen: int, settlement_ready: bool, explanation: list,
                     approved_fen: int, released_fen: int, clawback: dict | None, actor: str,
                     on: dt.date) -> None:
        self.facts = {**self.facts, **facts}
        self.entitled_fen = entitled_fen
        self.settlement_ready = settlement_ready
        self.explanation = explanation
        if self.status != "submitted":
            self.approved_fen = approved_fen
            self.reserved_fen -= released_fen
        if clawback is not None:
            self._add_clawback(clawback["clawback_id"], clawback["amount_fen"], clawback["reason"], actor)
        self._settle_status()

    # Payments ---------------------------------------------------------------------------
    def check_payment(self, amount_fen: int, kind: str, payment_ref: str, actor: str) -> None:
        self._require_status(OPEN_FOR_PAYMENT, "pay")
        if actor == self.approved_by:
            raise Forbidden("maker-checker: the user who approved a claim may not record its payment")
        if payment_ref in self.payments:
            raise Duplicate(f"payment_ref {payment_ref!r} is already used on this claim")
        if kind == "prepayment":
            cap = self.prepay_cap_fen
            if cap == 0:
                raise LimitExceeded(f"program {self.program} allows no prepayment for this claim")
            if self.prepaid_fen + amount_fen > cap:
                raise LimitExceeded(
                    f"net prepayments would reach {format_money(self.prepaid_fen + amount_fen)}, above the "
                    f"prepayment cap of {format_money(cap)} ({self.prepay_share} of the approved amount)"
                )
        elif not self.settlement_ready:
            raise InvalidState(f"a settlement of {self.program} needs the settlement facts first (POST /claims/{{id}}/facts)")
        if self.paid_fen + amount_fen > self.approved_fen:
            raise LimitExceeded(
                f"net payments would reach {format_money(self.paid_fen + amount_fen)}, above the approved "
                f"{format_money(self.approved_fen)}"
            )

    @event("PaymentRecorded")
    def pay(self, payment_ref: str, kind: str, amount_fen: int, paid_on: dt.date, actor: str,
            backdate: dict | None = None) -> None:
        self.payments[payment_ref] = {
            "kind": kind, "amount_fen": amount_fen, "paid_on": paid_on, "returned": False, "returned_on": None,
        }
        self.reserved_fen -= amount_fen
        self._note_backdate("payment", payment_ref, backdate)
        self._settle_status()

    def payment(self, payment_ref: str) -> dict:
        try:
            return self.payments[payment_ref]
        except KeyError:
            raise NotFound(f"no payment {payment_ref!r} on this claim") from None

    def check_return(self, payment_ref: str) -> int:
        self._require_status(OPEN_FOR_RETURN, "return a payment of")
        payment = self.payment(payment_ref)
        if payment["returned"]:
            raise InvalidState(f"payment {payment_ref!r} was already returned")
        if self.paid_fen - payment["amount_fen"] < self.clawback_demanded_fen:
            raise InvalidState("the payment is needed to cover a clawback already demanded")
        if self.paid_fen > self.approved_fen:
            # Settlement facts lowered the approval below what was paid and the excess is
            # demanded back: reserving the returned amount again would exceed the approval.
            raise InvalidState("the claim is paid above its approved amount and the excess is being clawed back")
        return payment["amount_fen"]

    @event("PaymentReturned")
    def return_payment(self, payment_ref: str, amount_fen: int, reason: str, returned_on: dt.date, actor: str,
                       backdate: dict | None = None) -> None:
        payment = self.payments[payment_ref]
        payment["returned"] = True
        payment["returned_on"] = returned_on
        self.reserved_fen += amount_fen
        self._note_backdate("return", payment_ref, backdate)
        self._settle_status()

    def check_close(self) -> None:
        self._require_status(("approved", "prepaid"), "close")

    @event("Closed")
    def close(self, reason: str, released_fen: int, actor: str, on: dt.date) -> None:
        self.reserved_fen -= released_fen
        self.status = "closed"

    # Clawbacks and recoveries ------------------------------------------------------------
    def check_clawback(self, amount_fen: int) -> None:
        if self.status in ("submitted", "rejected", "withdrawn"):
            raise InvalidState(f"cannot claw back from a claim that is {self.status}")
        room = self.paid_fen - self.clawback_demanded_fen
        if amount_fen > room:
            raise LimitExceeded(
                f"a clawback of {format_money(amount_fen)} exceeds the {format_money(room)} paid and not yet demanded"
            )

    @event("ClawbackDemanded")
    def demand_clawback(self, clawback_id: str, amount_fen: int, reason: str, actor: str) -> None:
        self._add_clawback(clawback_id, amount_fen, reason, actor)

    def _add_clawback(self, clawback_id: str, amount_fen: int, reason: str, actor: str) -> None:
        needs_confirmation = self.clawback_demanded_fen + amount_fen > CLAWBACK_CONFIRMATION_THRESHOLD_FEN
        self.clawbacks.append({
            "clawback_id": clawback_id, "amount_fen": amount_fen, "reason": reason, "demanded_by": actor,
            "needs_confirmation": needs_confirmation, "confirmed": not needs_confirmation, "recovered_fen": 0,
        })

    def clawback(self, clawback_id: str) -> dict:
        for c in self.clawbacks:
            if c["clawback_id"] == clawback_id:
                return c
        raise NotFound(f"no clawback {clawback_id!r} on this claim")

    def check_confirm(self, clawback_id: str, actor: str) -> None:
        c = self.clawback(clawback_id)
        if self.clawback_confirmed(c):
            raise InvalidState(f"clawback {clawback_id} is already confirmed")
        if actor == c["demanded_by"]:
            raise Forbidden("maker-checker: a large clawback needs a reviewer other than the one who demanded it")

    @event("ClawbackConfirmed")
    def confirm_clawback(self, clawback_id: str, actor: str) -> None:
        c = self.clawback(clawback_id)
        c["confirmed"] = True
        c["confirmed_by"] = actor

    def check_recovery(self, amount_fen: int) -> None:
        outstanding = self.confirmed_outstanding_fen
        if outstanding == 0:
            raise InvalidState("no confirmed clawback demand is outstanding on this claim")
        if amount_fen > outstanding:
            raise InvalidState(
                f"a recovery of {format_money(amount_fen)} exceeds the {format_money(outstanding)} outstanding "
                "on confirmed demands"
            )

    def recovery_allocation(self, amount_fen: int) -> list[list]:
        """[clawback_id, fen] pairs a recovery pays off: the oldest confirmed demand first."""
        allocation, remaining = [], amount_fen
        for c in self.clawbacks:
            if remaining and self.clawback_confirmed(c):
                take = min(remaining, c["amount_fen"] - c["recovered_fen"])
                if take:
                    allocation.append([c["clawback_id"], take])
                    remaining -= take
        return allocation

    @event("RecoveryRecorded")
    def recover(self, recovery_id: str, amount_fen: int, reference: str, received_on: dt.date, actor: str,
                allocation: list | None = None, backdate: dict | None = None) -> None:
        self.recovered_fen += amount_fen
        self._note_backdate("recovery", recovery_id, backdate)
        if allocation is not None:  # recorded with the event since the cumulative confirmation rule
            for clawback_id, take in allocation:
                self.clawback(clawback_id)["recovered_fen"] += take
            return
        remaining = amount_fen
        for c in self.clawbacks:  # as earlier events were recorded: oldest demand marked confirmed first
            if remaining and c["confirmed"]:
                take = min(remaining, c["amount_fen"] - c["recovered_fen"])
                c["recovered_fen"] += take
                remaining -= take
