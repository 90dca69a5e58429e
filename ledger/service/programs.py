"""The policy catalog as the ledger sees it now: the shipped parameters with every
version an administrator has recorded since, and the rule versions decisions used."""
from __future__ import annotations

import threading
from uuid import uuid4

from ..access import Actor
from ..domain.ids import program_parameters_aggregate_id, rule_version_aggregate_id
from ..domain.policy import ProgramParameters
from ..domain.records import RuleVersionRecord
from ..errors import NotEligible, NotFound, ValidationFailed
from ..policy.catalog import Catalog, RuleSet
from ..regions import validate_region
from .core import Idem, LedgerCore, Outcome, command, parse_date, require_text


VERSION_TOPIC = f"{ProgramParameters.__module__}:{ProgramParameters.__qualname__}.VersionRecorded"


class ProgramCommands(LedgerCore):
    _policy_lock: threading.Lock
    _policy: dict[str, tuple[int, Catalog]]

    def catalog_of(self, parameters: ProgramParameters | None, *, cache: bool = True) -> Catalog:
        """The catalog with a program's recorded versions layered on the shipped data."""
        if parameters is None:
            return self.catalog
        with self._policy_lock:
            known = self._policy.get(parameters.program)
            if known is not None and known[0] == parameters.version:
                return known[1]
        extra = []
        for v in parameters.versions:
            source = " ".join(part for part in (v["document_no"], v["reason"]) if part) or f"recorded by {v['actor']}"
            for name, raw in v["values"].items():
                extra.append(self.catalog.parameter_version(
                    parameters.program, name, raw, region=v["region"], effective_from=v["effective_from"],
                    effective_to=v["effective_to"], source=source, stored=True))
        catalog = self.catalog.with_versions(extra)
        if cache:
            with self._policy_lock:
                self._policy[parameters.program] = (parameters.version, catalog)
        return catalog

    def cached_catalog(self, code: str) -> tuple[int, Catalog]:
        """What this process last knew of a program's parameters (checked again in the writer)."""
        with self._policy_lock:
            return self._policy.get(code, (0, self.catalog))

    def current_catalog(self, code: str) -> Catalog:
        """For reads: the parameters as stored now, whoever recorded them."""
        self.catalog.program(code)
        try:
            parameters = self.load(ProgramParameters, program_parameters_aggregate_id(code), "parameters")
        except NotFound:
            return self.catalog
        return self.catalog_of(parameters)

    def catalog_as_of(self, code: str, position: int) -> Catalog:
        """The parameters as they had been recorded by log position `position`."""
        self.catalog.program(code)
        aggregate_id = program_parameters_aggregate_id(code)
        events = [self.app.mapper.to_domain_event(n)
                  for n in self.stored_events(stop=position, topics=(VERSION_TOPIC,)) if n.originator_id == aggregate_id]
        if not events:
            return self.catalog
        parameters = self.app.repository.get(aggregate_id, version=events[-1].originator_version)
        return self.catalog_of(parameters, cache=False)

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
        return RuleSet.from_wire(program, record.values, record.provenance)

    @command
    def set_parameters(self, actor: Actor, code: str, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        program = self.catalog.program(code)
        region = validate_region(request.get("region"))
        actor.require_region(region)
        effective_from = parse_date(request.get("effective_from"), field="effective_from")
        effective_to = (None if request.get("effective_to") is None
                        else parse_date(request.get("effective_to"), field="effective_to"))
        values = request.get("values")
        if not isinstance(values, dict) or not values:
            raise ValidationFailed("values must name at least one parameter", field="values")
        document_no = require_text(request.get("document_no"), field="document_no", optional=True)
        reason = require_text(request.get("reason"), field="reason", optional=True)
        source = " ".join(part for part in (document_no, reason) if part) or f"recorded by {actor.user_id}"
        # Unknown names and bad values are refused before the writer.
        candidates = [self.catalog.parameter_version(code, name, raw, region=region, effective_from=effective_from,
                                                     effective_to=effective_to, source=source)
                      for name, raw in values.items()]
        version_id = str(uuid4())

        def in_writer(uow):
            aggregate_id = program_parameters_aggregate_id(code)
            parameters = uow.find(ProgramParameters, aggregate_id)
            try:
                rules = self.catalog_of(parameters).with_versions(candidates).resolve(code, region, effective_from)
            except NotEligible as exc:
                raise ValidationFailed(f"no complete parameter set would be in force on effective_from: {exc.detail}",
                                       field="effective_from") from None
            if parameters is None:
                parameters = uow.add(ProgramParameters(id=aggregate_id, program=code))
            parameters.record_version(version_id=version_id, region=region, effective_from=effective_from,
                                      effective_to=effective_to, values=values, document_no=document_no,
                                      reason=reason, actor=actor.user_id)
            self.keep_rule_version(uow, rules)
            return Outcome(False, {"rule_version": rules.rule_version, "program": program.code, "region": region,
                                   "effective_from": effective_from.isoformat(),
                                   "effective_to": effective_to.isoformat() if effective_to else None,
                                   "values": values, "version_id": version_id})

        return self._run(actor.user_id, idem, in_writer)[0]

    @staticmethod
    def keep_rule_version(uow, rules: RuleSet) -> None:
        record_id = rule_version_aggregate_id(rules.rule_version)
        if uow.find(RuleVersionRecord, record_id) is None:
            uow.add(RuleVersionRecord(id=record_id, rule_version=rules.rule_version, program=rules.program,
                                      values=rules.wire(), provenance=rules.provenance_wire()))

    def parameter_history(self, code: str) -> list[dict]:
        self.catalog.program(code)
        try:
            parameters = self.load(ProgramParameters, program_parameters_aggregate_id(code), "parameters")
        except NotFound:
            return []
        return [{**v, "effective_from": v["effective_from"].isoformat(),
                 "effective_to": v["effective_to"].isoformat() if v["effective_to"] else None}
                for v in parameters.versions]
