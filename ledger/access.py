"""Who may do what, where: roles per command and regions per resource."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import Forbidden
from .regions import covers


@dataclass(frozen=True)
class Actor:
    user_id: str
    name: str
    roles: frozenset[str]
    regions: tuple[str, ...]

    def require_role(self, *roles: str) -> None:
        if not self.roles.intersection(roles):
            raise Forbidden(f"this needs the role {' or '.join(roles)}")

    def require_region(self, region: str) -> None:
        if not any(covers(scope, region) for scope in self.regions):
            raise Forbidden(f"region {region} is outside your regions ({', '.join(self.regions)})")

    def may_see(self, region: str) -> bool:
        return any(covers(scope, region) for scope in self.regions)

    def covers_all(self, regions) -> bool:
        """Whether every one of `regions` lies within this actor's: what an admin may manage."""
        return all(self.may_see(region) for region in regions)

    def require_regions(self, regions, what: str = "the user") -> None:
        if not self.covers_all(regions):
            raise Forbidden(f"{what} reaches beyond your regions ({', '.join(self.regions)})")


# The contract's role table, one place.
READ_CLAIMS = ("clerk", "reviewer", "treasurer", "auditor", "admin")
READ_FUNDS = ("reviewer", "treasurer", "auditor", "admin")
READ_REPORTS = ("treasurer", "auditor", "admin")
