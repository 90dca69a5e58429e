"""A fund: one fund type in one region. Money enters by allocation or transfer, is
reserved by approvals, disbursed by payments, and comes back by returns and recoveries.
Invariant: available = allocated − reserved − disbursed + recovered, never below zero."""
from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from uuid import UUID

from ..errors import InsufficientFunds, InvalidState, LimitExceeded, NotFound, PeriodClosed, ValidationFailed
from ..limits import MAX_BALANCE_FEN
from ..money import format_money
from ..regions import validate_region
from .lean import Created, LeanAggregate, creation, event

FUND_TYPES = {
    "unemployment_insurance": "失业保险基金",
    "employment_subsidy": "就业补助资金",
    "skill_upgrade_account": "职业技能提升行动专账资金",
    "inclusive_finance": "普惠金融发展专项资金",
}
ALLOCATION_SOURCES = ("central", "provincial", "municipal", "county", "other")


def fund_code(fund_type: str, region: str) -> str:
    return f"{fund_type}:{region}"


def parse_fund_code(code: object, *, field: str = "fund_id") -> tuple[str, str]:
    if not isinstance(code, str) or code.count(":") != 1:
        raise ValidationFailed(f"{field} must look like 'employment_subsidy:210100'", field=field)
    fund_type, region = code.split(":")
    if fund_type not in FUND_TYPES:
        raise ValidationFailed(f"{field} names an unknown fund type {fund_type!r}", field=field)
    validate_region(region, field=field)
    return fund_type, region


