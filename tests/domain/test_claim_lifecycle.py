"""The Claim aggregate's lifecycle, transition by transition, with every refusal. A
refused command must leave the claim exactly as it was: no pending event, same version."""
from __future__ import annotations

import pytest

from ledger.domain.claim import CLAWBACK_CONFIRMATION_THRESHOLD_FEN, Claim
from ledger.errors import Duplicate, Forbidden, InvalidState, LimitExceeded, NotFound

from .aggregates import (CLERK, LATER, PAID, REVIEWER, REVIEWER2, TREASURER, approved_claim, assert_refused,
                         event_names, new_claim, pay)

# Province defaults: internship of 3 months = (1,000.00 + 150.00) × 3 = 3,450.00, half may be prepaid.
INTERNSHIP_3M = 345_000
BIG = 10_000_000  # 100,000.00: room for clawbacks above the confirmation threshold


def in_state(status: str) -> Claim:
    """A claim brought to `status` through the aggregate's own commands."""
    if status == "submitted":
        return new_claim()
    if status == "rejected":
        claim = new_claim()
        claim.check_can_end("reject")
        claim.reject(reason="not eligible", actor=REVIEWER)
        return claim
    if status == "withdrawn":
        claim = new_claim()
        claim.check_can_end("withdraw")
        claim.withdraw(reason="applicant withdrew", actor=CLERK)
        return claim
    if status == "approved":
        return approved_claim()
    if status == "prepaid":
        claim = approved_claim()
        pay(claim, 172_500, "prepayment")
        return claim
    if status == "paid":
        claim = approved_claim(settlement_ready=True)
        pay(claim, INTERNSHIP_3M)
        return claim
    if status == "closed":
        claim = approved_claim()
        claim.check_close()
        claim.close(reason="done", released_fen=claim.reserved_fen, actor=REVIEWER, on=LATER)
        return claim
    raise ValueError(status)


ALL = ("submitted", "rejected", "withdrawn", "approved", "prepaid", "paid", "closed")


def test_in_state_helper_reaches_each_status():
    for status in ALL:
        assert in_state(status).status == status


def assert_claim_balance(claim: Claim) -> None:
    """While approved or prepaid, what is approved is either reserved or paid."""
    if claim.status in ("approved", "prepaid"):
        assert claim.reserved_fen + claim.paid_fen == claim.approved_fen
    assert claim.reserved_fen >= 0
    assert claim.paid_fen - claim.clawback_demanded_fen <= claim.approved_fen
    assert claim.recovered_fen <= claim.clawback_demanded_fen


# Submission ---------------------------------------------------------------------------
def test_submission():
    claim = new_claim()
    assert claim.status == "submitted"
    assert event_names(claim) == ["Submitted"]
    assert claim.version == 1
    assert (claim.entitled_fen, claim.approved_fen, claim.reserved_fen, claim.paid_fen) == (INTERNSHIP_3M, 0, 0, 0)
    assert claim.submitted_by == CLERK


# Approval -----------------------------------------------------------------------------
def test_approval_of_the_entitlement_reserves_it():
    claim = new_claim()
    amount = claim.approval_amount(None, REVIEWER)
    assert amount == INTERNSHIP_3M
    claim.approve(fund_code="employment_subsidy:210100", amount_fen=amount, approved_on=LATER, actor=REVIEWER)
    assert claim.status == "approved"
    assert event_names(claim) == ["Submitted", "Approved"]
    assert (claim.approved_fen, claim.reserved_fen, claim.paid_fen) == (INTERNSHIP_3M, INTERNSHIP_3M, 0)
    assert claim.approved_by == REVIEWER and claim.fund_code == "employment_subsidy:210100"
    assert_claim_balance(claim)


def test_approval_of_less_than_the_entitlement():
    claim = approved_claim(100_000)
    assert claim.approved_fen == claim.reserved_fen == 100_000
    assert claim.entitled_fen == INTERNSHIP_3M


def test_maker_checker_submitter_may_not_approve():
    claim = new_claim()
    err = assert_refused(claim, Forbidden, claim.approval_amount, None, CLERK)
    assert err.code == "forbidden"


def test_approval_above_the_entitlement_is_refused():
    claim = new_claim()
    assert_refused(claim, LimitExceeded, claim.approval_amount, INTERNSHIP_3M + 1, REVIEWER)
    assert claim.approval_amount(INTERNSHIP_3M, REVIEWER) == INTERNSHIP_3M


