"""One subsidy per person-month (DOMAIN.md, revision of 2026-12-07): the calendar months a
person is subsidised for, across social insurance, the care institutions' social insurance,
public-welfare posts and flexible employment, as an aggregate whose id is derived from the
person's keyed hash. It is saved in the same transaction as the claim that takes months, so
two claims racing for one month cannot both have it. Rejection, withdrawal and an unpaid
close free a claim's months; a clawback recovered in full releases some, the last first."""
from __future__ import annotations

from uuid import UUID

from ..errors import LimitExceeded
from .lean import Created, LeanAggregate, creation, event


class PersonMonths(LeanAggregate):
    class Opened(Created):
        pass

    @creation(Opened)
    def __init__(self, id: UUID, key: str):
        self.key = key
        # claim id -> {"program", "months": ["YYYY-MM", ...], "month_fen"}
        self.held: dict[str, dict] = {}

    def held_by_others(self, claim_id: str) -> dict[str, str]:
        """Month -> the claim holding it, for every claim but `claim_id`."""
        return {m: c for c, h in self.held.items() if c != claim_id for m in h["months"]}

    def check_take(self, claim_id: str, months: list[str], label: str) -> None:
        others = self.held_by_others(claim_id)
        clash = sorted(m for m in months if m in others)
        if clash:
            raise LimitExceeded(f"{label}: {', '.join(clash)} already subsidised by claim "
                                f"{', '.join(sorted({others[m] for m in clash}))} (one subsidy per person-month)")

    @event("Taken")
    def take(self, claim_id: str, program: str, months: list[str], month_fen: int) -> None:
        self.held[claim_id] = {"program": program, "months": list(months), "month_fen": month_fen}

    def months_to_release(self, claim_id: str, count: int) -> list[str]:
        """The claim's last `count` months (a recovered clawback gives back the last first)."""
        months = sorted(self.held.get(claim_id, {}).get("months", ()))
        return months[len(months) - min(count, len(months)):]

    @event("Released")
    def release(self, claim_id: str, months: list[str], reason: str) -> None:
        held = self.held[claim_id]
        held["months"] = [m for m in held["months"] if m not in months]

    @event("Freed")
    def free(self, claim_id: str, reason: str) -> None:
        del self.held[claim_id]
