"""Four processes approve and pay claims against one fund as fast as they can, far beyond
its balance. Afterwards no fund is below zero, every acknowledged approval is reserved
exactly once, refused ones left no trace, and the read models equal a recomputation."""
from __future__ import annotations

import multiprocessing
import random
from collections import Counter

import pytest

from ledger.access import Actor
from ledger.errors import LedgerError
from runtime.container import Runtime

from .support import job_expansion_claim

CLERK = Actor("clerk-1", "clerk", frozenset({"clerk"}), ("210000",))
REVIEWERS = [Actor(f"reviewer-{i}", "reviewer", frozenset({"reviewer"}), ("210000",)) for i in range(4)]
TREASURERS = [Actor(f"treasurer-{i}", "treasurer", frozenset({"treasurer"}), ("210000",)) for i in range(4)]
FUND = "unemployment_insurance:210100"
CLAIMS = 48
AFFORDABLE = 20  # the fund holds 20 × 1500.00


def _worker(settings, index: int, claim_ids: list[str], results) -> None:
    rt = Runtime(settings)
    rt.start(project=False)
    order = claim_ids[:]
    random.Random(index).shuffle(order)
    approved, paid, refused = [], [], Counter()
    for cid in order:
        try:
            rt.ledger.approve(REVIEWERS[index], cid, {"approved_on": "2022-07-16"})
            approved.append(cid)
        except LedgerError as exc:
            refused[exc.code] += 1
            continue
        try:
            rt.ledger.pay(TREASURERS[index], cid, {"amount": "1500.00", "kind": "settlement",
                                                   "payment_ref": f"P-{cid[:8]}", "paid_on": "2022-07-20"})
            paid.append(cid)
        except LedgerError as exc:
            refused[exc.code] += 1
    rt.close()
    results.put((index, approved, paid, dict(refused)))


@pytest.mark.slow
def test_four_processes_never_overdraw_a_fund(any_settings):
    rt = Runtime(any_settings)
    rt.start(project=False)
    treasurer = Actor("setup", "setup", frozenset({"treasurer"}), ("210000",))
    rt.ledger.open_fund(treasurer, {"fund_type": "unemployment_insurance", "region": "210100"})
    rt.ledger.allocate(treasurer, FUND, {"amount": f"{AFFORDABLE * 1500}.00", "source": "central",
                                         "document_no": "race", "effective_date": "2022-06-10"})
    claim_ids = [rt.ledger.submit_claim(CLERK, job_expansion_claim()).body["claim_id"] for _ in range(CLAIMS)]
    rt.close()

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(any_settings, i, claim_ids, results)) for i in range(4)]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=240) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0

    acknowledged = [cid for _, approved, _, _ in outcomes for cid in approved]
    paid = [cid for _, _, p, _ in outcomes for cid in p]
    refusals = Counter()
    for *_, refused in outcomes:
        refusals.update(refused)
    assert len(acknowledged) == len(set(acknowledged)), "a claim was approved twice"
    assert len(acknowledged) == AFFORDABLE, (len(acknowledged), refusals)
    assert set(refusals) <= {"insufficient_funds", "invalid_state", "conflict", "forbidden"}, refusals

    rt = Runtime(any_settings)
    rt.start(project=False)
    events = [rt.app.mapper.to_domain_event(n) for n in rt.app.recorder.select_notifications(start=None, limit=100_000)]
    reserved = Counter(e.claim_id for e in events if type(e).__name__ == "Reserved")
    approvals = Counter(str(e.originator_id) for e in events if type(e).__name__ == "Approved")
    assert reserved == Counter({cid: 1 for cid in acknowledged}), "reserved exactly once per acknowledged approval"
    assert approvals == reserved
    refused_claims = set(claim_ids) - set(acknowledged)
    for cid in refused_claims:
        assert rt.ledger.claim(REVIEWERS[0], cid).status == "submitted", "a refused approval left a trace"

    # Recompute the fund from its events and compare with the projection.
    totals = Counter()
    for e in events:
        name = type(e).__name__
        if name in ("Allocated", "TransferredIn"):
            totals["allocated"] += e.amount_fen
        elif name == "Reserved":
            totals["reserved"] += e.amount_fen
        elif name == "Disbursed":
            totals["reserved"] -= e.amount_fen
            totals["disbursed"] += e.amount_fen
    rt.runner.catch_up()
    row = rt.views.fund(FUND)
    assert (row["allocated_fen"], row["reserved_fen"], row["disbursed_fen"]) == (
        totals["allocated"], totals["reserved"], totals["disbursed"])
    available = row["allocated_fen"] - row["reserved_fen"] - row["disbursed_fen"] + row["recovered_fen"]
    assert available == 0 and row["disbursed_fen"] == 1500_00 * len(paid)
    rt.close()
