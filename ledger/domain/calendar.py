"""One year of the State Council's holiday schedule loaded by admins (DOMAIN.md, "公示 in
working days"; the shipped years are data, ledger/policy/holidays.toml): one admin proposes
the year's holidays and adjusted working days with the document's number, another confirms,
and only then does the year count; or an admin rejects the proposal. A year is put in force
once: its notices' end dates were counted in it."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from ..errors import Forbidden, InvalidState, NotFound


class HolidayCalendarYear(Aggregate):
    @event("Opened")
    def __init__(self, id: UUID, year: int):
        self.year = year
        # change id -> {"days", "document_no", "status", "proposed_by", "confirmed_by", "rejected_by", "reason"}
        self.changes: dict[str, dict] = {}
        self.in_force: str | None = None  # the change confirmed

    def change(self, change_id: str) -> dict:
        try:
            return self.changes[change_id]
        except KeyError:
            raise NotFound(f"no holiday-calendar change {change_id} for {self.year}") from None

    def check_propose(self) -> None:
        if self.in_force is not None:
            raise InvalidState(f"the holiday calendar of {self.year} is already in force (change {self.in_force})")

    @event("Proposed")
    def propose(self, change_id: str, days: list[dict], document_no: str, actor: str) -> None:
        self.changes[change_id] = {"change_id": change_id, "days": days, "document_no": document_no,
                                   "status": "proposed", "proposed_by": actor, "confirmed_by": None,
                                   "rejected_by": None, "reason": None}

    def check_confirm(self, change_id: str, actor: str) -> None:
        change = self.change(change_id)
        if change["status"] != "proposed":
            raise InvalidState(f"change {change_id} is {change['status']}, not proposed")
        if change["proposed_by"] == actor:
            raise Forbidden("a holiday calendar takes effect only when an admin other than its proposer confirms it")
        self.check_propose()

    @event("Confirmed")
    def confirm(self, change_id: str, actor: str) -> None:
        self.changes[change_id].update(status="in_force", confirmed_by=actor)
        self.in_force = change_id

    def check_reject(self, change_id: str) -> None:
        change = self.change(change_id)
        if change["status"] != "proposed":
            raise InvalidState(f"change {change_id} is {change['status']}, not proposed")

    @event("Rejected")
    def reject(self, change_id: str, reason: str, actor: str) -> None:
        self.changes[change_id].update(status="rejected", rejected_by=actor, reason=reason)
