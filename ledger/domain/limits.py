"""A uniqueness or count limit across claims, as an aggregate whose id is derived from
the limit's key: taking it is saved in the same transaction as the claim, so two claims
racing for the same key cannot both succeed."""
from __future__ import annotations

from uuid import UUID

from ..errors import Duplicate, LimitExceeded
from .lean import Created, LeanAggregate, creation, event


class ClaimLimit(LeanAggregate):
    class Opened(Created):
        """Version 2 says whether the limit is once-only or a count: a count limit of one (a
        city may set max_per_year = 1) is over the limit, not a duplicate."""

        key: str
        limit: int
        kind: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            # Version 1 knew only the number; a limit of one was always once-only.
            state["kind"] = "once" if state["limit"] == 1 else "count"

    @creation(Opened)
    def __init__(self, id: UUID, key: str, limit: int, kind: str):
        self.key = key
        self.limit = limit
        self.kind = kind
        self.holders: list[str] = []

    def check_take(self, claim_id: str, label: str, limit: int | None = None) -> None:
        """`limit`: the one in force on the taking claim's own application date (a limit
        lowered mid-year applies to the claims after it); the one recorded at opening only
        for callers that have none."""
        limit = self.limit if limit is None else limit
        if claim_id in self.holders or len(self.holders) < limit:
            return
        earlier = ", ".join(self.holders)
        if self.kind == "once":
            raise Duplicate(f"already claimed: {label} (claim {earlier})")
        raise LimitExceeded(f"limit of {limit} reached: {label} (claims {earlier})")

    @event("Taken")
    def take(self, claim_id: str) -> None:
        self.holders.append(claim_id)

    @event("Freed")
    def free(self, claim_id: str, reason: str) -> None:
        # Rejected, withdrawn and closed-unpaid claims do not count against the limit.
        self.holders.remove(claim_id)
