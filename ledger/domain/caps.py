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

from ..errors import LimitExceeded
from .lean import Created, Event, LeanAggregate, creation, event


class ClaimCap(LeanAggregate):
    # Each holder's tag (see policy.programs.Prior.tags); caps opened before tags had none.
    tags: dict | None = None

    class Opened(Created):
        pass

    @creation(Opened)
    def __init__(self, id: UUID, key: str, unit: str):
        self.key = key
        self.unit = unit
        self.taken: dict[str, int] = {}
        self.tags: dict[str, str] = {}

    def _tags(self) -> dict[str, str]:
        if self.tags is None:
            self.tags = {}
        return self.tags

    def used_by_others(self, claim_id: str) -> tuple[int, tuple[str, ...]]:
        others = {c: units for c, units in self.taken.items() if c != claim_id}
        return sum(others.values()), tuple(others)

    def tags_of_others(self, claim_id: str) -> tuple[tuple[str, int], ...]:
        tags = self._tags()
        return tuple((tags[c], units) for c, units in self.taken.items() if c != claim_id and c in tags)

    def used_per_tag(self, claim_id: str, tag: str | None) -> int:
        """What others hold when a tag's claims count once (the largest of them): a borrower's
        loans, each at its counted principal, the loan of `tag` itself left out."""
        tags, groups, untagged = self._tags(), {}, 0
        for c, units in self.taken.items():
            if c == claim_id:
                continue
            t = tags.get(c)
            if t is None:
                untagged += units
            elif t != tag:
                groups[t] = max(groups.get(t, 0), units)
        return untagged + sum(groups.values())

    def check_take(self, claim_id: str, units: int, cap: int, label: str, *, tag: str | None = None,
                   per_tag: bool = False) -> None:
        used = self.used_per_tag(claim_id, tag) if per_tag else self.used_by_others(claim_id)[0]
        if used + units > cap:
            raise LimitExceeded(f"{label}: {used} of {cap} taken by earlier claims, {units} more would pass it")

    class Taken(Event):
        """Version 2 records the holder's tag (a loan, a business), None where it has none."""

        claim_id: str
        units: int
        tag: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["tag"] = None

    @event(Taken)
    def take(self, claim_id: str, units: int, tag: str | None = None) -> None:
        self.taken[claim_id] = units
        if tag is not None:
            self._tags()[claim_id] = tag

    @event("Adjusted")
    def adjust(self, claim_id: str, units: int, reason: str) -> None:
        self.taken[claim_id] = units

    @event("Freed")
    def free(self, claim_id: str, reason: str) -> None:
        del self.taken[claim_id]
        self._tags().pop(claim_id, None)