def test_approval_of_a_claim_entitled_to_nothing_is_refused():
    claim = new_claim(entitled_fen=0)
    assert_refused(claim, InvalidState, claim.approval_amount, None, REVIEWER)


@pytest.mark.parametrize("status", [s for s in ALL if s != "submitted"])
def test_approval_in_the_wrong_state_is_refused(status):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.approval_amount, None, REVIEWER2)


# Rejection and withdrawal -------------------------------------------------------------
@pytest.mark.parametrize("outcome, actor, status", [("reject", REVIEWER, "rejected"), ("withdraw", CLERK, "withdrawn")])
def test_reject_and_withdraw_end_a_submitted_claim(outcome, actor, status):
    claim = new_claim()
    claim.check_can_end(outcome)
    getattr(claim, outcome)(reason="why", actor=actor)
    assert claim.status == status
    assert event_names(claim) == ["Submitted", {"reject": "Rejected", "withdraw": "Withdrawn"}[outcome]]


@pytest.mark.parametrize("outcome", ["reject", "withdraw"])
@pytest.mark.parametrize("status", [s for s in ALL if s != "submitted"])
def test_reject_and_withdraw_in_the_wrong_state_are_refused(status, outcome):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.check_can_end, outcome)


# Payments -----------------------------------------------------------------------------
def test_prepayment_makes_the_claim_prepaid():
    claim = approved_claim()
    pay(claim, 172_500, "prepayment", "P1")
    assert claim.status == "prepaid"
    assert event_names(claim)[-1] == "PaymentRecorded"
    assert (claim.paid_fen, claim.prepaid_fen, claim.reserved_fen) == (172_500, 172_500, 172_500)
    assert_claim_balance(claim)


def test_prepayments_in_parts_up_to_the_cap():
    claim = approved_claim()
    assert claim.prepay_cap_fen == 172_500
    pay(claim, 100_000, "prepayment")
    pay(claim, 72_500, "prepayment")
    assert claim.prepaid_fen == 172_500 and claim.status == "prepaid"
    assert_refused(claim, LimitExceeded, claim.check_payment, 1, "prepayment", "P9", TREASURER)
    assert_claim_balance(claim)


def test_prepayment_above_the_share_is_refused():
    claim = approved_claim()
    err = assert_refused(claim, LimitExceeded, claim.check_payment, 172_501, "prepayment", "P1", TREASURER)
    assert "1725.00" in err.detail


def test_prepayment_cap_follows_the_approved_amount_rounded_down():
    claim = approved_claim(100_001)  # ⌊1,000.01 × 1/2⌋ = 500.00
    assert claim.prepay_cap_fen == 50_000
    assert_refused(claim, LimitExceeded, claim.check_payment, 50_001, "prepayment", "P1", TREASURER)
    pay(claim, 50_000, "prepayment")


def test_prepayment_of_a_program_without_one_is_refused():
    claim = approved_claim(program="job_expansion", entitled_fen=150_000, prepay_share="0", settlement_ready=True,
                           facts={"graduation_year": 2022})
    err = assert_refused(claim, LimitExceeded, claim.check_payment, 1, "prepayment", "P1", TREASURER)
    assert "no prepayment" in err.detail


def test_settlement_before_the_settlement_facts_is_refused():
    claim = approved_claim()
    assert not claim.settlement_ready
    assert_refused(claim, InvalidState, claim.check_payment, 100, "settlement", "P1", TREASURER,
                   match="settlement facts")
    pay(claim, 172_500, "prepayment")
    assert_refused(claim, InvalidState, claim.check_payment, 100, "settlement", "P2", TREASURER)


def test_settlement_in_full_makes_the_claim_paid():
    claim = approved_claim(settlement_ready=True)
    pay(claim, INTERNSHIP_3M)
    assert claim.status == "paid"
    assert (claim.paid_fen, claim.prepaid_fen, claim.reserved_fen) == (INTERNSHIP_3M, 0, 0)
    assert_claim_balance(claim)


def test_prepayment_then_settlement_of_the_rest():
    claim = approved_claim(settlement_ready=True)
    pay(claim, 172_500, "prepayment")
    pay(claim, 100_000, "settlement")
    assert claim.status in ("approved", "prepaid")  # part paid: still open for payment
    assert_claim_balance(claim)
    pay(claim, 72_500, "settlement")
    assert claim.status == "paid" and claim.reserved_fen == 0


