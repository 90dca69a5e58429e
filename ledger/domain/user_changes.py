"""The register of changes of who may act: new users, roles and regions, reactivations and
tokens registered for another user. One admin proposes, another confirms (API.md, "◆
Insiders and time"); the bootstrap admin, the operator's root, may make them alone, and any
admin may take power away alone (a deactivation). Every such change is recorded here, in
one stream: changes made at the same moment in different processes conflict on it and are
run again one after the other, so no check is made against a state already gone."""
from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from ..errors import InvalidState, NotFound
from .ids import derived_id

USER_CHANGES_ID = derived_id("user-changes", "the one register")

# All but a deactivation (which only takes power away) take two admins.
CREATE, ROLES, REACTIVATE, TOKEN, DEACTIVATE = "create", "roles", "reactivate", "token", "deactivate"
PROPOSED, IN_FORCE, REJECTED = "proposed", "in_force", "rejected"
STATUSES = (PROPOSED, IN_FORCE, REJECTED)


class UserChanges(Aggregate):
    @event("Opened")
    def __init__(self, id, actor: str):
        # change_id -> the change (see _record); in the order proposed.
        self.changes: dict[str, dict] = {}

    def _record(self, change_id: str, kind: str, user_id: str, regions: list, details: dict, actor: str,
                status: str) -> None:
        # `regions`: every region the change reaches (the user's before and after), which
        # the admins acting on it must cover. `details`: what the change is (name, roles,
        # regions, token_sha256, revoke_others, reason), as proposed.
        self.changes[change_id] = {
            "change_id": change_id, "seq": len(self.changes) + 1, "kind": kind, "user_id": user_id,
            "status": status, "regions": list(regions), "details": dict(details), "proposed_by": actor,
            "confirmed_by": actor if status == IN_FORCE else None, "alone": status == IN_FORCE,
            "rejected_by": None, "rejection_reason": None}

    @event("Proposed")
    def propose(self, change_id: str, kind: str, user_id: str, regions: list, details: dict, actor: str) -> None:
        self._record(change_id, kind, user_id, regions, details, actor, PROPOSED)

    @event("Applied")
    def apply_alone(self, change_id: str, kind: str, user_id: str, regions: list, details: dict, actor: str) -> None:
        """In force at once, made by one admin: the bootstrap admin, or a deactivation."""
        self._record(change_id, kind, user_id, regions, details, actor, IN_FORCE)

    @event("Confirmed")
    def confirm(self, change_id: str, actor: str) -> None:
        self.changes[change_id].update(status=IN_FORCE, confirmed_by=actor)

    @event("Rejected")
    def reject(self, change_id: str, reason: str, actor: str) -> None:
        self.changes[change_id].update(status=REJECTED, rejected_by=actor, rejection_reason=reason)

    def change(self, change_id: str) -> dict:
        change = self.changes.get(change_id)
        if change is None:
            raise NotFound(f"no user change {change_id}")
        return change

    def proposed_change(self, change_id: str) -> dict:
        change = self.change(change_id)
        if change["status"] != PROPOSED:
            raise InvalidState(f"user change {change_id} is {change['status'].replace('_', ' ')}, not proposed")
        return change
