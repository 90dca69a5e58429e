"""Period close in the ledger (API.md, "Period close in the writer"): only a month that has
ended closes; a closed month refuses every entry dated in it, on that fund only; the
evidence (ties out, unmatched items) is decided in the writer from the fund's own events,
and without it a close needs an override reason, which is recorded; a reopen takes a
treasurer's proposal and another treasurer's or an admin's confirmation."""
from __future__ import annotations

import datetime as dt

import pytest

from ledger.access import Actor
from ledger.errors import Forbidden, InvalidState, NotFound, PeriodClosed, ValidationFailed
from runtime.container import Runtime

from .support import job_expansion_claim

T = Actor("t", "treasurer", frozenset({"treasurer"}), ("210000",))
T2 = Actor("t2", "second treasurer", frozenset({"treasurer"}), ("210100",))
DALIAN_T = Actor("t-dl", "Dalian treasurer", frozenset({"treasurer"}), ("210200",))
ADMIN = Actor("a", "admin", frozenset({"admin"}), ("210000",))
C = Actor("c", "clerk", frozenset({"clerk"}), ("210000",))
R = Actor("r", "reviewer", frozenset({"reviewer"}), ("210000",))
FUND = "unemployment_insurance:210100"
PROVINCE = "unemployment_insurance:210000"
TODAY = dt.date(2022, 8, 10)  # July has ended, August has not; every date below is within 30 days
OVERRIDE = {"override_reason": "bank statement arrives late"}


def alloc(day: str) -> dict:
    return {"amount": "10000.00", "source": "central", "document_no": f"D-{day}", "effective_date": day}


def pay(rt, claim_id: str, ref: str, day: str = "2022-07-20"):
    return rt.ledger.pay(T, claim_id, {"amount": "1500.00", "kind": "settlement", "payment_ref": ref,
                                       "paid_on": day})


@pytest.fixture
def rt(settings, clock):
    clock.travel_to(TODAY)
    runtime = Runtime(settings)
    runtime.start(project=False)
    runtime.ledger.open_fund(T, {"fund_type": "unemployment_insurance", "region": "210100"})
    runtime.ledger.open_fund(T, {"fund_type": "unemployment_insurance", "region": "210000"})
    runtime.ledger.allocate(T, FUND, alloc("2022-07-11"))
    yield runtime
    runtime.close()


def approved_claim(rt, approved_on: str = "2022-07-16", application_date: str = "2022-07-15") -> str:
    cid = rt.ledger.submit_claim(C, job_expansion_claim(application_date=application_date)).body["claim_id"]
    rt.ledger.approve(R, cid, {"approved_on": approved_on})
    return cid


def test_back_dated_entries_into_a_closed_month_are_refused(rt):
    cid = approved_claim(rt)
    rt.ledger.close_period(T, FUND, "2022-07", {})
    with pytest.raises(PeriodClosed):
        rt.ledger.allocate(T, FUND, alloc("2022-07-31"))
    with pytest.raises(PeriodClosed):
        pay(rt, cid, "P1")
    second = rt.ledger.submit_claim(C, job_expansion_claim()).body["claim_id"]
    with pytest.raises(PeriodClosed):
        rt.ledger.approve(R, second, {"approved_on": "2022-07-20"})
    with pytest.raises(PeriodClosed):  # a transfer into the closed month, from the other side too
        rt.ledger.transfer(T, {"from_fund": "unemployment_insurance:210000", "to_fund": FUND, "amount": "1.00",
                               "document_no": "X", "effective_date": "2022-07-12"})
    # Corrections go into an open month; other funds and months are untouched.
    pay(rt, cid, "P1", "2022-08-01")
    rt.ledger.allocate(T, FUND, alloc("2022-08-01"))
    rt.ledger.allocate(T, "unemployment_insurance:210000", alloc("2022-07-31"))
    assert rt.ledger.claim(R, cid).status == "paid"


