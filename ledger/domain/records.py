"""Write-once records: the outcome of an idempotent request, and a rule version as it
was used by a decision, kept forever so `?rule_version=` can always answer."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class IdempotencyRecord(Aggregate):
    @event("Recorded")
    def __init__(self, id: UUID, request_hash: str, outcome: dict, actor: str):
        self.request_hash = request_hash
        self.outcome = outcome


class RuleVersionRecord(Aggregate):
    @event("FirstUsed")
    def __init__(self, id: UUID, rule_version: str, program: str, values: dict, provenance: dict):
        self.rule_version = rule_version
        self.program = program
        self.values = values
        self.provenance = provenance
