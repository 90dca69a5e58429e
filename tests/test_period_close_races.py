"""A payment and the close of its month, sent at the same moment, for 20 funds (issue 18,
"Period close"): in one process (the writer orders them) and in two (the fund's version
orders them: the loser of the optimistic check runs again on fresh state). Each payment is
either counted in the close's recorded evidence or refused `period_closed`: never both
accepted and left out of the evidence."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ledger.access import Actor
from ledger.domain.ids import fund_aggregate_id
from ledger.errors import LedgerError
from runtime.container import Runtime

from .support import job_expansion_claim

SETUP = Actor("setup", "setup", frozenset({"treasurer"}), ("210000",))
PAYER = Actor("payer", "treasurer who pays", frozenset({"treasurer"}), ("210000",))
CLOSER = Actor("closer", "treasurer who closes", frozenset({"treasurer"}), ("210000",))
CLERK = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
REVIEWER = Actor("reviewer", "reviewer", frozenset({"reviewer"}), ("210000",))
# Twenty districts and counties of Shenyang and Dalian: a fund each.
REGIONS = ("210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114", "210115",
           "210123", "210124", "210181", "210202", "210203", "210204", "210211", "210212", "210213", "210214")
TODAY = dt.date(2022, 8, 5)  # July has ended; every date below is within 30 days
MONTH = "2022-07"


def _pay(rt: Runtime, claim_id: str) -> str:
    try:
        rt.ledger.pay(PAYER, claim_id, {"amount": "1500.00", "kind": "settlement", "payment_ref": f"P-{claim_id[:8]}",
                                        "paid_on": "2022-07-20"})
        return "paid"
    except LedgerError as exc:
        return exc.code


def _close(rt: Runtime, fund: str) -> str:
    try:
        rt.ledger.close_period(CLOSER, fund, MONTH, {"override_reason": "race test: evidence recorded either way"})
        return "closed"
    except LedgerError as exc:
        return exc.code


def _all_at_once(calls: list, start) -> list[str]:
    """Run the calls on threads of their own, released together once all are ready."""
    with ThreadPoolExecutor(len(calls)) as pool:
        def run(call):
            start.wait()
            return call()
        return list(pool.map(run, calls))


def _worker(settings, role: str, targets: list[str], start, results) -> None:
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        step = _pay if role == "pay" else _close
        results.put((role, _all_at_once([lambda t=t: step(rt, t) for t in targets], start)))
    finally:
        rt.close()


def _setup(settings) -> list[tuple[str, str]]:
    """(fund, approved claim) per region, the claim reserved in July in its own fund."""
    rt = Runtime(settings)
    rt.start(project=False)
    pairs = []
    for region in REGIONS:
        fund = rt.ledger.open_fund(SETUP, {"fund_type": "unemployment_insurance", "region": region}).body["fund_id"]
        rt.ledger.allocate(SETUP, fund, {"amount": "10000.00", "source": "central", "document_no": "race",
                                         "effective_date": "2022-07-10"})
        claim_id = rt.ledger.submit_claim(CLERK, job_expansion_claim(region=region)).body["claim_id"]
        rt.ledger.approve(REVIEWER, claim_id, {"approved_on": "2022-07-16", "fund_id": fund})
        pairs.append((fund, claim_id))
    rt.close()
    return pairs


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_a_payment_racing_the_close_is_counted_or_refused(settings, clock, mode):
    clock.travel_to(TODAY)
    pairs = _setup(settings)
    funds, claims = [f for f, _ in pairs], [c for _, c in pairs]
    if mode == "threads":
        rt = Runtime(settings)
        rt.start(project=False)
        start = threading.Barrier(2 * len(pairs))
        outcomes = _all_at_once([lambda c=c: _pay(rt, c) for c in claims] +
                                [lambda f=f: _close(rt, f) for f in funds], start)
        rt.close()
        paid, closed = outcomes[:len(pairs)], outcomes[len(pairs):]
    else:
        ctx = multiprocessing.get_context("spawn")
        start, results = ctx.Barrier(2 * len(pairs)), ctx.Queue()
        workers = [ctx.Process(target=_worker, args=(settings, "pay", claims, start, results)),
                   ctx.Process(target=_worker, args=(settings, "close", funds, start, results))]
        for w in workers:
            w.start()
        answers = dict(results.get(timeout=240) for _ in workers)
        for w in workers:
            w.join(timeout=60)
            assert w.exitcode == 0
        paid, closed = answers["pay"], answers["close"]

    assert set(closed) == {"closed"}, closed
    assert set(paid) <= {"paid", "period_closed"}, paid

    rt = Runtime(settings)
    rt.start(project=False)
    try:
        for fund, outcome in zip(funds, paid):
            stored = list(rt.app.repository.event_store.get(fund_aggregate_id(fund)))
            stream = [type(e).__name__ for e in stored]
            [close] = [e for e in stored if type(e).__name__ == "PeriodClosed"]
            paid_in_july = stream.count("Disbursed")
            assert paid_in_july == (1 if outcome == "paid" else 0), (fund, outcome, stream)
            # Counted in the evidence exactly when it was accepted: recorded before the close.
            assert close.evidence["items"] == close.evidence["unmatched_in_ledger"] == paid_in_july, (
                fund, outcome, stream, close.evidence)
            if paid_in_july:
                assert stream.index("Disbursed") < stream.index("PeriodClosed"), stream
            assert MONTH in rt.app.repository.get(fund_aggregate_id(fund)).closed_months
    finally:
        rt.close()