@pytest.mark.parametrize("month", ["2022-08", "2022-09", "2099-12", "2023-01"])
def test_only_a_month_that_has_ended_closes(rt, month):
    with pytest.raises(ValidationFailed, match="has not ended") as refused:
        rt.ledger.close_period(T, FUND, month, OVERRIDE)
    assert refused.value.field == "month"
    # So no treasurer can block today's approvals and allocations by closing the month ahead.
    rt.ledger.allocate(T, FUND, alloc(TODAY.isoformat()))
    approved_claim(rt, approved_on=TODAY.isoformat())


def test_the_month_ends_by_the_ledgers_clock(rt, clock):
    with pytest.raises(ValidationFailed):
        rt.ledger.close_period(T, FUND, "2022-08", {})
    clock.travel_to(dt.date(2022, 9, 1))
    assert rt.ledger.close_period(T, FUND, "2022-08", {}).body["closed_months"] == ["2022-08"]


@pytest.mark.parametrize("month", ["2022-13", "2022-7", "1999-12", "2100-01", "", "2022-07-01"])
def test_a_month_must_be_written_yyyy_mm(rt, month):
    with pytest.raises(ValidationFailed):
        rt.ledger.close_period(T, FUND, month, OVERRIDE)


def test_a_payment_of_the_month_counts_in_the_evidence_from_the_funds_own_events(rt):
    cid = approved_claim(rt)
    pay(rt, cid, "P-JULY")
    # No read model is consulted (the runtime projects nothing): the writer found the payment.
    with pytest.raises(InvalidState, match="1 reconciliation item"):
        rt.ledger.close_period(T, FUND, "2022-07", {})
    body = rt.ledger.close_period(T, FUND, "2022-07", OVERRIDE).body
    evidence = body["evidence"]
    assert evidence["items"] == 1 and evidence["unmatched_in_ledger"] == 1 and evidence["matched"] == 0
    assert evidence["ties_out"] is True and evidence["unmatched_in_bank"] == 0
    events = [rt.app.mapper.to_domain_event(n) for n in rt.ledger.stored_events()]
    closed = [e for e in events if type(e).__name__ == "PeriodClosed"]
    assert len(closed) == 1 and closed[0].override_reason == OVERRIDE["override_reason"] and closed[0].actor == "t"
    assert closed[0].evidence == evidence
    with pytest.raises(InvalidState, match="already closed"):
        rt.ledger.close_period(T, FUND, "2022-07", OVERRIDE)


def test_a_matched_payment_and_an_unmatched_bank_line_in_the_evidence(rt):
    cid = approved_claim(rt)
    pay(rt, cid, "P-MATCHED")
    csv = ("date,amount,direction,reference\n2022-07-20,1500.00,debit,P-MATCHED\n"
           "2022-07-21,99.00,debit,NOT-IN-LEDGER\n2022-08-02,5.00,debit,AUGUST\n")
    rt.ledger.import_statement(T, {"fund_id": FUND, "csv": csv})
    with pytest.raises(InvalidState, match="1 reconciliation item"):
        rt.ledger.close_period(T, FUND, "2022-07", {})
    evidence = rt.ledger.close_period(T, FUND, "2022-07", OVERRIDE).body["evidence"]
    assert (evidence["matched"], evidence["unmatched_in_ledger"], evidence["unmatched_in_bank"]) == (1, 0, 1)


def test_a_month_that_does_not_tie_out_needs_an_override(rt, clock):
    # Money reserved in July out of an allocation dated in August: July's closing balance is
    # below zero on its business dates.
    rt.ledger.allocate(T, PROVINCE, alloc("2022-08-01"))
    cid = rt.ledger.submit_claim(C, job_expansion_claim()).body["claim_id"]
    rt.ledger.approve(R, cid, {"approved_on": "2022-07-16", "fund_id": PROVINCE})
    with pytest.raises(InvalidState, match="does not tie out"):
        rt.ledger.close_period(T, PROVINCE, "2022-07", {})
    evidence = rt.ledger.close_period(T, PROVINCE, "2022-07", OVERRIDE).body["evidence"]
    assert evidence["ties_out"] is False and evidence["closing_available"] == "-1500.00"
    # August ties out: the allocation came.
    clock.travel_to(dt.date(2022, 9, 1))
    assert rt.ledger.close_period(T, PROVINCE, "2022-08", {}).body["evidence"]["ties_out"]


