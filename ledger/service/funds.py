"""Opening funds, allocations and transfers."""
from __future__ import annotations

import re
from uuid import uuid4

from ..access import Actor
from ..domain.fund import ALLOCATION_SOURCES, FUND_TYPES, Fund, fund_code, parse_fund_code
from ..domain.ids import fund_aggregate_id
from ..errors import Duplicate, ValidationFailed
from ..limits import MONTH_PATTERN
from ..money import parse_money
from ..regions import is_ancestor, validate_region
from ..views import fund_view
from .core import Idem, LedgerCore, Outcome, command, parse_date, require_text
from .later import then


class FundCommands(LedgerCore):
    @command
    def open_fund(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("treasurer")
        fund_type = request.get("fund_type")
        if fund_type not in FUND_TYPES:
            raise ValidationFailed(f"fund_type must be one of {', '.join(FUND_TYPES)}", field="fund_type")
        region = validate_region(request.get("region"))
        actor.require_region(region)
        name = require_text(request.get("name"), field="name", optional=True) or f"{FUND_TYPES[fund_type]} {region}"
        code = fund_code(fund_type, region)

        def command(uow):
            if uow.find(Fund, fund_aggregate_id(code)) is not None:
                raise Duplicate(f"fund {code} already exists")
            fund = uow.add(Fund(id=fund_aggregate_id(code), fund_code=code, fund_type=fund_type, region=region,
                                name=name, actor=actor.user_id))
            return Outcome(True, fund_view(fund))

        return then(self._run(actor.user_id, idem, command), lambda done: self._with_position(*done))

    @command
    def allocate(self, actor: Actor, code: str, request: dict, *, idem: Idem | None = None,
                 if_match: int | None = None) -> Outcome:
        actor.require_role("treasurer")
        _, region = parse_fund_code(code)
        actor.require_region(region)
        amount_fen = parse_money(request.get("amount"))
        source = request.get("source")
        if source not in ALLOCATION_SOURCES:
            raise ValidationFailed(f"source must be one of {', '.join(ALLOCATION_SOURCES)}", field="source")
        document_no = require_text(request.get("document_no"), field="document_no")
        effective_date = parse_date(request.get("effective_date"), field="effective_date")
        memo = require_text(request.get("memo"), field="memo", optional=True)
        allocation_id = str(uuid4())

        def command(uow):
            fund = uow.get(Fund, fund_aggregate_id(code), f"fund {code}")
            self.check_version(fund, if_match)
            fund.allocate(allocation_id=allocation_id, amount_fen=amount_fen, source=source, document_no=document_no,
                          effective_date=effective_date, memo=memo, actor=actor.user_id)
            return Outcome(True, {"allocation_id": allocation_id, "fund": fund_view(fund)})

        return then(self._run(actor.user_id, idem, command), lambda done: self._with_position(*done))

    @command
    def transfer(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("treasurer")
        from_code, to_code = request.get("from_fund"), request.get("to_fund")
        from_type, from_region = parse_fund_code(from_code, field="from_fund")
        to_type, to_region = parse_fund_code(to_code, field="to_fund")
        if from_type != to_type:
            raise ValidationFailed("a transfer stays within one fund type", field="to_fund")
        if not (is_ancestor(from_region, to_region) or is_ancestor(to_region, from_region)):
            raise ValidationFailed("one region of a transfer must be an ancestor of the other", field="to_fund")
        actor.require_region(from_region)
        amount_fen = parse_money(request.get("amount"))
        document_no = require_text(request.get("document_no"), field="document_no")
        effective_date = parse_date(request.get("effective_date"), field="effective_date")
        transfer_id = str(uuid4())

        def command(uow):
            source = uow.get(Fund, fund_aggregate_id(from_code), f"fund {from_code}")
            target = uow.get(Fund, fund_aggregate_id(to_code), f"fund {to_code}")
            target.check_transfer_in(amount_fen, effective_date)  # both sides checked before either records
            source.transfer_out(transfer_id, to_code, amount_fen, document_no, effective_date, actor.user_id)
            target.transfer_in(transfer_id=transfer_id, from_fund=from_code, amount_fen=amount_fen,
                               document_no=document_no, effective_date=effective_date, actor=actor.user_id)
            return Outcome(True, {"transfer_id": transfer_id, "from_fund": fund_view(source),
                                  "to_fund": fund_view(target)})

        return then(self._run(actor.user_id, idem, command), lambda done: self._with_position(*done))

    @command
    def close_period(self, actor: Actor, code: str, month: str, request: dict, evidence: dict, *,
                     idem: Idem | None = None) -> Outcome:
        """Close a month of a fund: entries dated in it are refused from then on. `evidence`
        is what the read side found for the month (the fund-usage report's tie-out and the
        reconciliation's unmatched counts); it is recorded with the close."""
        actor.require_role("treasurer")
        _, region = parse_fund_code(code)
        actor.require_region(region)
        if not re.fullmatch(MONTH_PATTERN, month or ""):
            raise ValidationFailed("the period must be a month YYYY-MM from 2000-01 to 2099-12", field="month")
        override_reason = require_text(request.get("override_reason"), field="override_reason", optional=True)

        def in_writer(uow):
            fund = uow.get(Fund, fund_aggregate_id(code), f"fund {code}")
            fund.check_close_period(month, evidence, override_reason)
            fund.close_period(month=month, evidence=evidence, override_reason=override_reason, actor=actor.user_id)
            return Outcome(True, {"fund_id": code, "month": month, "closed": True, "override_reason": override_reason,
                                  "evidence": evidence, "closed_months": list(fund.closed_months)})

        return self._run(actor.user_id, idem, in_writer)[0]

    @staticmethod
    def _with_position(outcome: Outcome, position: int | None) -> Outcome:
        """Fund views in a command's answer carry the log position of its commit."""
        body = dict(outcome.body)
        if position is not None:
            for key in ("fund", "from_fund", "to_fund"):
                if isinstance(body.get(key), dict):
                    body[key] = {**body[key], "position": position}
            if "balance" in body:
                body["position"] = position
        return Outcome(outcome.created, body)
