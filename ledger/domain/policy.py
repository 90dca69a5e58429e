"""A program's parameters as its ledger has them, one stream per program: the shipped
catalog's values recorded once as the initial state, then every change an administrator
proposed, and whether another confirmed it (in force from then) or it was rejected. Each
is a new event (who, when, why, under which document), never an edit of an old one.

One stream per program is the consistency boundary of a confirmation: what is in force
(bounds, floors, completeness) is checked against the stream it is recorded in, in the
writer, so two confirmations never pass on a view the other changed."""
from __future__ import annotations

import datetime as dt
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from ..errors import InvalidState, NotFound

PROPOSED, IN_FORCE, REJECTED = "proposed", "in_force", "rejected"
SYSTEM = "system"  # the actor of what the ledger records of its shipped files


class ProgramParameters(Aggregate):
    @event("Opened")
    def __init__(self, id: UUID, program: str):
        self.program = program
        self.initial: list[dict] = []      # shipped entries in force as the initial state
        self.shipped: list[dict] = []      # the program's entries in the shipped file last read
        self.shipped_sha256: str | None = None
        self.versions: list[dict] = []     # in force, in the order they were put in force
        self.changes: dict[str, dict] = {}  # every proposal, by change_id, in the order proposed

    @event("ShippedValuesRecorded")
    def record_shipped(self, file_sha256: str, entries: list[dict], initial: list[dict], actor: str) -> None:
        """`entries`: the program's versions in the shipped file as read at a start (what the
        next start compares the file with); `initial`: those entering force here as initial
        values (all of them at the first start; later, those of parameters new to the ledger)."""
        self.shipped = list(entries)
        self.shipped_sha256 = file_sha256
        self.initial.extend(initial)

    @event("ChangeProposed")
    def propose(self, change_id: str, region: str, effective_from: dt.date, effective_to: dt.date | None,
                values: dict, document_no: str, reason: str, retroactive: bool, actor: str) -> None:
        self.changes[change_id] = {
            "change_id": change_id, "status": PROPOSED, "region": region, "effective_from": effective_from,
            "effective_to": effective_to, "values": values, "document_no": document_no, "reason": reason,
            "retroactive": retroactive, "proposed_by": actor, "confirmed_by": None, "rejected_by": None,
            "rejection_reason": None, "rule_version": None}

    class VersionRecorded(Aggregate.Event):
        """A version put in force. Version 1 (the release before two-person changes) was
        recorded by one admin at once, document number and reason optional; version 2 is
        the confirmation of a proposed change: `actor` confirmed what `proposed_by` proposed."""

        version_id: str
        region: str
        effective_from: dt.date
        effective_to: dt.date | None
        values: dict
        document_no: str | None
        reason: str | None
        actor: str
        proposed_by: str
        retroactive: bool | None
        rule_version: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            # One admin proposed and put it in force; whether it reached into the past, and
            # under which rule version, was not recorded.
            state["proposed_by"] = state["actor"]
            state["retroactive"] = None
            state["rule_version"] = None

    @event(VersionRecorded)
    def record_version(self, version_id: str, region: str, effective_from: dt.date, effective_to: dt.date | None,
                       values: dict, document_no: str | None, reason: str | None, actor: str, proposed_by: str,
                       retroactive: bool | None, rule_version: str | None) -> None:
        self.versions.append({"version_id": version_id, "region": region, "effective_from": effective_from,
                              "effective_to": effective_to, "values": values, "document_no": document_no,
                              "reason": reason, "actor": actor, "proposed_by": proposed_by,
                              "confirmed_by": actor if proposed_by != actor else None,
                              "retroactive": retroactive})
        change = self.changes.get(version_id)
        if change is not None:
            change.update(status=IN_FORCE, confirmed_by=actor, rule_version=rule_version)

    @event("ChangeRejected")
    def reject_change(self, change_id: str, region: str, reason: str, actor: str) -> None:
        self.changes[change_id].update(status=REJECTED, rejected_by=actor, rejection_reason=reason)

    # Questions the service asks before it records --------------------------------------
    def change(self, change_id: str) -> dict:
        change = self.changes.get(change_id)
        if change is None:
            raise NotFound(f"no parameter change {change_id} of {self.program}")
        return change

    def proposed_change(self, change_id: str) -> dict:
        """The change, still awaiting its second admin; NotFound or InvalidState otherwise."""
        change = self.change(change_id)
        if change["status"] != PROPOSED:
            raise InvalidState(f"parameter change {change_id} is {change['status'].replace('_', ' ')}, not proposed")
        return change

    def confirm(self, change_id: str, actor: str, rule_version: str) -> None:
        change = self.proposed_change(change_id)
        self.record_version(version_id=change_id, region=change["region"], effective_from=change["effective_from"],
                            effective_to=change["effective_to"], values=change["values"],
                            document_no=change["document_no"], reason=change["reason"], actor=actor,
                            proposed_by=change["proposed_by"], retroactive=change["retroactive"],
                            rule_version=rule_version)
