"""A cap across claims (DOMAIN.md, "Caps across claims"): months or yuan per person, hire,
business, loan or incubator, as an aggregate whose id is derived from the cap's key, saved
in the same transaction as the claim that takes from it, so two claims racing for the last
of a cap cannot both have it. It keeps what each claim that counts has taken: a later claim
is entitled to what remains; settlement facts adjust what a claim holds (an approved claim's
only downwards: its approval never rises); rejection, withdrawal and an unpaid close give
back all of it.

The cap itself is not kept: each claim checks against the parameter in force on its own
application date (a cap lowered mid-year applies to the claims after it)."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from ..errors import LimitExceeded


class ClaimCap(Aggregate):
    @event("Opened")
    def __init__(self, id: UUID, key: str, unit: str):
        self.key = key
        self.unit = unit
        self.taken: dict[str, int] = {}

    def used_by_others(self, claim_id: str) -> tuple[int, tuple[str, ...]]:
        others = {c: units for c, units in self.taken.items() if c != claim_id}
        return sum(others.values()), tuple(others)

    def check_take(self, claim_id: str, units: int, cap: int, label: str) -> None:
        used, _ = self.used_by_others(claim_id)
        if used + units > cap:
            raise LimitExceeded(f"{label}: {used} of {cap} taken by earlier claims, {units} more would pass it")

    @event("Taken")
    def take(self, claim_id: str, units: int) -> None:
        self.taken[claim_id] = units

    @event("Adjusted")
    def adjust(self, claim_id: str, units: int, reason: str) -> None:
        self.taken[claim_id] = units

    @event("Freed")
    def free(self, claim_id: str, reason: str) -> None:
        del self.taken[claim_id]