def test_payment_above_the_approved_amount_is_refused():
    claim = approved_claim(settlement_ready=True)
    assert_refused(claim, LimitExceeded, claim.check_payment, INTERNSHIP_3M + 1, "settlement", "P1", TREASURER)
    pay(claim, 300_000)
    assert_refused(claim, LimitExceeded, claim.check_payment, 45_001, "settlement", "P2", TREASURER)


def test_maker_checker_approver_may_not_pay():
    claim = approved_claim(settlement_ready=True)
    assert_refused(claim, Forbidden, claim.check_payment, 100, "settlement", "P1", REVIEWER)


def test_payment_ref_is_used_once_per_claim_even_after_a_return():
    claim = approved_claim(settlement_ready=True)
    pay(claim, 100, "settlement", "P1")
    assert_refused(claim, Duplicate, claim.check_payment, 100, "settlement", "P1", TREASURER)
    claim.check_return("P1")
    claim.return_payment(payment_ref="P1", amount_fen=100, reason="bounced", returned_on=LATER, actor=TREASURER)
    assert_refused(claim, Duplicate, claim.check_payment, 100, "settlement", "P1", TREASURER)


@pytest.mark.parametrize("status", ["submitted", "rejected", "withdrawn", "paid", "closed"])
def test_payment_in_the_wrong_state_is_refused(status):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.check_payment, 1, "settlement", "PX", TREASURER)


# Returned payments --------------------------------------------------------------------
def test_returned_payment_is_reserved_again():
    claim = approved_claim(settlement_ready=True)
    pay(claim, INTERNSHIP_3M, ref="P1")
    assert claim.check_return("P1") == INTERNSHIP_3M
    claim.return_payment(payment_ref="P1", amount_fen=INTERNSHIP_3M, reason="account closed", returned_on=LATER,
                         actor=TREASURER)
    assert event_names(claim)[-1] == "PaymentReturned"
    assert claim.status == "approved"
    assert (claim.paid_fen, claim.returned_fen, claim.reserved_fen) == (0, INTERNSHIP_3M, INTERNSHIP_3M)
    assert_claim_balance(claim)
    pay(claim, INTERNSHIP_3M, ref="P2")  # corrected and paid again
    assert claim.status == "paid"


def test_returned_prepayment_goes_back_to_approved():
    claim = in_state("prepaid")
    ref = next(iter(claim.payments))
    claim.check_return(ref)
    claim.return_payment(payment_ref=ref, amount_fen=172_500, reason="bounced", returned_on=LATER, actor=TREASURER)
    assert claim.status == "approved" and claim.prepaid_fen == 0
    assert_claim_balance(claim)


def test_return_of_an_already_returned_payment_is_refused():
    claim = approved_claim(settlement_ready=True)
    pay(claim, 1000, ref="P1")
    claim.check_return("P1")
    claim.return_payment(payment_ref="P1", amount_fen=1000, reason="bounced", returned_on=LATER, actor=TREASURER)
    assert_refused(claim, InvalidState, claim.check_return, "P1", match="already returned")


def test_return_of_an_unknown_payment_is_refused():
    claim = approved_claim(settlement_ready=True)
    pay(claim, 1000, ref="P1")
    assert_refused(claim, NotFound, claim.check_return, "P2")


@pytest.mark.parametrize("status", ["submitted", "rejected", "withdrawn", "closed"])
def test_return_in_the_wrong_state_is_refused(status):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.check_return, "P1")


def test_return_of_a_payment_a_clawback_depends_on_is_refused():
    claim = approved_claim(settlement_ready=True)
    pay(claim, 200_000, ref="P1")
    pay(claim, 100_000, ref="P2")
    claim.check_clawback(150_000)
    claim.demand_clawback(clawback_id="cb1", amount_fen=150_000, reason="fraud", actor=REVIEWER)
    assert_refused(claim, InvalidState, claim.check_return, "P1", match="clawback")
    assert claim.check_return("P2") == 100_000  # 2,000.00 still paid covers the 1,500.00 demanded


# Closing ------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["approved", "prepaid"])
def test_close_releases_the_reserve(status):
    claim = in_state(status)
    claim.check_close()
    reserved = claim.reserved_fen
    assert reserved > 0
    claim.close(reason="done", released_fen=reserved, actor=REVIEWER, on=LATER)
    assert claim.status == "closed" and claim.reserved_fen == 0
    assert event_names(claim)[-1] == "Closed"


