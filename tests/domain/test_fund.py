"""The Fund aggregate: money in by allocation and transfer, reserved by approvals,
disbursed by payments, back by returns and recoveries; never below zero available."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from ledger.domain.fund import Fund, balance_view, fund_code, parse_fund_code
from ledger.errors import InsufficientFunds, InvalidState, ValidationFailed
from ledger.regions import validate_region

from .aggregates import REVIEWER, TREASURER, assert_refused, event_names, new_fund

D = dt.date(2022, 7, 16)


def invariant(fund: Fund) -> None:
    assert fund.available_fen == fund.allocated_fen - fund.reserved_fen - fund.disbursed_fen + fund.recovered_fen
    assert fund.available_fen >= 0
    assert fund.reserved_fen >= 0 and fund.disbursed_fen >= 0 and fund.recovered_fen >= 0


def reserve(fund: Fund, amount: int, claim: str = "c1") -> None:
    fund.reserve(claim, "internship", amount, D, REVIEWER)


def test_opened_fund_is_empty():
    fund = new_fund()
    assert event_names(fund) == ["Opened"]
    assert fund.version == 1
    assert fund.balance() == {"allocated": "0.00", "reserved": "0.00", "disbursed": "0.00", "recovered": "0.00",
                              "available": "0.00"}


def test_allocation_adds_to_allocated_and_available():
    fund = new_fund(allocated_fen=100_000)
    assert event_names(fund) == ["Opened", "Allocated"]
    assert fund.allocated_fen == fund.available_fen == 100_000
    invariant(fund)


def test_transfer_out_and_in():
    province, city = new_fund("employment_subsidy:210000", 500_000), new_fund("employment_subsidy:210100")
    province.transfer_out("t1", city.fund_code, 200_000, "辽财社〔2022〕2号", D, TREASURER)
    city.transfer_in(transfer_id="t1", from_fund=province.fund_code, amount_fen=200_000, document_no="辽财社〔2022〕2号",
                     effective_date=D, actor=TREASURER)
    assert event_names(province)[-1] == "TransferredOut" and event_names(city)[-1] == "TransferredIn"
    assert province.allocated_fen == province.available_fen == 300_000
    assert city.allocated_fen == city.available_fen == 200_000
    invariant(province), invariant(city)


def test_transfer_of_everything_available_is_allowed():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 40_000)
    fund.transfer_out("t1", "employment_subsidy:210000", 60_000, "doc", D, TREASURER)
    assert fund.available_fen == 0
    invariant(fund)


def test_transfer_above_available_is_refused_and_records_nothing():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 40_000)
    err = assert_refused(fund, InsufficientFunds, fund.transfer_out, "t1", "employment_subsidy:210000", 60_001,
                         "doc", D, TREASURER)
    assert err.code == "insufficient_funds"
    assert "600.00" in err.detail  # names what is available
    invariant(fund)


def test_reserve_up_to_available_then_refused():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000, "c1")
    assert event_names(fund)[-1] == "Reserved"
    reserve(fund, 40_000, "c2")
    assert fund.available_fen == 0 and fund.reserved_fen == 100_000
    assert_refused(fund, InsufficientFunds, reserve, fund, 1, "c3")
    invariant(fund)


def test_reserve_on_an_empty_fund_is_refused():
    fund = new_fund()
    assert_refused(fund, InsufficientFunds, reserve, fund, 1)


def test_release_returns_reserve_to_available():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000)
    fund.release("c1", "internship", 25_000, D, "closed", REVIEWER)
    assert event_names(fund)[-1] == "Released"
    assert fund.reserved_fen == 35_000 and fund.available_fen == 65_000
    invariant(fund)


def test_release_above_reserved_is_refused():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000)
    assert_refused(fund, InvalidState, fund.release, "c1", "internship", 60_001, D, "closed", REVIEWER)


def test_disburse_turns_reserve_into_disbursement():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000)
    fund.disburse("c1", "internship", "P1", "settlement", 60_000, D, TREASURER)
    assert event_names(fund)[-1] == "Disbursed"
    assert (fund.reserved_fen, fund.disbursed_fen, fund.available_fen) == (0, 60_000, 40_000)
    invariant(fund)


def test_disburse_above_reserved_is_refused_even_with_money_available():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 10_000)
    assert_refused(fund, InvalidState, fund.disburse, "c1", "internship", "P1", "settlement", 10_001, D, TREASURER)


def test_returned_payment_goes_back_into_reserve():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000)
    fund.disburse("c1", "internship", "P1", "settlement", 60_000, D, TREASURER)
    fund.payment_returned(claim_id="c1", program="internship", payment_ref="P1", amount_fen=60_000, returned_on=D,
                          reason="bank returned it", actor=TREASURER)
    assert event_names(fund)[-1] == "PaymentReturned"
    assert (fund.reserved_fen, fund.disbursed_fen, fund.available_fen) == (60_000, 0, 40_000)
    invariant(fund)


def test_recovery_adds_to_available():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000)
    fund.disburse("c1", "internship", "P1", "settlement", 60_000, D, TREASURER)
    fund.recover(claim_id="c1", program="internship", recovery_id="r1", reference="bank 1", amount_fen=10_000,
                 received_on=D, actor=TREASURER)
    assert event_names(fund)[-1] == "Recovered"
    assert fund.recovered_fen == 10_000 and fund.available_fen == 50_000
    assert fund.balance() == {"allocated": "1000.00", "reserved": "0.00", "disbursed": "600.00",
                              "recovered": "100.00", "available": "500.00"}
    invariant(fund)


def test_recovered_money_can_be_reserved_again():
    fund = new_fund(allocated_fen=10_000)
    reserve(fund, 10_000)
    fund.disburse("c1", "internship", "P1", "settlement", 10_000, D, TREASURER)
    assert fund.available_fen == 0
    assert_refused(fund, InsufficientFunds, reserve, fund, 1, "c2")
    fund.recover(claim_id="c1", program="internship", recovery_id="r1", reference="x", amount_fen=3_000,
                 received_on=D, actor=TREASURER)
    reserve(fund, 3_000, "c2")
    assert fund.available_fen == 0
    invariant(fund)


def test_balance_view_matches_the_formula():
    assert balance_view(100, 20, 30, 5) == {"allocated": "1.00", "reserved": "0.20", "disbursed": "0.30",
                                           "recovered": "0.05", "available": "0.55"}


def test_replayed_fund_equals_the_live_one():
    fund = new_fund(allocated_fen=100_000)
    reserve(fund, 60_000)
    fund.disburse("c1", "internship", "P1", "settlement", 50_000, D, TREASURER)
    fund.release("c1", "internship", 10_000, D, "closed", REVIEWER)
    replayed = None
    for e in fund.pending_events:
        replayed = e.mutate(replayed)
    assert replayed.balance() == fund.balance()
    assert replayed.version == fund.version


@pytest.mark.parametrize("seed", range(20))
def test_random_operations_keep_the_invariant(seed):
    """Whatever is tried, the checked operations keep available = allocated − reserved −
    disbursed + recovered ≥ 0, and a refusal changes nothing."""
    rng = random.Random(seed)
    fund = new_fund()
    reserves: dict[str, int] = {}
    paid: dict[str, int] = {}
    for step in range(200):
        op = rng.choice(["allocate", "reserve", "release", "disburse", "return", "recover", "transfer"])
        amount = rng.choice([1, 100, 10_000, 99_999, 1_000_000])
        claim = f"c{rng.randrange(5)}"
        if op == "allocate":
            fund.allocate(allocation_id=f"a{step}", amount_fen=amount, source="central", document_no="d",
                          effective_date=D, memo=None, actor=TREASURER)
        elif op == "reserve":
            if amount > fund.available_fen:
                assert_refused(fund, InsufficientFunds, reserve, fund, amount, claim)
            else:
                reserve(fund, amount, claim)
                reserves[claim] = reserves.get(claim, 0) + amount
        elif op == "transfer":
            if amount > fund.available_fen:
                assert_refused(fund, InsufficientFunds, fund.transfer_out, f"t{step}", "employment_subsidy:210000",
                               amount, "d", D, TREASURER)
            else:
                fund.transfer_out(f"t{step}", "employment_subsidy:210000", amount, "d", D, TREASURER)
        elif op == "release" and reserves.get(claim):
            fund.release(claim, "internship", reserves.pop(claim), D, "closed", REVIEWER)
        elif op == "disburse" and reserves.get(claim):
            take = min(amount, reserves[claim])
            fund.disburse(claim, "internship", f"P{step}", "settlement", take, D, TREASURER)
            reserves[claim] -= take
            paid[f"P{step}"] = (claim, take)
        elif op == "return" and paid:
            ref = rng.choice(sorted(paid))
            owner, back = paid.pop(ref)
            fund.payment_returned(claim_id=owner, program="internship", payment_ref=ref, amount_fen=back,
                                  returned_on=D, reason="bounced", actor=TREASURER)
            reserves[owner] = reserves.get(owner, 0) + back  # owed to the payee still
        elif op == "recover" and fund.disbursed_fen:
            fund.recover(claim_id="c", program="internship", recovery_id=f"r{step}", reference="x",
                         amount_fen=min(amount, fund.disbursed_fen), received_on=D, actor=TREASURER)
        invariant(fund)
        assert fund.reserved_fen == sum(reserves.values())


# Codes -------------------------------------------------------------------------------
def test_fund_code_round_trip():
    assert fund_code("employment_subsidy", "210100") == "employment_subsidy:210100"
    assert parse_fund_code("employment_subsidy:210100") == ("employment_subsidy", "210100")


@pytest.mark.parametrize("code", [None, "", "employment_subsidy", "employment_subsidy:2101", "pension:210100",
                                  "employment_subsidy:210100:x", "employment_subsidy:21010a",
                                  "employment_subsidy:210100\n", " employment_subsidy:210100"])
def test_bad_fund_codes_are_refused(code):
    with pytest.raises(ValidationFailed):
        parse_fund_code(code)


@pytest.mark.parametrize("region", ["21010", "2101000", "21010a", "210100\n", " 210100", "２１０１００", "", None])
def test_bad_region_codes_are_refused(region):
    with pytest.raises(ValidationFailed):
        validate_region(region)
