"""Parameter changes: one admin proposes (with the document and the reason), another
confirms, and only then does the change apply; or an admin rejects it. Each admin acts
only within its regions.

A change is checked when proposed and again, against what is in force then, when it is
confirmed: each value within its parameter's bounds (ledger/policy/bounds.py), a regional
value not below the province's floor, a removal only of a value the region has of its own,
and a complete parameter set in force for the region from the change's date. The
confirmation runs in the writer on the program's stream, so what it checked is what it
records against."""
from __future__ import annotations

from uuid import uuid4

from ..access import Actor
from ..domain.ids import program_parameters_aggregate_id
from ..domain.policy import ProgramParameters
from ..errors import Forbidden, InvalidState, NotEligible, ValidationFailed
from ..policy.catalog import Catalog, ParameterValue, parameter_wire, region_chain
from ..regions import validate_region
from .core import Idem, Outcome, command, parse_date, require_text
from .programs import ProgramCommands

STATUSES = ("proposed", "in_force", "rejected")


class ParameterChangeCommands(ProgramCommands):
    @command
    def propose_parameter_change(self, actor: Actor, code: str, request: dict, *,
                                 idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        self.catalog.program(code)
        region = validate_region(request.get("region"))
        actor.require_region(region)
        effective_from = parse_date(request.get("effective_from"), field="effective_from")
        effective_to = (None if request.get("effective_to") is None
                        else parse_date(request.get("effective_to"), field="effective_to"))
        values = request.get("values")
        if not isinstance(values, dict) or not values:
            raise ValidationFailed("values must name at least one parameter", field="values")
        document_no = require_text(request.get("document_no"), field="document_no")
        reason = require_text(request.get("reason"), field="reason")
        retroactive = request.get("retroactive", False)
        if not isinstance(retroactive, bool):
            raise ValidationFailed("retroactive must be true or false", field="retroactive")
        today = self.today()
        if effective_from < today and not retroactive:
            raise ValidationFailed(
                f"effective_from {effective_from.isoformat()} is before today ({today.isoformat()}, China Standard "
                "Time): a change that reaches into the past needs \"retroactive\": true", field="retroactive")
        change = {"region": region, "effective_from": effective_from, "effective_to": effective_to,
                  "values": values, "document_no": document_no, "reason": reason, "retroactive": retroactive}
        # Names, values and bounds are refused before the writer; values are kept in one spelling.
        change["values"] = {pv.name: None if pv.removes else parameter_wire(pv.unit, pv.value)
                            for pv in self._candidates(code, change)}
        change_id = str(uuid4())

        def in_writer(uow):
            parameters = self._stream(uow, code)
            self._check_against(self.catalog_of(parameters), code, change)
            parameters.propose(change_id=change_id, actor=actor.user_id, **change)
            return Outcome(False, self.change_document(parameters, change_id))

        return self._run(actor.user_id, idem, in_writer, (program_parameters_aggregate_id(code),))[0]

    @command
    def confirm_parameter_change(self, actor: Actor, code: str, change_id: str, *,
                                 idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        self.catalog.program(code)

        def in_writer(uow):
            parameters = self._stream(uow, code)
            # Who may act on it before what state it is in: another region's admin learns nothing.
            actor.require_region(parameters.change(change_id)["region"])
            change = parameters.proposed_change(change_id)
            if change["proposed_by"] == actor.user_id:
                raise Forbidden("a parameter change takes effect only when an admin other than its proposer "
                                "confirms it")
            today = self.today()
            if change["effective_from"] < today and not change["retroactive"]:
                raise InvalidState(
                    f"the change takes effect on {change['effective_from'].isoformat()}, before today "
                    f"({today.isoformat()}), and was not proposed as retroactive: reject it and propose it again")
            after = self._check_against(self.catalog_of(parameters), code, change)
            rules = after.resolve(code, change["region"], change["effective_from"])
            parameters.confirm(change_id, actor.user_id, rules.rule_version)
            self.keep_rule_version(uow, rules)
            return Outcome(False, self.change_document(parameters, change_id))

        return self._run(actor.user_id, idem, in_writer, (program_parameters_aggregate_id(code),))[0]

    @command
    def reject_parameter_change(self, actor: Actor, code: str, change_id: str, request: dict, *,
                                idem: Idem | None = None) -> Outcome:
        """Any admin whose regions cover the change, its proposer too (a withdrawal):
        rejecting puts nothing in force."""
        actor.require_role("admin")
        self.catalog.program(code)
        reason = require_text(request.get("reason"), field="reason")

        def in_writer(uow):
            parameters = self._stream(uow, code)
            actor.require_region(parameters.change(change_id)["region"])
            change = parameters.proposed_change(change_id)
            parameters.reject_change(change_id=change_id, region=change["region"], reason=reason, actor=actor.user_id)
            return Outcome(False, self.change_document(parameters, change_id))

        return self._run(actor.user_id, idem, in_writer, (program_parameters_aggregate_id(code),))[0]

    # Reads -------------------------------------------------------------------------------
    def parameter_changes(self, code: str, status: str | None = None, actor: Actor | None = None) -> list[dict]:
        """The program's changes; for an `actor` (a caller of the API), only those in its
        regions: a Dalian admin does not see Shenyang's proposals."""
        self.catalog.program(code)
        if status is not None and status not in STATUSES:
            raise ValidationFailed(f"status must be one of {', '.join(STATUSES)}", field="status")
        parameters = self._parameters(code)
        if parameters is None:
            return []
        return [self.change_document(parameters, change_id) for change_id, change in parameters.changes.items()
                if (status is None or change["status"] == status)
                and (actor is None or actor.may_see(change["region"]))]

    def parameter_history(self, code: str) -> list[dict]:
        """The versions put in force since the shipped values, oldest first."""
        self.catalog.program(code)
        parameters = self._parameters(code)
        if parameters is None:
            return []
        return [{**v, "effective_from": v["effective_from"].isoformat(),
                 "effective_to": v["effective_to"].isoformat() if v["effective_to"] else None}
                for v in parameters.versions]

    @staticmethod
    def change_document(parameters: ProgramParameters, change_id: str) -> dict:
        change = parameters.changes[change_id]
        return {**change, "program": parameters.program, "effective_from": change["effective_from"].isoformat(),
                "effective_to": change["effective_to"].isoformat() if change["effective_to"] else None}

    # Checks ------------------------------------------------------------------------------
    def _stream(self, uow, code: str) -> ProgramParameters:
        """The program's stream in the writer, its shipped values recorded first if they
        were not yet (a ledger not started through the runtime)."""
        parameters = uow.find(ProgramParameters, program_parameters_aggregate_id(code))
        if parameters is None or parameters.shipped_sha256 is None:
            self.shipped_into(uow, code)
            parameters = uow.find(ProgramParameters, program_parameters_aggregate_id(code))
        return parameters

    def _candidates(self, code: str, change: dict) -> list[ParameterValue]:
        """The change's versions: names the program has, values in their unit and within
        their bounds (`null`: a removal)."""
        return [self.catalog.parameter_version(code, name, raw, region=change["region"],
                                               effective_from=change["effective_from"],
                                               effective_to=change["effective_to"], source=change["reason"],
                                               document_no=change["document_no"])
                for name, raw in change["values"].items()]

    def _check_against(self, now: Catalog, code: str, change: dict) -> Catalog:
        """The catalog with the change in force, if it may be: else ValidationFailed naming
        the value at fault (below the province's floor), or InvalidState where the values the
        ledger holds do not allow it (a removal of no value of the region's own, or one that
        would leave no complete set): a well-formed request the ledger's state refuses. A
        change from before the program's values begin is ValidationFailed on effective_from."""
        candidates = self._candidates(code, change)
        region, on = change["region"], change["effective_from"]
        province = _province_of(region)
        for pv in candidates:
            where = f"values.{pv.name}"
            if pv.removes:
                own = now.own_version(code, pv.name, region, on)
                if own is None or own.removes:
                    raise InvalidState(f"{where}: region {region} has no value of its own in force on "
                                           f"{on.isoformat()} to remove", field=where)
                continue
            bounds = now.bounds(code, pv.name)
            if bounds.floor is not None and province is not None:
                floor = now.in_force(code, pv.name, region_chain(province), on)
                if floor is not None:
                    bounds.check_floor(pv.value, floor.value, province, field=where)
        after = now.with_versions(candidates)
        try:
            after.resolve(code, region, on)
        except NotEligible as exc:
            removed = [pv.name for pv in candidates if pv.removes]
            detail = f"no complete parameter set would be in force for {region} on {on.isoformat()}: {exc.detail}"
            if removed:  # what the ledger holds leaves nothing for the key once it is removed
                raise InvalidState(detail, field=f"values.{removed[0]}") from None
            raise ValidationFailed(detail, field="effective_from") from None  # before the program's values begin
        return after


def _province_of(region: str) -> str | None:
    """The province above a city or district, whose value is the floor of theirs; None for
    a province or the nation, which no floor of the notice binds."""
    if region.endswith("0000"):
        return None
    return region[:2] + "0000"