@pytest.mark.parametrize("status", ["submitted", "rejected", "withdrawn", "paid", "closed"])
def test_close_in_the_wrong_state_is_refused(status):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.check_close)


# Settlement facts ---------------------------------------------------------------------
def record(claim: Claim, facts: dict, entitled_fen: int, ready: bool = True, actor: str = CLERK):
    claim.check_can_record_facts()
    approved, released, overpaid = claim.facts_outcome(entitled_fen)
    clawback = {"clawback_id": "cb-facts", "amount_fen": overpaid, "reason": "overpaid"} if overpaid else None
    claim.record_facts(facts=facts, entitled_fen=entitled_fen, settlement_ready=ready, explanation=[],
                       approved_fen=approved, released_fen=released, clawback=clawback, actor=actor, on=LATER)
    return approved, released, overpaid


def test_worked_example_left_after_one_of_three_months():
    """DOMAIN.md: prepayment 1,725.00, entitled 1,150.00 → 575.00 to claw back."""
    claim = in_state("prepaid")
    assert record(claim, {"months_served": 1, "left_for_employment": False}, 115_000) == (115_000, 172_500, 57_500)
    assert event_names(claim)[-1] == "FactsRecorded"
    assert claim.status == "paid"
    assert (claim.approved_fen, claim.reserved_fen, claim.paid_fen) == (115_000, 0, 172_500)
    assert claim.clawback_demanded_fen == claim.clawback_outstanding_fen == 57_500
    assert claim.clawbacks[0]["demanded_by"] == CLERK
    assert claim.clawbacks[0]["confirmed"]  # below the threshold
    assert claim.facts == {"term_months": 3, "months_served": 1, "left_for_employment": False}
    assert_claim_balance(claim)


def test_facts_lowering_the_entitlement_release_the_reserve_above_it():
    claim = in_state("prepaid")
    assert record(claim, {"months_served": 2}, 230_000) == (230_000, 115_000, 0)
    assert claim.status == "prepaid"
    assert (claim.approved_fen, claim.reserved_fen, claim.paid_fen) == (230_000, 57_500, 172_500)
    assert claim.settlement_ready
    assert_claim_balance(claim)
    pay(claim, 57_500)
    assert claim.status == "paid"


def test_facts_never_raise_the_approved_amount():
    claim = approved_claim(100_000)
    assert record(claim, {"months_served": 3}, INTERNSHIP_3M) == (100_000, 0, 0)
    assert claim.approved_fen == 100_000 and claim.entitled_fen == INTERNSHIP_3M
    assert_claim_balance(claim)


def test_facts_before_approval_change_only_the_entitlement():
    claim = new_claim()
    assert record(claim, {"months_served": 2}, 230_000) == (0, 0, 0)
    assert claim.status == "submitted" and claim.approved_fen == 0 and claim.entitled_fen == 230_000
    assert claim.approval_amount(None, REVIEWER) == 230_000
    assert_refused(claim, LimitExceeded, claim.approval_amount, 230_001, REVIEWER)


def test_facts_repeat_does_not_demand_twice():
    claim = in_state("prepaid")
    record(claim, {"months_served": 1}, 115_000)
    assert record(claim, {"months_served": 1}, 115_000) == (115_000, 0, 0)
    assert claim.clawback_demanded_fen == 57_500 and len(claim.clawbacks) == 1


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "closed"])
def test_facts_in_the_wrong_state_are_refused(status):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.check_can_record_facts)


@pytest.mark.parametrize("status", ["submitted", "approved", "prepaid", "paid"])
def test_facts_are_open_until_closed(status):
    in_state(status).check_can_record_facts()


# Clawbacks, confirmation and recoveries -----------------------------------------------
def paid_big() -> Claim:
    claim = approved_claim(program="job_expansion", entitled_fen=BIG, prepay_share="0", settlement_ready=True,
                           facts={"graduation_year": 2022})
    pay(claim, BIG)
    return claim


def demand(claim: Claim, amount: int, cid: str, actor: str = REVIEWER) -> None:
    claim.check_clawback(amount)
    claim.demand_clawback(clawback_id=cid, amount_fen=amount, reason="fraud", actor=actor)


def recover(claim: Claim, amount: int, rid: str = "r1") -> None:
    claim.check_recovery(amount)
    claim.recover(recovery_id=rid, amount_fen=amount, reference="bank", received_on=LATER, actor=TREASURER,
                  allocation=claim.recovery_allocation(amount))


