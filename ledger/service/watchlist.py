"""The watch list (失信名单, notice clause 六.25): admins list a party (a person or an
organisation) for a period and lift a listing; claims and payments of a listed party are
refused or held. The party's id is stored only protected (ledger/pii.py)."""
from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

from ..access import Actor
from ..domain.ids import party_watch_aggregate_id
from ..domain.watchlist import PartyWatch, WatchListEntry
from ..errors import InvalidState, NotEligible, ValidationFailed
from ..identifiers import mask_identity_number, normalize_credit_code, normalize_identity_number
from ..pii import PiiProtector
from ..views import watch_list_entry_view
from .core import Idem, LedgerCore, Outcome, command, parse_date, parse_uuid, require_text

# Reads of the list: the contract names admins as its writers and is silent on its
# readers; admins and auditors read it (README, "Public notice and the watch list").
READ_WATCHLIST = ("admin", "auditor")
WATCHLIST_CLAUSE = "六.25"


def protect_party(pii: PiiProtector, value: object, *, field: str = "party_id") -> dict:
    """A listed party's stored form: a person's identity number or an organisation's credit
    code, as a keyed hash (for look-ups), a sealed copy and the masked form; never in clear."""
    try:
        number, kind = normalize_identity_number(value, field=field), "person"
    except ValidationFailed:
        try:
            number, kind = normalize_credit_code(value, field=field), "organisation"
        except ValidationFailed:
            raise ValidationFailed(f"{field} must be a resident identity number (GB 11643) or a unified social "
                                   "credit code (GB 32100)", field=field) from None
    return {"kind": kind, "ref": pii.ref(number), "masked": mask_identity_number(number), "sealed": pii.seal(number)}


def party_ref(pii: PiiProtector, value: object, *, field: str = "party_id") -> str:
    return protect_party(pii, value, field=field)["ref"]


def watch_ids(parties: dict[str, str]) -> tuple[UUID, ...]:
    return tuple(party_watch_aggregate_id(ref) for ref in dict.fromkeys(parties.values()))


class PartyWatches:
    """The watch of each party of a claim (applicant, beneficiary), as a decision in the
    writer consults it: first `refuse_*` (checks only), then `note_*` once every other check
    of the command has passed. Noting the claim or payment on each party's watch, in the
    decision's own transaction, makes a listing committed meanwhile by another writer fail
    this transaction, which is then decided again on the listing (domain/watchlist.py)."""

    def __init__(self, uow, parties: dict[str, str]):
        self._uow = uow
        self._watches: dict[str, tuple[str, PartyWatch | None]] = {}
        for role, ref in parties.items():
            if all(ref != known for known, _ in self._watches.values()):
                self._watches[role] = (ref, uow.find(PartyWatch, party_watch_aggregate_id(ref)))

    def _listed(self, day: dt.date) -> tuple[str, str] | None:
        for role, (_, watch) in self._watches.items():
            entry = watch.listing_on(day) if watch is not None else None
            if entry is not None:
                return role, entry
        return None

    # Each refusal holds on the business date and on the day the command is recorded: a
    # claim or payment dated before a listing began is still refused while it stands.
    def refuse_claim(self, application_date: dt.date, today: dt.date) -> None:
        for day, which in ((application_date, "the application date"), (today, "the day it is recorded")):
            listed = self._listed(day)
            if listed is not None:
                raise NotEligible(f"the {listed[0]} is on the watch list (失信名单, {WATCHLIST_CLAUSE}) on "
                                  f"{which}, {day} (entry {listed[1]})", rule="watch_list")

    def refuse_payment(self, paid_on: dt.date, today: dt.date) -> None:
        """409, held, not cancelled: the payment may be recorded once the listing ends."""
        for day in (paid_on, today):
            listed = self._listed(day)
            if listed is not None:
                raise InvalidState(f"payment is held: the {listed[0]} is on the watch list (失信名单, "
                                   f"{WATCHLIST_CLAUSE}) on {day} (entry {listed[1]})")

    def note_claim(self, claim_id: str, application_date: dt.date) -> None:
        for watch in self._opened():
            watch.note_claim(claim_id=claim_id, application_date=application_date)

    def note_payment(self, claim_id: str, payment_ref: str, paid_on: dt.date) -> None:
        for watch in self._opened():
            watch.note_payment(claim_id=claim_id, payment_ref=payment_ref, paid_on=paid_on)

    def _opened(self) -> list[PartyWatch]:
        return [watch if watch is not None else
                self._uow.add(PartyWatch(id=party_watch_aggregate_id(ref), party_ref=ref))
                for ref, watch in self._watches.values()]


def claim_parties(applicant_ref: str, beneficiary_ref: str | None) -> dict[str, str]:
    return {"applicant": applicant_ref, **({"beneficiary": beneficiary_ref} if beneficiary_ref else {})}


class WatchListCommands(LedgerCore):
    @command
    def list_party(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        party = protect_party(self.pii, request.get("party_id"))
        reason = require_text(request.get("reason"), field="reason")
        document_no = require_text(request.get("document_no"), field="document_no")
        dates = self.business_dates(request)
        listed_from = dates.take("listed_from")
        listed_until = None
        if request.get("listed_until") is not None:
            listed_until = parse_date(request.get("listed_until"), field="listed_until")
            if listed_until <= listed_from:
                raise ValidationFailed("listed_until must be after listed_from", field="listed_until")
        entry_id = uuid4()
        watch_id = party_watch_aggregate_id(party["ref"])

        def command(uow):
            uow.add(WatchListEntry(id=entry_id, party=party, reason=reason, document_no=document_no,
                                   listed_from=listed_from, listed_until=listed_until, actor=actor.user_id,
                                   backdate=dates.backdate))
            watch = uow.find(PartyWatch, watch_id) or uow.add(PartyWatch(id=watch_id, party_ref=party["ref"]))
            watch.list_entry(entry_id=str(entry_id), listed_from=listed_from, listed_until=listed_until)
            return Outcome(True, {"entry_id": str(entry_id)})

        return self._run(actor.user_id, idem, command, (watch_id,))[0]

    @command
    def lift_listing(self, actor: Actor, entry_id: str, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        reason = require_text(request.get("reason"), field="reason")
        document_no = require_text(request.get("document_no"), field="document_no")
        dates = self.business_dates(request)
        lifted_on = dates.take("lifted_on")

        def command(uow):
            entry = uow.get(WatchListEntry, parse_uuid(entry_id, "watch-list entry"), f"watch-list entry {entry_id}")
            entry.check_lift(lifted_on)
            watch = uow.get(PartyWatch, party_watch_aggregate_id(entry.party["ref"]), "party watch")
            entry.lift(reason=reason, document_no=document_no, lifted_on=lifted_on, actor=actor.user_id,
                       backdate=dates.backdate)
            watch.lift_entry(entry_id=str(entry.id), lifted_on=lifted_on)
            return Outcome(False, watch_list_entry_view(entry))

        return self._run(actor.user_id, idem, command)[0]