class Fund(LeanAggregate):
    class Opened(Created):
        pass

    @creation(Opened)
    def __init__(self, id: UUID, fund_code: str, fund_type: str, region: str, name: str, actor: str):
        self.fund_code = fund_code
        self.fund_type = fund_type
        self.region = region
        self.name = name
        self.allocated_fen = 0
        self.reserved_fen = 0
        self.disbursed_fen = 0
        self.recovered_fen = 0

    @property
    def available_fen(self) -> int:
        return self.allocated_fen - self.reserved_fen - self.disbursed_fen + self.recovered_fen

    def _require_available(self, amount_fen: int, what: str) -> None:
        if amount_fen > self.available_fen:
            raise InsufficientFunds(
                f"{what} of {format_money(amount_fen)} exceeds the {format_money(self.available_fen)} "
                f"available in fund {self.fund_code}"
            )

    def _check_invariant(self) -> None:
        assert self.available_fen >= 0 and self.reserved_fen >= 0 and self.disbursed_fen >= 0, self.fund_code

    # The balance ceiling (API.md): no component beyond MAX_BALANCE_FEN, and no more money
    # received over the fund's life than that either, so that money moved in circles cannot
    # grow a fund's summed movements beyond what reports and read models can hold.
    # A class-level default: funds snapshotted before the ceiling load without it.
    received_fen = 0

    def _require_within_ceiling(self, what: str, **after_fen: int) -> None:
        for component, value in after_fen.items():
            if value > MAX_BALANCE_FEN:
                raise LimitExceeded(f"{what} would take the {component} of fund {self.fund_code} beyond the ceiling "
                                    f"of {format_money(MAX_BALANCE_FEN)}")

    # Closed periods ---------------------------------------------------------------------
    # A class-level default: funds snapshotted before periods could close load without one.
    closed_months: tuple[str, ...] = ()

    def require_open(self, business_date: dt.date) -> None:
        month = f"{business_date:%Y-%m}"
        if month in self.closed_months:
            raise PeriodClosed(f"{month} is closed for fund {self.fund_code}: date the entry in an open month")

    def check_close_period(self, month: str, evidence: dict, override_reason: str | None) -> None:
        if month in self.closed_months:
            raise InvalidState(f"{month} is already closed for fund {self.fund_code}")
        problems = []
        if not evidence.get("ties_out"):
            problems.append("the fund-usage report does not tie out")
        unmatched = evidence.get("unmatched_in_ledger", 0) + evidence.get("unmatched_in_bank", 0)
        if unmatched:
            problems.append(f"{unmatched} reconciliation item(s) are unmatched")
        if problems and not override_reason:
            raise InvalidState(f"{month} cannot close: {'; '.join(problems)} (or close with an override_reason)")

    @event("PeriodClosed")
    def close_period(self, month: str, evidence: dict, override_reason: str | None, actor: str) -> None:
        self.closed_months = (*self.closed_months, month)

    # Reopening takes two people: one treasurer proposes, another treasurer or an admin
    # confirms. Requests waiting for confirmation: change_id -> {"month", "proposed_by"}.
    # A class-level default (never changed in place): funds stored before reopening load.
    reopen_requests = MappingProxyType({})  # unannotated: not a dataclass field; replaced, never changed

    def check_propose_reopen(self, month: str) -> None:
        if month not in self.closed_months:
            raise InvalidState(f"{month} is not closed for fund {self.fund_code}")

    @event("PeriodReopenProposed")
    def propose_reopen(self, change_id: str, month: str, reason: str, document_no: str, actor: str) -> None:
        self.reopen_requests = {**self.reopen_requests, change_id: {"month": month, "proposed_by": actor}}

    def reopen_request(self, change_id: str) -> dict:
        request = self.reopen_requests.get(change_id)
        if request is None:
            raise NotFound(f"no reopen request {change_id} waits for confirmation in fund {self.fund_code}")
        return request

    @event("PeriodReopened")
    def reopen(self, change_id: str, month: str, actor: str) -> None:
        # Confirming one request reopens the month; the others for that month have nothing
        # left to do.
        self.closed_months = tuple(m for m in self.closed_months if m != month)
        self.reopen_requests = {k: v for k, v in self.reopen_requests.items() if v["month"] != month}

    # Money in ---------------------------------------------------------------------------
    def allocate(self, allocation_id: str, amount_fen: int, source: str, document_no: str,
                 effective_date: dt.date, memo: str | None, actor: str, backdate: dict | None = None) -> None:
        self.require_open(effective_date)
        self._require_within_ceiling("the allocation", allocated=self.allocated_fen + amount_fen,
                                     received=self.received_fen + amount_fen)
        self._allocated(allocation_id, amount_fen, source, document_no, effective_date, memo, actor, backdate)

    # `backdate` on a money event: the evidence for a business date beyond the backdating
    # window (ledger/service/dates.py); None by default, as on events stored before it.
    @event("Allocated")
    def _allocated(self, allocation_id: str, amount_fen: int, source: str, document_no: str,
                   effective_date: dt.date, memo: str | None, actor: str, backdate: dict | None = None) -> None:
        self.allocated_fen += amount_fen
        self.received_fen += amount_fen

    def transfer_out(self, transfer_id: str, to_fund: str, amount_fen: int, document_no: str,
                     effective_date: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.require_open(effective_date)
        self._require_available(amount_fen, "the transfer")
        self._transferred_out(transfer_id, to_fund, amount_fen, document_no, effective_date, actor, backdate)

    @event("TransferredOut")
    def _transferred_out(self, transfer_id: str, to_fund: str, amount_fen: int, document_no: str,
                         effective_date: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.allocated_fen -= amount_fen
        self._check_invariant()

    def check_transfer_in(self, amount_fen: int, effective_date: dt.date) -> None:
        """Whether this fund can take a transfer, checked before the other side records."""
        self.require_open(effective_date)
        self._require_within_ceiling("the transfer", allocated=self.allocated_fen + amount_fen,
                                     received=self.received_fen + amount_fen)

    def transfer_in(self, transfer_id: str, from_fund: str, amount_fen: int, document_no: str,
                    effective_date: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.check_transfer_in(amount_fen, effective_date)
        self._transferred_in(transfer_id, from_fund, amount_fen, document_no, effective_date, actor, backdate)

    @event("TransferredIn")
    def _transferred_in(self, transfer_id: str, from_fund: str, amount_fen: int, document_no: str,
                        effective_date: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.allocated_fen += amount_fen
        self.received_fen += amount_fen

    # Claims' money ----------------------------------------------------------------------
    def reserve(self, claim_id: str, program: str, amount_fen: int, approved_on: dt.date, actor: str,
                backdate: dict | None = None) -> None:
        self.require_open(approved_on)
        self._require_available(amount_fen, "the approval")
        self._require_within_ceiling("the approval", reserved=self.reserved_fen + amount_fen)
        self._reserved(claim_id, program, amount_fen, approved_on, actor, backdate)

    @event("Reserved")
    def _reserved(self, claim_id: str, program: str, amount_fen: int, approved_on: dt.date, actor: str,
                  backdate: dict | None = None) -> None:
        self.reserved_fen += amount_fen
        self._check_invariant()

    def release(self, claim_id: str, program: str, amount_fen: int, on: dt.date, reason: str, actor: str) -> None:
        self.require_open(on)
        if amount_fen > self.reserved_fen:
            raise InvalidState(f"fund {self.fund_code} holds only {format_money(self.reserved_fen)} in reserve")
        self._released(claim_id, program, amount_fen, on, reason, actor)

    @event("Released")
    def _released(self, claim_id: str, program: str, amount_fen: int, on: dt.date, reason: str, actor: str) -> None:
        self.reserved_fen -= amount_fen

    def disburse(self, claim_id: str, program: str, payment_ref: str, kind: str, amount_fen: int,
                 paid_on: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.require_open(paid_on)
        if amount_fen > self.reserved_fen:
            raise InvalidState(f"fund {self.fund_code} holds only {format_money(self.reserved_fen)} in reserve")
        self._require_within_ceiling("the payment", disbursed=self.disbursed_fen + amount_fen)
        self._disbursed(claim_id, program, payment_ref, kind, amount_fen, paid_on, actor, backdate)

    @event("Disbursed")
    def _disbursed(self, claim_id: str, program: str, payment_ref: str, kind: str, amount_fen: int,
                   paid_on: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.reserved_fen -= amount_fen
        self.disbursed_fen += amount_fen

    def payment_returned(self, claim_id: str, program: str, payment_ref: str, amount_fen: int,
                         returned_on: dt.date, reason: str, actor: str, backdate: dict | None = None) -> None:
        self.require_open(returned_on)
        self._require_within_ceiling("the returned payment", reserved=self.reserved_fen + amount_fen)
        self._payment_returned(claim_id, program, payment_ref, amount_fen, returned_on, reason, actor, backdate)

    @event("PaymentReturned")
    def _payment_returned(self, claim_id: str, program: str, payment_ref: str, amount_fen: int,
                          returned_on: dt.date, reason: str, actor: str, backdate: dict | None = None) -> None:
        # A bounced payment is owed to the payee still: it goes back into reserve.
        self.disbursed_fen -= amount_fen
        self.reserved_fen += amount_fen

    def recover(self, claim_id: str, program: str, recovery_id: str, reference: str, amount_fen: int,
                received_on: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.require_open(received_on)
        self._require_within_ceiling("the recovery", recovered=self.recovered_fen + amount_fen)
        self._recovered(claim_id, program, recovery_id, reference, amount_fen, received_on, actor, backdate)

    @event("Recovered")
    def _recovered(self, claim_id: str, program: str, recovery_id: str, reference: str, amount_fen: int,
                   received_on: dt.date, actor: str, backdate: dict | None = None) -> None:
        self.recovered_fen += amount_fen

    def balance(self) -> dict[str, str]:
        return balance_view(self.allocated_fen, self.reserved_fen, self.disbursed_fen, self.recovered_fen)


def balance_view(allocated_fen: int, reserved_fen: int, disbursed_fen: int, recovered_fen: int) -> dict[str, str]:
    """The contract's balance object; one definition for aggregates and read models."""
    return {
        "allocated": format_money(allocated_fen),
        "reserved": format_money(reserved_fen),
        "disbursed": format_money(disbursed_fen),
        "recovered": format_money(recovered_fen),
        "available": format_money(allocated_fen - reserved_fen - disbursed_fen + recovered_fen),
    }