def test_clawback_up_to_what_was_paid():
    claim = paid_big()
    demand(claim, 4_000_000, "cb1")
    assert event_names(claim)[-1] == "ClawbackDemanded"
    assert claim.clawback_demanded_fen == 4_000_000 and claim.clawback_outstanding_fen == 4_000_000
    assert_refused(claim, LimitExceeded, claim.check_clawback, BIG - 4_000_000 + 1)
    claim.check_clawback(BIG - 4_000_000)  # exactly the room left is fine


def test_clawback_room_is_net_of_returned_payments():
    claim = approved_claim(settlement_ready=True)
    pay(claim, 100_000, ref="P1")
    pay(claim, 50_000, ref="P2")
    claim.check_return("P2")
    claim.return_payment(payment_ref="P2", amount_fen=50_000, reason="bounced", returned_on=LATER, actor=TREASURER)
    assert_refused(claim, LimitExceeded, claim.check_clawback, 100_001)
    demand(claim, 100_000, "cb1")


def test_clawback_on_an_unpaid_approved_claim_is_refused():
    claim = approved_claim()
    assert_refused(claim, LimitExceeded, claim.check_clawback, 1)


@pytest.mark.parametrize("status", ["submitted", "rejected", "withdrawn"])
def test_clawback_in_the_wrong_state_is_refused(status):
    claim = in_state(status)
    assert_refused(claim, InvalidState, claim.check_clawback, 1)


def test_clawback_on_a_closed_claim_with_payments():
    claim = in_state("prepaid")
    claim.check_close()
    claim.close(reason="done", released_fen=claim.reserved_fen, actor=REVIEWER, on=LATER)
    demand(claim, 172_500, "cb1")
    recover(claim, 172_500)
    assert claim.clawback_outstanding_fen == 0


def test_threshold_is_50000_yuan_exactly():
    assert CLAWBACK_CONFIRMATION_THRESHOLD_FEN == 5_000_000
    claim = paid_big()
    demand(claim, 5_000_000, "cb1")  # exactly 50,000.00: no confirmation needed
    assert claim.clawback("cb1")["confirmed"] and not claim.clawback("cb1")["needs_confirmation"]
    demand(claim, 1, "cb2")  # the total is now above 50,000.00
    assert not claim.clawback("cb2")["confirmed"] and claim.clawback("cb2")["needs_confirmation"]


def test_a_single_demand_above_the_threshold_needs_a_second_reviewer():
    claim = paid_big()
    demand(claim, 5_000_001, "cb1")
    assert not claim.clawback("cb1")["confirmed"]
    assert claim.confirmed_outstanding_fen == 0


def test_recovery_against_an_unconfirmed_demand_is_refused_until_confirmed():
    claim = paid_big()
    demand(claim, 6_000_000, "cb1", REVIEWER)
    assert_refused(claim, InvalidState, claim.check_recovery, 100, match="confirmed")
    assert_refused(claim, Forbidden, claim.check_confirm, "cb1", REVIEWER)
    claim.check_confirm("cb1", REVIEWER2)
    claim.confirm_clawback(clawback_id="cb1", actor=REVIEWER2)
    assert event_names(claim)[-1] == "ClawbackConfirmed"
    assert claim.confirmed_outstanding_fen == 6_000_000
    recover(claim, 6_000_000)
    assert claim.clawback_outstanding_fen == 0 and claim.recovered_fen == 6_000_000
    assert_claim_balance(claim)


def test_confirmation_refusals():
    claim = paid_big()
    demand(claim, 1_000, "small")
    assert_refused(claim, InvalidState, claim.check_confirm, "small", REVIEWER2, match="already confirmed")
    demand(claim, 6_000_000, "big")
    # Past the threshold the small demand needs a second reviewer too (API.md: cumulative).
    assert_refused(claim, Forbidden, claim.check_confirm, "small", REVIEWER)
    assert_refused(claim, NotFound, claim.check_confirm, "nope", REVIEWER2)
    assert_refused(claim, Forbidden, claim.check_confirm, "big", REVIEWER)
    for cid in ("small", "big"):
        claim.check_confirm(cid, REVIEWER2)
        claim.confirm_clawback(clawback_id=cid, actor=REVIEWER2)
        assert_refused(claim, InvalidState, claim.check_confirm, cid, REVIEWER2)


