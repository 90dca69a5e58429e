"""The claim lifecycle: submit, decide, pay, return, close, claw back, recover."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from uuid import uuid4

from ..access import READ_CLAIMS, Actor
from ..domain.claim import Claim
from ..domain.fund import Fund, parse_fund_code
from ..domain.caps import ClaimCap
from ..domain.ids import (cap_aggregate_id, fund_aggregate_id, limit_aggregate_id, person_months_aggregate_id,
                          program_parameters_aggregate_id, rule_version_aggregate_id)
from ..domain.limits import ClaimLimit
from ..domain.months import PersonMonths
from ..domain.policy import ProgramParameters
from ..domain.records import RuleVersionRecord
from ..errors import Duplicate, InvalidState, LimitExceeded, NotEligible, NotFound, ValidationFailed
from ..identifiers import normalize_credit_code, normalize_identity_number
from ..money import parse_money
from ..policy.catalog import RuleSet
from ..policy.programs import NO_PRIOR, CapUse, Context, Decision, LimitKey, MonthUse, Prior, decide
from ..regions import ancestors, validate_region
from ..views import claim_view
from .calendar import CalendarCommands
from .programs import ProgramCommands
from .watchlist import PartyWatches, claim_parties, watch_ids
from .core import Idem, Outcome, command, parse_uuid, require_text

APPLICANT_KINDS = ("enterprise", "person", "institution")
PAYMENT_KINDS = ("prepayment", "settlement")


class ClaimCommands(ProgramCommands, CalendarCommands):
    # Submission -------------------------------------------------------------------------
    @command
    def submit_claim(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("clerk")
        program = self.catalog.program(_text(request.get("program"), "program"))
        region = validate_region(request.get("region"))
        actor.require_region(region)
        applicant = self._applicant(request.get("applicant"), program)
        beneficiary = self._beneficiary(request.get("beneficiary"), program, applicant["kind"])
        facts = program.validate_facts(request.get("facts"))
        dates = self.business_dates(request)
        application_date = dates.take("application_date", default_today=True)
        ctx = Context(application_date=application_date, region=region, applicant_kind=applicant["kind"],
                      applicant_ref=applicant["ref"], beneficiary_ref=beneficiary["ref"] if beneficiary else None,
                      beneficiary_birth=self._birth(request.get("beneficiary")))
        known_version, catalog = self.cached_catalog(program.code)
        rules = catalog.resolve(program.code, region, application_date)
        try:
            decision: Decision | None = decide(program.code, facts, rules, ctx)
        except (NotEligible, LimitExceeded, Duplicate):
            # Decided here without what earlier claims took: a refusal that depends on them (a
            # first subsidised month, a known loan) is the writer's to make, on what it knows.
            decision = None
        claim_id = uuid4()
        parties = claim_parties(applicant["ref"], beneficiary["ref"] if beneficiary else None)

        def command(uow):
            nonlocal rules
            decided: Decision | None = decision
            parameters = uow.find(ProgramParameters, program_parameters_aggregate_id(program.code))
            if (parameters.version if parameters else 0) != known_version:
                # An administrator recorded parameters since this process last looked.
                rules = self.catalog_of(parameters).resolve(program.code, region, application_date)
                decided = None
            if decided is None or decided.caps or decided.months:
                # Decided again here, in the claim's own transaction: caps across claims and
                # person-months depend on what earlier claims took, which only the writer knows
                # for certain. Rules consult other claims only through these, so a decision
                # without any, under the same rules, is already final (and the writer is the
                # serial part).
                decided = decide(program.code, facts, rules, replace(
                    ctx, prior=_prior(uow, str(claim_id)), months_held=_months_held(uow, str(claim_id))))
            watches = PartyWatches(uow, parties)
            watches.refuse_claim(application_date, dates.today)  # not eligible, before once-only keys and caps
            limits = [(limit, _checked_limit(uow, limit, str(claim_id))) for limit in decided.limits]
            caps = [(cap, _checked_cap(uow, cap, str(claim_id))) for cap in decided.caps]
            months = [(use, _checked_months(uow, use, str(claim_id))) for use in decided.months]
            watches.note_claim(str(claim_id), application_date)
            claim = uow.add(Claim(
                id=claim_id, program=program.code, region=region, applicant=applicant, beneficiary=beneficiary,
                facts=facts, application_date=application_date, rule_version=rules.rule_version,
                entitled_fen=decided.entitled_fen, prepay_share=str(decided.prepay_share),
                settlement_ready=decided.settlement_ready, explanation=decided.explanation,
                limit_keys=[limit.key for limit in decided.limits], actor=actor.user_id,
                cap_keys=[cap.key for cap in decided.caps], month_keys=[use.key for use in decided.months],
                backdate=dates.backdate))
            for limit, held in limits:
                if held is None:
                    held = uow.add(ClaimLimit(id=limit_aggregate_id(limit.key), key=limit.key, limit=limit.limit,
                                              kind=limit.kind))
                held.take(str(claim_id))
            for cap, held in caps:
                if held is None:
                    held = uow.add(ClaimCap(id=cap_aggregate_id(cap.key), key=cap.key, unit=cap.unit))
                held.take(claim_id=str(claim_id), units=cap.units, tag=cap.tag)
            for use, held in months:
                if held is None:
                    held = uow.add(PersonMonths(id=person_months_aggregate_id(use.key), key=use.key))
                held.take(claim_id=str(claim_id), program=program.code, months=list(use.months),
                          month_fen=use.month_fen)
            self.keep_rule_version(uow, rules)
            return Outcome(True, claim_view(claim))

        expect = (program_parameters_aggregate_id(program.code), *watch_ids(parties))
        if decision is not None:
            expect += (*(limit_aggregate_id(key) for limit in decision.limits for key in (limit.key, *limit.legacy)),
                       *(cap_aggregate_id(cap.key) for cap in decision.caps),
                       *(person_months_aggregate_id(use.key) for use in decision.months))
        return self._run(actor.user_id, idem, command, expect)[0]

    def _applicant(self, value: object, program) -> dict:
        if not isinstance(value, dict):
            raise ValidationFailed("applicant must be an object with kind, id and name", field="applicant")
        kind = value.get("kind")
        if kind not in APPLICANT_KINDS:
            raise ValidationFailed(f"applicant.kind must be one of {', '.join(APPLICANT_KINDS)}", field="applicant.kind")
        if kind not in program.applicant_kinds:
            raise ValidationFailed(f"{program.code} is applied for by {' or '.join(program.applicant_kinds)}",
                                   field="applicant.kind")
        name = require_text(value.get("name"), field="applicant.name")
        if kind == "person":
            number = normalize_identity_number(value.get("id"), field="applicant.id")
            return {"kind": kind, **self.pii.protect_person(number, name)}
        code = normalize_credit_code(value.get("id"), field="applicant.id")
        return {"kind": kind, "id": code, "ref": self.pii.ref(code), "name": name}

    @staticmethod
    def _birth(value: object) -> dt.date | None:
        """The birth date in a valid identity number (GB 11643, characters 7–14), for rules on
        age; None where there is none (the beneficiary was refused already, or is absent)."""
        number = value.get("id") if isinstance(value, dict) else None
        try:
            return dt.date.fromisoformat(f"{number[6:10]}-{number[10:12]}-{number[12:14]}")
        except (TypeError, ValueError):
            return None

    def _beneficiary(self, value: object, program, applicant_kind: str) -> dict | None:
        if program.founder and applicant_kind != "person":
            # DOMAIN.md, One subsidy per person-month: an enterprise names the graduate who
            # founded it, whose caps hold across the person and every company.
            if not isinstance(value, dict):
                raise ValidationFailed(f"{program.code} claimed by an {applicant_kind} needs its founder as "
                                       "beneficiary (id and name)", field="beneficiary")
        elif not program.beneficiary:
            if value is not None:
                raise ValidationFailed(f"{program.code} is paid for the applicant itself: leave out beneficiary",
                                       field="beneficiary")
            return None
        if not isinstance(value, dict):
            raise ValidationFailed(f"{program.code} needs a beneficiary with id and name", field="beneficiary")
        name = require_text(value.get("name"), field="beneficiary.name")
        number = normalize_identity_number(value.get("id"), field="beneficiary.id")
        return self.pii.protect_person(number, name)

    # Decision ---------------------------------------------------------------------------
    @command
    def approve(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
                idem: Idem | None = None) -> Outcome:
        actor.require_role("reviewer")
        requested = None if request.get("amount") is None else parse_money(request.get("amount"))
        explicit_fund = request.get("fund_id")
        if explicit_fund is not None:
            parse_fund_code(explicit_fund)
        dates = self.business_dates(request)
        approved_on = dates.take("approved_on", default_today=True)

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.approval_amount(requested, actor.user_id)  # may it be approved at all, by this reviewer
            self._decide_again_if_corrected(uow, claim, actor.user_id)
            amount = claim.approval_amount(requested, actor.user_id)
            program = self.catalog.program(claim.program)
            if approved_on < claim.application_date:
                raise ValidationFailed("approved_on is before the application date", field="approved_on")
            fund = self._approval_fund(uow, claim, program, explicit_fund)
            days = _publicity_days(uow, claim)
            # The notice starts on the day the approval is recorded, whatever approved_on says
            # (a backdated approval must not find its notice already over), and lasts 公示N个
            # 工作日: counted before anything changes, so a year nobody loaded refuses it all.
            starts_on = dates.today
            ends_on = self.notice_ends_on(uow, starts_on, days) if days > 0 else None
            fund.reserve(str(claim.id), claim.program, amount, approved_on, actor.user_id, backdate=dates.backdate)
            claim.approve(fund_code=fund.fund_code, amount_fen=amount, approved_on=approved_on, actor=actor.user_id,
                          backdate=dates.backdate)
            if days > 0:
                claim.open_notice(starts_on=starts_on, ends_on=ends_on,
                                  publicity_days=days, actor=actor.user_id)
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]

    def _decide_again_if_corrected(self, uow, claim: Claim, actor_id: str) -> None:
        """Corrections reach undecided claims (DOMAIN.md F11): approval decides under the rules
        in force then for the claim's region and application date (a retroactive correction
        confirmed since submission, a rule code of a later release). What the claim holds of
        its caps and person-months follows the new decision; a claim the corrected rules refuse
        is not approved (the refusal says why; the reviewer rejects it)."""
        parameters = uow.find(ProgramParameters, program_parameters_aggregate_id(claim.program))
        rules = self.catalog_of(parameters).resolve(claim.program, claim.region, claim.application_date)
        if rules.rule_version == claim.rule_version:
            return
        beneficiary = claim.beneficiary
        ctx = Context(application_date=claim.application_date, region=claim.region,
                      applicant_kind=claim.applicant["kind"], applicant_ref=claim.applicant["ref"],
                      beneficiary_ref=beneficiary["ref"] if beneficiary else None,
                      prior=_prior(uow, str(claim.id)), months_held=_months_held(uow, str(claim.id)),
                      beneficiary_birth=self._birth({"id": self.pii.open(beneficiary["sealed"])}
                                                    if beneficiary else None))
        decision = decide(claim.program, claim.facts, rules, ctx)
        _adjust_caps(uow, claim, decision, reason="rules corrected since submission")
        for use in decision.months:
            months = uow.find(PersonMonths, person_months_aggregate_id(use.key)) if use.key in claim.month_keys else None
            held = months.held.get(str(claim.id)) if months is not None else None
            if held is not None and (held["months"] != list(use.months) or held["month_fen"] != use.month_fen):
                months.check_take(str(claim.id), list(use.months), "one subsidy per person-month")
                months.take(claim_id=str(claim.id), program=claim.program, months=list(use.months),
                            month_fen=use.month_fen)
        self.keep_rule_version(uow, rules)
        claim.redecide(rule_version=rules.rule_version, entitled_fen=decision.entitled_fen,
                       prepay_share=str(decision.prepay_share), settlement_ready=decision.settlement_ready,
                       explanation=decision.explanation, actor=actor_id,
                       reason=f"the rules in force for {claim.region} on {claim.application_date} changed since "
                              f"submission ({claim.rule_version} → {rules.rule_version})")

    def _approval_fund(self, uow, claim: Claim, program, explicit: str | None) -> Fund:
        # Which funds may pay a claim depends on the stored claim (its program and region), not
        # on the request's form: a well-formed fund id that cannot pay this claim is the
        # claim's not being eligible for it (422 as API.md fixes it), a missing fund the
        # ledger's state (409), never a malformed request.
        if explicit is not None:
            fund_type, region = parse_fund_code(explicit)
            if fund_type not in program.fund_types:
                raise NotEligible(f"{program.code} is paid from {' or '.join(program.fund_types)}, not {fund_type}",
                                  rule=f"{program.code}.fund_types")
            if region not in ancestors(claim.region):
                raise NotEligible(f"fund {explicit} does not cover region {claim.region}",
                                  rule="a fund pays claims of its region and the regions below it")
            return uow.get(Fund, fund_aggregate_id(explicit), f"fund {explicit}")
        for region in ancestors(claim.region):
            fund = uow.find(Fund, fund_aggregate_id(f"{program.fund_types[0]}:{region}"))
            if fund is not None:
                return fund
        raise InvalidState(
            f"no {program.fund_types[0]} fund in region {claim.region} or above it: open one or name fund_id",
            field="fund_id")

    @command
    def reject(self, actor: Actor, claim_id: str, request: dict, **kw) -> Outcome:
        return self._end(actor, claim_id, request, "reject", "reviewer", **kw)

    @command
    def withdraw(self, actor: Actor, claim_id: str, request: dict, **kw) -> Outcome:
        return self._end(actor, claim_id, request, "withdraw", "clerk", **kw)

    def _end(self, actor: Actor, claim_id: str, request: dict, outcome: str, role: str, *,
             if_match: int | None = None, idem: Idem | None = None) -> Outcome:
        actor.require_role(role)
        reason = require_text(request.get("reason"), field="reason")

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_can_end(outcome)
            getattr(claim, outcome)(reason=reason, actor=actor.user_id)
            self._free_limits(uow, claim, outcome)
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]

    def _facts_of_the_claims_program(self, program, facts: object) -> None:
        """A settlement fact of another program is one this claim, being of `program`, does not
        take: 409 invalid_state, as a command that does not apply to the claim as it stands
        (which program a claim is of is the ledger's to know; a malformed fact stays 422)."""
        if not isinstance(facts, dict):
            return
        own = {spec.name for spec in program.facts if spec.later}
        for name in facts:
            if name in self.catalog.later_facts() and name not in own:
                raise InvalidState(f"facts.{name} is a settlement fact of another program: a {program.code} claim "
                                   f"takes {', '.join(sorted(own)) or 'none'}", field=f"facts.{name}")

    @command
    def record_facts(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
                     idem: Idem | None = None) -> Outcome:
        actor.require_role("clerk")

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_can_record_facts()
            program = self.catalog.program(claim.program)
            self._facts_of_the_claims_program(program, request.get("facts"))
            later = program.validate_later_facts(request.get("facts"))
            record = uow.get(RuleVersionRecord, rule_version_aggregate_id(claim.rule_version), "rule version")
            rules = RuleSet.from_wire(program, record.values, record.provenance, rule_version=record.rule_version,
                                      code_version=record.code_version)
            ctx = Context(application_date=claim.application_date, region=claim.region,
                          applicant_kind=claim.applicant["kind"], applicant_ref=claim.applicant["ref"],
                          beneficiary_ref=claim.beneficiary["ref"] if claim.beneficiary else None,
                          prior=_prior(uow, str(claim.id), settling=True, approved=claim.status != "submitted"),
                          months_held=_months_held(uow, str(claim.id)),
                          beneficiary_birth=self._birth({"id": self.pii.open(claim.beneficiary["sealed"])}
                                                        if claim.beneficiary else None))
            decision = decide(program.code, {**claim.facts, **later}, rules, ctx)
            _adjust_caps(uow, claim, decision)
            approved, released, overpaid = claim.facts_outcome(decision.entitled_fen)
            on = self.today()
            if released:
                fund = uow.get(Fund, fund_aggregate_id(claim.fund_code), "fund")
                fund.release(str(claim.id), claim.program, released, on, "settlement facts lowered the entitlement",
                             actor.user_id)
            clawback = None
            if overpaid:
                clawback = {"clawback_id": str(uuid4()), "amount_fen": overpaid,
                            "reason": "paid above the entitlement on the settlement facts"}
            claim.record_facts(facts=later, entitled_fen=decision.entitled_fen,
                               settlement_ready=decision.settlement_ready, explanation=decision.explanation,
                               approved_fen=approved, released_fen=released, clawback=clawback,
                               actor=actor.user_id, on=on)
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]

    # Money ------------------------------------------------------------------------------
    @command
    def pay(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
            idem: Idem | None = None) -> Outcome:
        actor.require_role("treasurer")
        amount_fen = parse_money(request.get("amount"))
        kind = request.get("kind")
        if kind not in PAYMENT_KINDS:
            raise ValidationFailed("kind must be prepayment or settlement", field="kind")
        payment_ref = require_text(request.get("payment_ref"), field="payment_ref")
        dates = self.business_dates(request)
        paid_on = dates.take("paid_on", default_today=True)

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_payment(amount_fen, kind, payment_ref, actor.user_id)
            if paid_on < claim.approved_on:
                raise ValidationFailed("paid_on is before the approval", field="paid_on")
            claim.check_notice_allows_payment(paid_on, dates.today)
            watches = PartyWatches(uow, _parties(claim))
            watches.refuse_payment(paid_on, dates.today)
            ref_key = f"payment_ref:{claim.fund_code}:{payment_ref}"
            ref_limit = uow.find(ClaimLimit, limit_aggregate_id(ref_key))
            label = f"payment_ref {payment_ref} in fund {claim.fund_code}"
            if ref_limit is not None:
                ref_limit.check_take(f"{claim.id}:{payment_ref}", label)
            fund = uow.get(Fund, fund_aggregate_id(claim.fund_code), "fund")
            fund.disburse(str(claim.id), claim.program, payment_ref, kind, amount_fen, paid_on, actor.user_id,
                          backdate=dates.backdate)
            claim.pay(payment_ref=payment_ref, kind=kind, amount_fen=amount_fen, paid_on=paid_on, actor=actor.user_id,
                      backdate=dates.backdate)
            if ref_limit is None:
                ref_limit = uow.add(ClaimLimit(id=limit_aggregate_id(ref_key), key=ref_key, limit=1, kind="once"))
            ref_limit.take(f"{claim.id}:{payment_ref}")
            watches.note_payment(str(claim.id), payment_ref, paid_on)
            return Outcome(True, {"payment_ref": payment_ref, **claim_view(claim)})

        def expect(peek):
            try:
                claim = peek(parse_uuid(claim_id, "claim"))
            except NotFound:
                return ()  # the command itself answers the bad id
            fund_code = getattr(claim, "fund_code", None)
            if not fund_code:
                return ()
            return limit_aggregate_id(f"payment_ref:{fund_code}:{payment_ref}"), *watch_ids(_parties(claim))

        return self._run(actor.user_id, idem, command, expect)[0]

    @command
    def return_payment(self, actor: Actor, claim_id: str, payment_ref: str, request: dict, *,
                       if_match: int | None = None, idem: Idem | None = None) -> Outcome:
        actor.require_role("treasurer")
        reason = require_text(request.get("reason"), field="reason")
        dates = self.business_dates(request)
        returned_on = dates.take("returned_on", default_today=True)

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            amount_fen = claim.check_return(payment_ref)
            if returned_on < claim.payment(payment_ref)["paid_on"]:
                raise ValidationFailed("returned_on is before the payment", field="returned_on")
            fund = uow.get(Fund, fund_aggregate_id(claim.fund_code), "fund")
            fund.payment_returned(claim_id=str(claim.id), program=claim.program, payment_ref=payment_ref,
                                  amount_fen=amount_fen, returned_on=returned_on, reason=reason, actor=actor.user_id,
                                  backdate=dates.backdate)
            claim.return_payment(payment_ref=payment_ref, amount_fen=amount_fen, reason=reason,
                                 returned_on=returned_on, actor=actor.user_id, backdate=dates.backdate)
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]

    @command
    def close(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
              idem: Idem | None = None) -> Outcome:
        actor.require_role("reviewer")
        reason = require_text(request.get("reason"), field="reason")

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_close()
            self.close_claim(uow, claim, reason, actor.user_id, self.today())
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]

    def close_claim(self, uow, claim: Claim, reason: str, actor_id: str, on: dt.date, *,
                    keep_keys: bool = False) -> None:
        """Close a claim (checked by Claim.check_close, or an upheld objection): what is still
        reserved goes back to the fund in the same transaction; closed unpaid, it no longer
        counts for limits, unless an upheld objection closed it (`keep_keys`, F14)."""
        released = claim.reserved_fen
        if released:
            fund = uow.get(Fund, fund_aggregate_id(claim.fund_code), "fund")
            fund.release(str(claim.id), claim.program, released, on, reason, actor_id)
        claim.close(reason=reason, released_fen=released, actor=actor_id, on=on)
        if claim.paid_fen == 0 and not keep_keys:
            self._free_limits(uow, claim, "closed unpaid")

    @command
    def demand_clawback(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
                        idem: Idem | None = None) -> Outcome:
        actor.require_role("reviewer")
        amount_fen = parse_money(request.get("amount"))
        reason = require_text(request.get("reason"), field="reason")
        clawback_id = str(uuid4())

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_clawback(amount_fen)
            claim.demand_clawback(clawback_id=clawback_id, amount_fen=amount_fen, reason=reason, actor=actor.user_id)
            return Outcome(True, {"clawback_id": clawback_id, **claim_view(claim)})

        return self._run(actor.user_id, idem, command)[0]

    @command
    def confirm_clawback(self, actor: Actor, claim_id: str, clawback_id: str, *, if_match: int | None = None,
                         idem: Idem | None = None) -> Outcome:
        actor.require_role("reviewer")

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_confirm(clawback_id, actor.user_id)
            claim.confirm_clawback(clawback_id=clawback_id, actor=actor.user_id)
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]

    @command
    def recover(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
                idem: Idem | None = None) -> Outcome:
        actor.require_role("treasurer")
        amount_fen = parse_money(request.get("amount"))
        reference = require_text(request.get("reference"), field="reference")
        dates = self.business_dates(request)
        received_on = dates.take("received_on", default_today=True)
        recovery_id = str(uuid4())

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_recovery(amount_fen)
            fund = uow.get(Fund, fund_aggregate_id(claim.fund_code), "fund")
            fund.recover(claim_id=str(claim.id), program=claim.program, recovery_id=recovery_id, reference=reference,
                         amount_fen=amount_fen, received_on=received_on, actor=actor.user_id, backdate=dates.backdate)
            allocation = claim.recovery_allocation(amount_fen)
            claim.recover(recovery_id=recovery_id, amount_fen=amount_fen, reference=reference,
                          received_on=received_on, actor=actor.user_id, allocation=allocation,
                          backdate=dates.backdate)
            _release_months(uow, claim, [c for c, _ in allocation], f"clawback recovered ({reference})")
            return Outcome(True, {"recovery_id": recovery_id, **claim_view(claim)})

        return self._run(actor.user_id, idem, command)[0]

    # Reads ------------------------------------------------------------------------------
    def claim(self, actor: Actor, claim_id: str, *, version: int | None = None) -> Claim:
        actor.require_role(*READ_CLAIMS)
        claim = self.load(Claim, parse_uuid(claim_id, "claim"), f"claim {claim_id}")
        actor.require_region(claim.region)
        if version is not None:
            claim = self.app.repository.get(claim.id, version=version)
        return claim

    # Helpers ----------------------------------------------------------------------------
    def _claim(self, uow, actor: Actor, claim_id: str, if_match: int | None) -> Claim:
        claim = uow.get(Claim, parse_uuid(claim_id, "claim"), f"claim {claim_id}")
        actor.require_region(claim.region)
        self.check_version(claim, if_match)
        return claim

    @staticmethod
    def _free_limits(uow, claim: Claim, reason: str) -> None:
        """Rejected, withdrawn and closed-unpaid claims do not count: their once-only keys,
        count limits and caps are free again."""
        for key in claim.limit_keys:
            limit = uow.find(ClaimLimit, limit_aggregate_id(key))
            if limit is not None and str(claim.id) in limit.holders:
                limit.free(claim_id=str(claim.id), reason=reason)
        for key in claim.cap_keys:
            cap = uow.find(ClaimCap, cap_aggregate_id(key))
            if cap is not None and str(claim.id) in cap.taken:
                cap.free(claim_id=str(claim.id), reason=reason)
        for key in claim.month_keys:
            months = uow.find(PersonMonths, person_months_aggregate_id(key))
            if months is not None and str(claim.id) in months.held:
                months.free(claim_id=str(claim.id), reason=reason)