def test_a_reopen_takes_two_people(rt):
    rt.ledger.close_period(T, FUND, "2022-07", {})
    with pytest.raises(Forbidden):
        rt.ledger.propose_reopen(C, FUND, "2022-07", {"reason": "补记", "document_no": "沈财1"})
    with pytest.raises(Forbidden):
        rt.ledger.propose_reopen(DALIAN_T, FUND, "2022-07", {"reason": "补记", "document_no": "沈财1"})
    with pytest.raises(ValidationFailed):
        rt.ledger.propose_reopen(T, FUND, "2022-07", {"reason": "补记"})
    with pytest.raises(InvalidState, match="not closed"):
        rt.ledger.propose_reopen(T, FUND, "2022-06", {"reason": "补记", "document_no": "沈财1"})
    change = rt.ledger.propose_reopen(T, FUND, "2022-07", {"reason": "漏记一笔拨款", "document_no": "沈财〔2022〕9号"})
    change_id = change.body["change_id"]
    assert change.body["status"] == "proposed"
    with pytest.raises(PeriodClosed):  # still closed until confirmed
        rt.ledger.allocate(T, FUND, alloc("2022-07-31"))
    with pytest.raises(Forbidden):  # the proposer alone cannot
        rt.ledger.confirm_reopen(T, FUND, "2022-07", change_id)
    with pytest.raises(Forbidden):  # nor a role that does not confirm
        rt.ledger.confirm_reopen(R, FUND, "2022-07", change_id)
    with pytest.raises(Forbidden):  # nor a treasurer of another region
        rt.ledger.confirm_reopen(DALIAN_T, FUND, "2022-07", change_id)
    with pytest.raises(NotFound):
        rt.ledger.confirm_reopen(T2, FUND, "2022-07", "00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidState):
        rt.ledger.confirm_reopen(T2, FUND, "2022-06", change_id)
    done = rt.ledger.confirm_reopen(T2, FUND, "2022-07", change_id).body
    assert done["status"] == "reopened" and done["confirmed_by"] == "t2" and done["closed_months"] == []
    rt.ledger.allocate(T, FUND, alloc("2022-07-31"))
    with pytest.raises(NotFound):  # settled
        rt.ledger.confirm_reopen(ADMIN, FUND, "2022-07", change_id)
    # Closed again, on evidence that now holds the July allocation; an admin confirms.
    rt.ledger.close_period(T, FUND, "2022-07", {})
    again = rt.ledger.propose_reopen(T2, FUND, "2022-07", {"reason": "再次更正", "document_no": "沈财10"}).body
    assert rt.ledger.confirm_reopen(ADMIN, FUND, "2022-07", again["change_id"]).body["status"] == "reopened"
    kinds = [type(rt.app.mapper.to_domain_event(n)).__name__ for n in rt.ledger.stored_events()]
    assert [k for k in kinds if k.startswith("Period")] == [
        "PeriodClosed", "PeriodReopenProposed", "PeriodReopened", "PeriodClosed", "PeriodReopenProposed",
        "PeriodReopened"]


def test_refused_closes_and_reopens_leave_no_trace(rt):
    before = rt.ledger.head_position()
    for call in (lambda: rt.ledger.close_period(T, FUND, "2099-12", OVERRIDE),
                 lambda: rt.ledger.close_period(C, FUND, "2022-07", OVERRIDE),
                 lambda: rt.ledger.propose_reopen(T, FUND, "2022-07", {"reason": "x", "document_no": "y"})):
        with pytest.raises((ValidationFailed, Forbidden, InvalidState)):
            call()
    assert rt.ledger.head_position() == before
