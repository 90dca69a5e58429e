"""Helpers for tests on the aggregates themselves (no store, no service)."""
from __future__ import annotations

import copy
import datetime as dt
from uuid import uuid4

import pytest

from ledger.domain.claim import Claim
from ledger.domain.fund import Fund
from ledger.domain.ids import fund_aggregate_id

CLERK, REVIEWER, REVIEWER2, TREASURER = "clerk-1", "reviewer-1", "reviewer-2", "treasurer-1"
APPLIED, APPROVED, PAID, LATER = dt.date(2022, 7, 15), dt.date(2022, 7, 16), dt.date(2022, 7, 20), dt.date(2022, 8, 1)


def new_fund(code: str = "employment_subsidy:210100", allocated_fen: int = 0) -> Fund:
    fund_type, region = code.split(":")
    fund = Fund(id=fund_aggregate_id(code), fund_code=code, fund_type=fund_type, region=region, name="test fund",
                actor=TREASURER)
    if allocated_fen:
        fund.allocate(allocation_id=str(uuid4()), amount_fen=allocated_fen, source="provincial",
                      document_no="辽财社〔2022〕1号", effective_date=dt.date(2022, 6, 10), memo=None, actor=TREASURER)
    return fund


def new_claim(*, entitled_fen: int = 345_000, prepay_share: str = "1/2", settlement_ready: bool = False,
              program: str = "internship", facts: dict | None = None) -> Claim:
    return Claim(id=uuid4(), program=program, region="210100",
                 applicant={"kind": "enterprise", "id": "91350100M000100Y43", "ref": "r-app", "name": "见习单位"},
                 beneficiary={"ref": "r-ben", "masked": "1101**********002X", "sealed": "s", "name": "李四"},
                 facts=facts if facts is not None else {"term_months": 3}, application_date=APPLIED,
                 rule_version="rv-test", entitled_fen=entitled_fen, prepay_share=prepay_share,
                 settlement_ready=settlement_ready, explanation=[], limit_keys=[], actor=CLERK)


def approved_claim(amount_fen: int | None = None, **kw) -> Claim:
    claim = new_claim(**kw)
    amount = claim.approval_amount(amount_fen, REVIEWER)
    claim.approve(fund_code="employment_subsidy:210100", amount_fen=amount, approved_on=APPROVED, actor=REVIEWER)
    return claim


def pay(claim: Claim, amount_fen: int, kind: str = "settlement", ref: str | None = None) -> str:
    ref = ref or f"P-{uuid4().hex[:8]}"
    claim.check_payment(amount_fen, kind, ref, TREASURER)
    claim.pay(payment_ref=ref, kind=kind, amount_fen=amount_fen, paid_on=PAID, actor=TREASURER)
    return ref


def _state(aggregate) -> dict:
    return copy.deepcopy({k: v for k, v in vars(aggregate).items() if k != "_pending_events"})


def assert_refused(aggregate, error: type[Exception], fn, *args, match: str | None = None, **kwargs):
    """`fn` raises `error` and leaves the aggregate exactly as it was: no event, same version."""
    pending = list(aggregate.pending_events)
    version = aggregate.version
    state = _state(aggregate)
    with pytest.raises(error, match=match) as info:
        fn(*args, **kwargs)
    assert aggregate.pending_events == pending
    assert aggregate.version == version
    assert _state(aggregate) == state
    return info.value


def event_names(aggregate) -> list[str]:
    return [type(e).__name__ for e in aggregate.pending_events]
