"""The watch list (失信名单, notice clause 六.25): employers or persons excluded from
subsidies after fraud or hiring discrimination.

Two aggregates, as a claim and its caps are two:
- `WatchListEntry` (id: the entry id) is the record of one listing decision and its lift,
  with the party in its protected form (keyed hash, sealed copy, masked form; never the
  number in clear), the document number, reason and actor of each step.
- `PartyWatch` (id derived from the party's keyed hash) is what decisions consult: the
  periods in which the party is listed. Every claim and payment of the party is noted on it
  in the decision's own transaction, so a listing saved meanwhile by another writer makes
  that transaction fail and the decision is taken again on the listing (optimistic
  concurrency on the aggregate's version): a claim or payment is never admitted on a
  standing that a concurrent listing changed."""
from __future__ import annotations

import datetime as dt
from uuid import UUID

from ..errors import InvalidState
from .lean import Created, LeanAggregate, creation, event


class WatchListEntry(LeanAggregate):
    backdated = False  # entries (and snapshots) stored before backdating was recorded

    class Listed(Created):
        pass

    @creation(Listed)
    def __init__(self, id: UUID, party: dict, reason: str, document_no: str, listed_from: dt.date,
                 listed_until: dt.date | None, actor: str, backdate: dict | None = None):
        # backdate: evidence for a listed_from beyond the backdating window (None on entries
        # stored before it; ledger/service/dates.py).
        self.party = party
        self.reason = reason
        self.document_no = document_no
        self.listed_from = listed_from
        self.listed_until = listed_until
        self.listed_by = actor
        self.lifted: dict | None = None
        self.backdated = backdate is not None

    def check_lift(self, lifted_on: dt.date) -> None:
        if self.lifted is not None:
            raise InvalidState(f"watch-list entry {self.id} was already lifted on {self.lifted['lifted_on']}")
        if lifted_on < self.listed_from:
            raise InvalidState(f"lifted_on {lifted_on} is before the listing starts ({self.listed_from})")
        if self.listed_until is not None and lifted_on >= self.listed_until:
            raise InvalidState(f"the listing already ends on {self.listed_until}: nothing to lift on {lifted_on}")

    @event("Lifted")
    def lift(self, reason: str, document_no: str, lifted_on: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.lifted = {"reason": reason, "document_no": document_no, "lifted_on": lifted_on, "lifted_by": actor,
                       "backdated": backdate is not None}

    @property
    def ends_on(self) -> dt.date | None:
        """The first day the party is no longer listed by this entry (None: open-ended)."""
        return self.lifted["lifted_on"] if self.lifted else self.listed_until


class PartyWatch(LeanAggregate):
    class Opened(Created):
        pass

    @creation(Opened)
    def __init__(self, id: UUID, party_ref: str):
        self.party_ref = party_ref
        # entry id -> [listed_from, first day no longer listed or None]
        self.periods: dict[str, list] = {}

    def listing_on(self, day: dt.date) -> str | None:
        """The entry that lists the party on `day`, if any: [listed_from, ends) half-open."""
        for entry_id, (start, end) in self.periods.items():
            if start <= day and (end is None or day < end):
                return entry_id
        return None

    @event("Listed")
    def list_entry(self, entry_id: str, listed_from: dt.date, listed_until: dt.date | None) -> None:
        self.periods[entry_id] = [listed_from, listed_until]

    @event("Lifted")
    def lift_entry(self, entry_id: str, lifted_on: dt.date) -> None:
        self.periods[entry_id][1] = lifted_on

    @event("ClaimNoted")
    def note_claim(self, claim_id: str, application_date: dt.date) -> None:
        """A claim of the party was admitted while it was not listed on its application date."""

    @event("PaymentNoted")
    def note_payment(self, claim_id: str, payment_ref: str, paid_on: dt.date) -> None:
        """A payment to the party was recorded while it was not listed on `paid_on`."""
