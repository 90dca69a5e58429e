"""Write-once records: the outcome of an idempotent request, and a rule version as it
was used by a decision, kept forever so `?rule_version=` can always answer."""
from __future__ import annotations

from uuid import UUID

from .lean import Created, LeanAggregate, creation


class IdempotencyRecord(LeanAggregate):
    class Recorded(Created):
        pass

    @creation(Recorded)
    def __init__(self, id: UUID, request_hash: str, outcome: dict, actor: str):
        self.request_hash = request_hash
        self.outcome = outcome


class RuleVersionRecord(LeanAggregate):
    class FirstUsed(Created):
        """Version 2 records the version of the program's rule code the set was decided by,
        and its provenance names each value's document (`document_no`)."""

        rule_version: str
        program: str
        values: dict
        provenance: dict
        code_version: int | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            # Version 1 rule versions named the values only; which code decided was not kept.
            state["code_version"] = None

    @creation(FirstUsed)
    def __init__(self, id: UUID, rule_version: str, program: str, values: dict, provenance: dict,
                 code_version: int | None):
        self.rule_version = rule_version
        self.program = program
        self.values = values
        self.provenance = provenance
        self.code_version = code_version
