"""Users (never a token or its hash)."""
from __future__ import annotations

import orjson

from ledger.access import Actor
from ledger.regions import validate_region

from .core import ReadsCore


class UserReads(ReadsCore):
    def users(self, actor: Actor, *, role: str | None, region: str | None, active: bool | None,
              after_position: int | None, limit: int) -> tuple[list[dict], int | None]:
        """Users whose regions all lie within the caller's (admin), oldest first; `region`: users
        with a region at or below it. The position to continue after (None: the last page)."""
        actor.require_role("admin")
        if region is not None:
            validate_region(region)
        self.wait_consistent()
        rows = self.view.users(role=role, region=region, active=active, scopes=actor.regions,
                               after_position=after_position, limit=limit + 1)
        items = [orjson.loads(row["doc"]) for row in rows[:limit]]
        return items, (rows[limit - 1]["first_position"] if len(rows) > limit else None)