def _parties(claim: Claim) -> dict[str, str]:
    return claim_parties(claim.applicant["ref"], claim.beneficiary["ref"] if claim.beneficiary else None)


def _publicity_days(uow, claim: Claim) -> int:
    """Days of public notice (公示) after approval: the program's `publicity_days` for the
    claim's region on its application date, as the claim was decided under it (the rule
    version kept at submission). Rule versions kept before the parameter existed have
    none: no notice."""
    record = uow.find(RuleVersionRecord, rule_version_aggregate_id(claim.rule_version))
    return (record.values.get("publicity_days") if record is not None else None) or 0


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationFailed(f"{field} is required", field=field)
    return value


def _prior(uow, claim_id: str, *, settling: bool = False, approved: bool = False):
    """What other claims took of each cap, as the rules ask (policy/programs: Context.prior);
    for a claim settling, that it is (never refused for a cap), and for an approved one what
    it holds itself (it never takes more)."""
    def prior(key: str) -> Prior:
        cap = uow.find(ClaimCap, cap_aggregate_id(key))
        if cap is None:
            return NO_PRIOR
        used, claims = cap.used_by_others(claim_id)
        return Prior(used, claims, settling, cap.taken.get(claim_id) if approved else None, cap.tags_of_others(claim_id))
    return prior


