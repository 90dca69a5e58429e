"""Closing a fund's month, and reopening it with two people (API.md, "Period close in the
writer"). The close's evidence is decided in the writer against the fund's own events
(ledger/domain/periods.py), in the transaction that records the close."""
from __future__ import annotations

from uuid import UUID, uuid4

from ..access import Actor
from ..domain.bank import BankAccount, bank_account_id, bank_match_id
from ..domain.fund import Fund, parse_fund_code
from ..domain.ids import fund_aggregate_id
from ..domain.periods import MOVEMENTS, MonthTally, parse_month, require_ended
from ..errors import Forbidden, InvalidState
from .core import PAGE, Idem, LedgerCore, Outcome, command, require_text

MOVEMENT_TOPICS = frozenset(f"{Fund.__module__}:{Fund.__qualname__}.{name}" for name in MOVEMENTS)
# Who may confirm another treasurer's reopen request.
CONFIRMERS = ("treasurer", "admin")


class PeriodCommands(LedgerCore):
    @command
    def close_period(self, actor: Actor, code: str, month: str, request: dict, *,
                     idem: Idem | None = None) -> Outcome:
        """Close a month of a fund that has ended: entries dated in it are refused from then
        on. The evidence (ties out, unmatched items) is computed here, in the writer, and
        recorded with the close; without it the close needs an `override_reason`."""
        actor.require_role("treasurer")
        _, region = parse_fund_code(code)
        actor.require_region(region)
        month = parse_month(month)
        override_reason = require_text(request.get("override_reason"), field="override_reason", optional=True)
        require_ended(month, self.today())  # before reading the fund; again as the close is recorded
        fund_id = fund_aggregate_id(code)
        # The fund's events as stored now, added up outside the writer (they never change);
        # the writer adds those recorded since, so the evidence covers every event of the
        # fund up to the version the close is recorded at.
        stored = self._tally(fund_id, MonthTally(month))

        def in_writer(uow):
            require_ended(month, self.today())  # today as the close is recorded
            fund = uow.get(Fund, fund_id, f"fund {code}")
            if month in fund.closed_months:
                raise InvalidState(f"{month} is already closed for fund {code}")
            committed = fund.version - len(fund.pending_events)
            tally = self._tally(fund_id, stored.copy() if stored.version <= committed else MonthTally(month),
                                upto=committed)
            for event in fund.pending_events:
                tally.add(event)
            account = uow.find(BankAccount, bank_account_id(code))

            def matched(item_keys: list[str]) -> set[str]:
                ids = {bank_match_id(code, key): key for key in item_keys}
                return {ids[i] for i in uow.existing(list(ids))}

            evidence = tally.evidence(matched, account.unmatched_in(month) if account is not None else 0)
            fund.check_close_period(month, evidence, override_reason)
            fund.close_period(month=month, evidence=evidence, override_reason=override_reason, actor=actor.user_id)
            return Outcome(True, {"fund_id": code, "month": month, "closed": True, "override_reason": override_reason,
                                  "evidence": evidence, "closed_months": sorted(fund.closed_months)})

        return self._run(actor.user_id, idem, in_writer)[0]

    @command
    def propose_reopen(self, actor: Actor, code: str, month: str, request: dict, *,
                       idem: Idem | None = None) -> Outcome:
        """A treasurer asks to reopen a closed month, citing a reason and a document; the month
        stays closed until another treasurer or an admin confirms."""
        actor.require_role("treasurer")
        _, region = parse_fund_code(code)
        actor.require_region(region)
        month = parse_month(month)
        reason = require_text(request.get("reason"), field="reason")
        document_no = require_text(request.get("document_no"), field="document_no")
        change_id = str(uuid4())

        def in_writer(uow):
            fund = uow.get(Fund, fund_aggregate_id(code), f"fund {code}")
            fund.check_propose_reopen(month)
            fund.propose_reopen(change_id=change_id, month=month, reason=reason, document_no=document_no,
                                actor=actor.user_id)
            return Outcome(True, {"change_id": change_id, "fund_id": code, "month": month, "status": "proposed",
                                  "reason": reason, "document_no": document_no, "proposed_by": actor.user_id})

        return self._run(actor.user_id, idem, in_writer)[0]

    @command
    def confirm_reopen(self, actor: Actor, code: str, month: str, change_id: str, *,
                       idem: Idem | None = None) -> Outcome:
        """Another treasurer, or an admin, whose regions cover the fund, confirms a reopen
        request: the month is open again. The proposer cannot confirm its own request."""
        actor.require_role(*CONFIRMERS)
        _, region = parse_fund_code(code)
        actor.require_region(region)
        month = parse_month(month)

        def in_writer(uow):
            fund = uow.get(Fund, fund_aggregate_id(code), f"fund {code}")
            request = fund.reopen_request(change_id)
            if request["month"] != month:
                raise InvalidState(f"reopen request {change_id} is for {request['month']}, not {month}")
            if request["proposed_by"] == actor.user_id:
                raise Forbidden("a reopen request is confirmed by someone other than its proposer")
            fund.reopen(change_id=change_id, month=month, actor=actor.user_id)
            return Outcome(False, {"change_id": change_id, "fund_id": code, "month": month, "status": "reopened",
                                  "confirmed_by": actor.user_id, "closed_months": sorted(fund.closed_months)})

        return self._run(actor.user_id, idem, in_writer)[0]

    def _tally(self, fund_id: UUID, tally: MonthTally, upto: int | None = None) -> MonthTally:
        """`tally` with the fund's stored events after its version added, up to `upto` (None:
        all), page by page; only the events that move money are decoded."""
        version = tally.version
        while upto is None or version < upto:
            page = self.app.recorder.select_events(fund_id, gt=version or None, lte=upto, limit=PAGE)
            for stored in page:
                if stored.topic in MOVEMENT_TOPICS:
                    tally.add(self.app.mapper.to_domain_event(stored))
            if page:
                version = page[-1].originator_version
            if len(page) < PAGE:
                break
        tally.version = max(tally.version, version)
        return tally