def test_recovery_only_against_confirmed_outstanding_money():
    claim = paid_big()
    demand(claim, 1_000_000, "cb1")           # confirmed by itself while it is all that is demanded
    assert claim.confirmed_outstanding_fen == 1_000_000
    demand(claim, 5_000_000, "cb2")           # total 60,000.00: both need a second reviewer now
    assert claim.confirmed_outstanding_fen == 0
    assert_refused(claim, InvalidState, claim.check_recovery, 1, match="no confirmed")
    claim.check_confirm("cb1", REVIEWER2)
    claim.confirm_clawback(clawback_id="cb1", actor=REVIEWER2)
    assert claim.confirmed_outstanding_fen == 1_000_000
    assert_refused(claim, InvalidState, claim.check_recovery, 1_000_001)
    recover(claim, 400_000, "r1")
    recover(claim, 600_000, "r2")
    assert claim.clawback("cb1")["recovered_fen"] == 1_000_000
    assert_refused(claim, InvalidState, claim.check_recovery, 1, match="no confirmed")
    claim.check_confirm("cb2", REVIEWER2)
    claim.confirm_clawback(clawback_id="cb2", actor=REVIEWER2)
    recover(claim, 5_000_000, "r3")
    assert claim.clawback("cb2")["recovered_fen"] == 5_000_000
    assert claim.recovered_fen == claim.clawback_demanded_fen == 6_000_000
    assert_refused(claim, InvalidState, claim.check_recovery, 1)


def test_a_recovery_recorded_before_the_cumulative_rule_replays_as_it_was():
    """RecoveryRecorded events stored before recoveries carried their allocation replay as
    they were decided: against the oldest demand marked confirmed, even where the cumulative
    rule would now ask for a second reviewer first."""
    claim = paid_big()
    demand(claim, 1_000_000, "cb1")
    demand(claim, 5_000_000, "cb2")
    claim.recover(recovery_id="old", amount_fen=300_000, reference="bank", received_on=LATER, actor=TREASURER)
    assert claim.clawback("cb1")["recovered_fen"] == 300_000 and claim.recovered_fen == 300_000


def test_recovery_with_no_demand_is_refused():
    claim = in_state("paid")
    assert_refused(claim, InvalidState, claim.check_recovery, 1)


def test_facts_clawback_needs_confirmation_by_someone_other_than_the_clerk_when_large():
    claim = approved_claim(program="apprenticeship", entitled_fen=BIG, prepay_share="1", settlement_ready=False,
                           facts={"level": "advanced"})
    pay(claim, BIG, "prepayment")
    record(claim, {"completed": False}, 0, actor=CLERK)
    assert claim.approved_fen == 0 and claim.clawback_demanded_fen == BIG
    c = claim.clawbacks[0]
    assert c["needs_confirmation"] and not c["confirmed"] and c["demanded_by"] == CLERK
    assert_refused(claim, Forbidden, claim.check_confirm, c["clawback_id"], CLERK)
    claim.check_confirm(c["clawback_id"], REVIEWER)
    assert_claim_balance(claim)


def test_replayed_claim_equals_the_live_one():
    claim = in_state("prepaid")
    record(claim, {"months_served": 1}, 115_000)
    recover(claim, 57_500)
    replayed = None
    for e in claim.pending_events:
        replayed = e.mutate(replayed)
    assert vars(replayed) | {"_pending_events": []} == vars(claim) | {"_pending_events": []}
    assert PAID in [p["paid_on"] for p in replayed.payments.values()]


def test_return_on_a_claim_paid_above_its_lowered_approval_is_refused():
    """Two prepayments of 862.50, then 1 month of 3 served: approved 1,150.00, paid 1,725.00,
    575.00 demanded back. Returning one prepayment must not put 862.50 back into reserve
    (that would make reserved + paid = 1,725.00 against 1,150.00 approved, while still
    demanding 575.00 from a payee who then holds less than the entitlement)."""
    claim = approved_claim()
    pay(claim, 86_250, "prepayment", "P1")
    pay(claim, 86_250, "prepayment", "P2")
    record(claim, {"months_served": 1}, 115_000)
    assert (claim.approved_fen, claim.paid_fen, claim.clawback_demanded_fen, claim.status) == \
        (115_000, 172_500, 57_500, "paid")
    for ref in ("P1", "P2"):
        assert_refused(claim, InvalidState, claim.check_return, ref)
    assert_claim_balance(claim)