def _release_months(uow, claim: Claim, clawback_ids: list[str], reason: str) -> None:
    """Clawbacks release months (DOMAIN.md F14): a demand now recovered in full gives back
    ⌊its amount / the claim's amount per month⌋ of the months the claim holds, the last first,
    from its person-months and its caps in months, so a corrected claim may take them. Not
    for a claim an upheld objection closed: it keeps what it took."""
    if claim.upheld or not claim.month_keys:
        return
    for clawback_id in clawback_ids:
        demand = claim.clawback(clawback_id)
        if demand["recovered_fen"] < demand["amount_fen"]:
            continue
        for key in claim.month_keys:
            months = uow.find(PersonMonths, person_months_aggregate_id(key))
            held = months.held.get(str(claim.id)) if months is not None else None
            if not held or held["month_fen"] <= 0:
                continue
            released = months.months_to_release(str(claim.id), demand["amount_fen"] // held["month_fen"])
            if not released:
                continue
            months.release(claim_id=str(claim.id), months=released, reason=reason)
            for cap_key in claim.cap_keys:
                cap = uow.find(ClaimCap, cap_aggregate_id(cap_key))
                taken = cap.taken.get(str(claim.id)) if cap is not None and cap.unit == "months" else None
                if taken is not None:
                    cap.adjust(claim_id=str(claim.id), units=max(0, taken - len(released)), reason=reason)


def _months_held(uow, claim_id: str):
    """The months other claims hold of each person-month key, as the rules ask (Context.months_held)."""
    def held(key: str) -> dict[str, str]:
        months = uow.find(PersonMonths, person_months_aggregate_id(key))
        return months.held_by_others(claim_id) if months is not None else {}
    return held


def _checked_months(uow, use: MonthUse, claim_id: str) -> PersonMonths | None:
    held = uow.find(PersonMonths, person_months_aggregate_id(use.key))
    if held is not None:
        held.check_take(claim_id, list(use.months), "one subsidy per person-month")
    return held


def _checked_limit(uow, limit: LimitKey, claim_id: str) -> ClaimLimit | None:
    """The limit's aggregate (None if no claim took it yet), after checking that this claim
    may take it under the limit in force on its own application date."""
    held = uow.find(ClaimLimit, limit_aggregate_id(limit.key))
    if held is not None:
        held.check_take(claim_id, limit.label, limit.limit)
    elif limit.limit < 1:
        raise (Duplicate if limit.kind == "once" else LimitExceeded)(
            f"limit of {limit.limit} reached: {limit.label}")
    for key in limit.legacy:  # the same key as claims stored before the normal form took it
        old = uow.find(ClaimLimit, limit_aggregate_id(key))
        if old is not None:
            old.check_take(claim_id, limit.label, limit.limit)
    return held


def _checked_cap(uow, cap: CapUse, claim_id: str) -> ClaimCap | None:
    held = uow.find(ClaimCap, cap_aggregate_id(cap.key))
    if held is not None:
        held.check_take(claim_id, cap.units, cap.cap, cap.label, tag=cap.tag, per_tag=cap.per_tag)
    return held


def _adjust_caps(uow, claim: Claim, decision, reason: str = "settlement facts") -> None:
    """Settlement facts change what a claim holds of each cap to what it now counts: lowered,
    it gives back what it no longer uses; a submitted claim's corrected facts may take more
    of what remains (an approved claim never counts more than it held)."""
    for cap in decision.caps:
        if cap.key not in claim.cap_keys:
            continue
        held = uow.find(ClaimCap, cap_aggregate_id(cap.key))
        taken = held.taken.get(str(claim.id)) if held is not None else None
        if taken is not None and cap.units != taken:
            held.check_take(str(claim.id), cap.units, cap.cap, cap.label, tag=cap.tag, per_tag=cap.per_tag)
            held.adjust(claim_id=str(claim.id), units=cap.units, reason=reason)
