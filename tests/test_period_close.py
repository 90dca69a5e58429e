"""Period close in the ledger: a closed month refuses every entry dated in it, on that fund
only; closing needs the evidence to hold or an override reason, which is recorded."""
from __future__ import annotations

import pytest

from ledger.access import Actor
from ledger.errors import InvalidState, PeriodClosed, ValidationFailed
from runtime.container import Runtime

from .support import job_expansion_claim

T = Actor("t", "treasurer", frozenset({"treasurer"}), ("210000",))
C = Actor("c", "clerk", frozenset({"clerk"}), ("210000",))
R = Actor("r", "reviewer", frozenset({"reviewer"}), ("210000",))
FUND = "unemployment_insurance:210100"
GOOD = {"ties_out": True, "unmatched_in_ledger": 0, "unmatched_in_bank": 0}


def alloc(day: str) -> dict:
    return {"amount": "10000.00", "source": "central", "document_no": f"D-{day}", "effective_date": day}


@pytest.fixture
def rt(settings):
    runtime = Runtime(settings)
    runtime.start(project=False)
    runtime.ledger.open_fund(T, {"fund_type": "unemployment_insurance", "region": "210100"})
    runtime.ledger.open_fund(T, {"fund_type": "unemployment_insurance", "region": "210000"})
    runtime.ledger.allocate(T, FUND, alloc("2022-06-10"))
    yield runtime
    runtime.close()


def test_back_dated_entries_into_a_closed_month_are_refused(rt):
    cid = rt.ledger.submit_claim(C, job_expansion_claim()).body["claim_id"]
    rt.ledger.approve(R, cid, {"approved_on": "2022-07-16"})
    rt.ledger.close_period(T, FUND, "2022-07", {}, GOOD)
    with pytest.raises(PeriodClosed):
        rt.ledger.allocate(T, FUND, alloc("2022-07-31"))
    with pytest.raises(PeriodClosed):
        rt.ledger.pay(T, cid, {"amount": "1500.00", "kind": "settlement", "payment_ref": "P1", "paid_on": "2022-07-20"})
    second = rt.ledger.submit_claim(C, job_expansion_claim()).body["claim_id"]
    with pytest.raises(PeriodClosed):
        rt.ledger.approve(R, second, {"approved_on": "2022-07-20"})
    with pytest.raises(PeriodClosed):  # a transfer into the closed month, from the other side too
        rt.ledger.transfer(T, {"from_fund": "unemployment_insurance:210000", "to_fund": FUND, "amount": "1.00",
                               "document_no": "X", "effective_date": "2022-07-05"})
    # Corrections go into an open month; other funds and months are untouched.
    rt.ledger.pay(T, cid, {"amount": "1500.00", "kind": "settlement", "payment_ref": "P1", "paid_on": "2022-08-01"})
    rt.ledger.allocate(T, FUND, alloc("2022-08-01"))
    rt.ledger.allocate(T, "unemployment_insurance:210000", alloc("2022-07-31"))
    assert rt.ledger.claim(R, cid).status == "paid"


def test_closing_needs_the_evidence_or_an_override_that_is_recorded(rt):
    with pytest.raises(InvalidState, match="does not tie out"):
        rt.ledger.close_period(T, FUND, "2022-07", {}, {**GOOD, "ties_out": False})
    with pytest.raises(InvalidState, match="2 reconciliation item"):
        rt.ledger.close_period(T, FUND, "2022-07", {}, {**GOOD, "unmatched_in_bank": 2})
    body = rt.ledger.close_period(T, FUND, "2022-07", {"override_reason": "bank statement arrives late"},
                                  {**GOOD, "unmatched_in_bank": 2}).body
    assert body["override_reason"] == "bank statement arrives late" and body["evidence"]["unmatched_in_bank"] == 2
    events = [rt.app.mapper.to_domain_event(n) for n in rt.ledger.stored_events()]
    closed = [e for e in events if type(e).__name__ == "PeriodClosed"]
    assert len(closed) == 1 and closed[0].override_reason == "bank statement arrives late" and closed[0].actor == "t"
    with pytest.raises(InvalidState, match="already closed"):
        rt.ledger.close_period(T, FUND, "2022-07", {}, GOOD)
    with pytest.raises(ValidationFailed):
        rt.ledger.close_period(T, FUND, "2022-13", {}, GOOD)
