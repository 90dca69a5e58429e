"""The policy catalog as the ledger has it: the shipped files' values, recorded once in the
log as the initial state, with every change confirmed since; and the rule versions
decisions used, kept forever.

Until a program's shipped values are recorded (a ledger not started through the runtime),
the catalog is the shipped file itself; from then on the file's versions are no longer
read, so editing it cannot change what a past date resolves to (ledger/policy/shipped.py
says what an edited file means for a ledger that has started)."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from uuid import uuid4

from eventsourcing.utils import get_topic

from ..domain.ids import program_parameters_aggregate_id, rule_version_aggregate_id
from ..domain.policy import SYSTEM, ProgramParameters
from ..domain.records import RuleVersionRecord
from ..errors import NotFound
from ..policy.catalog import Catalog, ParameterValue, RuleSet
from ..policy.shipped import compare
from .core import LedgerCore

log = logging.getLogger(__name__)

PARAMETER_TOPICS = tuple(get_topic(cls) for cls in (
    ProgramParameters.Opened, ProgramParameters.ShippedValuesRecorded, ProgramParameters.ChangeProposed,
    ProgramParameters.VersionRecorded, ProgramParameters.ChangeRejected))


class ProgramCommands(LedgerCore):
    _policy_lock: threading.Lock
    _policy: dict[str, tuple[int, Catalog]]

    # The catalog of one program --------------------------------------------------------
    def catalog_of(self, parameters: ProgramParameters | None, *, cache: bool = True,
                   initial: list[dict] | None = None) -> Catalog:
        """The catalog of `parameters.program` as its stream records it: the initial values
        (or `initial`, for a past state recorded before them), then the versions put in
        force, later ones over earlier ones. Without a recorded initial state, the shipped
        file stands for it. Only that program resolves in the answer."""
        if parameters is None:
            return self.catalog
        with self._policy_lock:
            known = self._policy.get(parameters.program)
            if known is not None and known[0] == parameters.version and initial is None and not parameters.pending_events:
                return known[1]
        code = parameters.program
        program = self.catalog.program(code)
        base = parameters.initial or initial
        if base:
            versions = [self._initial_version(code, entry) for entry in base
                        if entry["name"] in program.parameter_names()]
        else:
            versions = [pv for pv in self.catalog.versions if pv.program == code]
        for v in parameters.versions:
            legacy = v["proposed_by"] == v["actor"]
            source = _legacy_source(v) if legacy else v["reason"]
            for name, raw in v["values"].items():
                if name in program.parameter_names():
                    versions.append(self.catalog.parameter_version(
                        code, name, raw, region=v["region"], effective_from=v["effective_from"],
                        effective_to=v["effective_to"], source=source, document_no=v["document_no"], stored=True))
        catalog = self.catalog.rebased(versions)
        # Not a state with uncommitted events: should their batch fail, the same version
        # number may come to stand for other events.
        if cache and initial is None and not parameters.pending_events:
            with self._policy_lock:
                self._policy[code] = (parameters.version, catalog)
        return catalog

    def _initial_version(self, code: str, entry: dict) -> ParameterValue:
        end = entry["effective_to"]
        return self.catalog.parameter_version(
            code, entry["name"], entry["value"], region=entry["region"],
            effective_from=dt.date.fromisoformat(entry["effective_from"]),
            effective_to=dt.date.fromisoformat(end) if end else None, source=entry["source"], stored=True)

    def cached_catalog(self, code: str) -> tuple[int, Catalog]:
        """What this process last knew of a program's parameters (checked again in the writer)."""
        with self._policy_lock:
            return self._policy.get(code, (0, self.catalog))

    def _parameters(self, code: str) -> ProgramParameters | None:
        try:
            return self.load(ProgramParameters, program_parameters_aggregate_id(code), "parameters")
        except NotFound:
            return None

    def current_catalog(self, code: str) -> Catalog:
        """For reads: the parameters as stored now, whoever recorded them."""
        self.catalog.program(code)
        return self.catalog_of(self._parameters(code))

    def catalog_as_of(self, code: str, position: int) -> Catalog:
        """The parameters as they had been recorded by log position `position` (before its
        shipped values were recorded, a program's initial state is the one recorded since)."""
        self.catalog.program(code)
        aggregate_id = program_parameters_aggregate_id(code)
        events = [n for n in self.stored_events(stop=position, topics=PARAMETER_TOPICS)
                  if n.originator_id == aggregate_id]
        now = self._parameters(code)
        if not events:
            if now is None or not now.initial:
                return self.catalog
            names = self.catalog.program(code).parameter_names()
            return self.catalog.rebased([self._initial_version(code, e) for e in now.initial if e["name"] in names])
        then = self.app.repository.get(aggregate_id, version=events[-1].originator_version)
        return self.catalog_of(then, cache=False, initial=None if then.initial else (now.initial or None))

    # Rule versions ---------------------------------------------------------------------
    def rule_set(self, code: str, rule_version: str) -> RuleSet:
        """Exactly what `rule_version` said, forever: kept when first used or recorded."""
        program = self.catalog.program(code)
        try:
            record = self.load(RuleVersionRecord, rule_version_aggregate_id(rule_version), f"rule version {rule_version}")
        except NotFound:
            rules = self.current_catalog(code).find_rule_set(code, rule_version)
            if rules is None:
                raise
            return rules
        if record.program != program.code:
            raise NotFound(f"rule version {rule_version} is not one of {program.code}")
        return RuleSet.from_wire(program, record.values, record.provenance, rule_version=record.rule_version,
                                 code_version=record.code_version)

    @staticmethod
    def keep_rule_version(uow, rules: RuleSet) -> None:
        record_id = rule_version_aggregate_id(rules.rule_version)
        if uow.find(RuleVersionRecord, record_id) is None:
            uow.add(RuleVersionRecord(id=record_id, rule_version=rules.rule_version, program=rules.program,
                                      values=rules.wire(), provenance=rules.provenance_wire(),
                                      code_version=rules.code_version))

    # The shipped file ------------------------------------------------------------------
    def record_shipped_catalog(self) -> list[str]:
        """At start-up: record the shipped parameters of every program not recorded yet (a
        new ledger, or one from before they were recorded), and turn an edit of the file
        since into changes proposed by "system" (ledger/policy/shipped.py). Returns what an
        operator should hear about; records nothing when the file is as last recorded."""
        codes = list(self.catalog.programs)

        def in_writer(uow):
            notes = []
            for code in codes:
                notes += self.shipped_into(uow, code)
            return notes

        notes, _ = self.writer.execute(in_writer, expect=tuple(program_parameters_aggregate_id(c) for c in codes))
        for note in notes:
            log.warning("%s", note)
        return notes

    def shipped_into(self, uow, code: str) -> list[str]:
        """In the writer: the program's stream, with the shipped file recorded in it."""
        aggregate_id = program_parameters_aggregate_id(code)
        parameters = uow.find(ProgramParameters, aggregate_id)
        if parameters is None:
            parameters = uow.add(ProgramParameters(id=aggregate_id, program=code))
        entries = self.catalog.shipped_entries(code)
        if parameters.shipped_sha256 is not None and parameters.shipped == entries:
            return []
        today = self.today()
        known = {entry["name"] for entry in parameters.initial}
        diff = compare(parameters.shipped if parameters.shipped_sha256 else [], entries, known, today)
        parameters.record_shipped(file_sha256=self.catalog.digest, entries=entries, initial=diff.initial,
                                  actor=SYSTEM)
        notes = []
        document = f"parameters.toml sha256 {self.catalog.digest[:12]}"
        for change in diff.proposals:
            change_id = str(uuid4())
            parameters.propose(change_id=change_id, region=change["region"],
                               effective_from=change["effective_from"], effective_to=change["effective_to"],
                               values=change["values"], document_no=document,
                               reason=f"the shipped parameters.toml changed on {today.isoformat()}", retroactive=False,
                               actor=SYSTEM)
            notes.append(f"{code}: the shipped parameters.toml differs from what this ledger recorded; change "
                         f"{change_id} ({', '.join(change['values'])} for {change['region']} from "
                         f"{change['effective_from'].isoformat()}) awaits an admin's confirmation or rejection")
        for entry in diff.past:
            notes.append(f"{code}: the shipped parameters.toml changed {entry['name']} for {entry['region']} from "
                         f"{entry['effective_from']}, a version that ended before today: not applied, since "
                         "history is not rewritten")
        return notes


def _legacy_source(version: dict) -> str:
    """Where a value put in force by one admin alone (before changes needed a second)
    came from, in words, whatever it recorded."""
    if version["reason"]:
        return version["reason"]
    if version["document_no"]:
        return f"recorded by {version['actor']} alone, without a reason"
    return f"recorded by {version['actor']} alone, without a document number or a reason"
