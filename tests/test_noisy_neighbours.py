"""API.md, "Bounded work per request": no caller can make the service slow for others (16
auditors looping on /audit/verify once raised everyone's median from 10 ms to 270-860 ms).

The scenario: a read load alone and beside one verify loop and one reconciliation loop, in
interleaved rounds against one server. The test checks what keeps the reads fast without
timing anything (verification walks on from where it stopped; the loops and the reads all
answer); `scripts/bench_noisy` runs the same scenario for the figure the contract sets,
the reads' p99 beside the loops within 3× of alone, as the median of several rounds
(docs/BENCHMARKS.md): on two shared cores beside the rest of the suite, CPU contention
alone can exceed that, so it is a benchmark's figure, not a test's.
"""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.access import Actor

from .api.helpers import APPROVED_ON, PAID_ON
from .conftest import Staff, open_funds
from .servers import Server
from .support import ADMIN_TOKEN, Api, job_expansion_claim

CLAIMS = 100
ALLOCATIONS = 1_500          # a log of a few thousand events: a full verification is real work
READS_PER_ROUND = 150        # p99 of a round: its second-slowest read
ROUNDS = 3                   # of each kind, interleaved
VERIFY_LOOPS = RECONCILIATION_LOOPS = 1
ALLOWED_FACTOR = 3.0


def _seed(settings) -> tuple[list[str], str, dict[str, str]]:
    """Claims approved and paid, a bank statement of their payments, many allocations;
    returns the claim ids, the fund and the staff's tokens."""
    with TestClient(create_app(settings)) as client:
        admin = Api(client, ADMIN_TOKEN)
        staff = Staff(admin)
        funds = open_funds(staff.treasurer)
        fund = funds["ui"]
        lines, claims = [], []
        for n in range(CLAIMS):
            claim_id = staff.clerk.post("/v1/claims", job_expansion_claim()).json()["claim_id"]
            r = staff.reviewer.post(f"/v1/claims/{claim_id}/approve", {"approved_on": APPROVED_ON})
            assert r.status_code == 200, r.text
            r = staff.treasurer.post(f"/v1/claims/{claim_id}/payments", {
                "amount": "1500.00", "kind": "settlement", "payment_ref": f"ZF-N-{n:04d}", "paid_on": PAID_ON})
            assert r.status_code == 201, r.text
            claims.append(claim_id)
            lines.append(f"{PAID_ON},1500.00,debit,ZF-N-{n:04d},沈阳示例科技有限公司\n")
        r = client.post("/v1/bank-statements", params={"fund_id": fund}, content=(
            "date,amount,direction,reference,counterparty\n" + "".join(lines)).encode(),
            headers={"Authorization": f"Bearer {staff.treasurer.token}", "Content-Type": "text/csv"})
        assert r.status_code == 201, r.text
        # The rest of the log straight through the ledger, many writers at once (group commit).
        ledger = client.app.state.runtime.ledger
        treasurer = Actor(staff.treasurer.user_id, "treasurer", frozenset({"treasurer"}), ("210000",))

        def allocate(n: int) -> None:
            ledger.allocate(treasurer, funds["es"], {"amount": "1.00", "source": "central",
                                                     "document_no": f"财社〔2022〕{n}号", "effective_date": "2022-06-20"})

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(allocate, range(ALLOCATIONS)))
        return claims, fund, {"auditor": staff.auditor.token, "clerk": staff.clerk.token}


class Loop(threading.Thread):
    """Calls one endpoint again and again until stopped."""

    def __init__(self, server: Server, token: str, path: str, params: dict | None = None):
        super().__init__(daemon=True)
        self.http = httpx.Client(transport=httpx.HTTPTransport(uds=server.uds), base_url=server.base_url,
                                 timeout=60, headers={"Authorization": f"Bearer {token}"})
        self.path, self.params = path, params
        self.done = 0
        self.statuses: set[int] = set()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.statuses.add(self.http.get(self.path, params=self.params).status_code)
            self.done += 1


def _p99_of_reads(http: httpx.Client, paths) -> float:
    times = []
    for path in itertools.islice(paths, READS_PER_ROUND):
        start = time.perf_counter()
        r = http.get(path)
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
    return sorted(times)[int(0.99 * len(times))]


def measure(settings, tmp_path, rounds: int = ROUNDS) -> dict:
    """Reads alone and beside one verify loop and one reconciliation loop, in interleaved
    rounds against one server: each round's p99 (ms), the loops' statuses and call counts.
    scripts/bench_noisy reports the ratio of the medians (docs/BENCHMARKS.md)."""
    claims, fund, tokens = _seed(settings)
    server = Server(settings, tmp_path)
    try:
        reader = httpx.Client(transport=httpx.HTTPTransport(uds=server.uds), base_url=server.base_url,
                              timeout=60, headers={"Authorization": f"Bearer {tokens['clerk']}"})
        paths = itertools.cycle(f"/v1/claims/{claim_id}" for claim_id in claims)
        _p99_of_reads(reader, paths)  # warm: caches, connections, the first of everything
        alone, beside, statuses, calls = [], [], set(), 0
        for _ in range(rounds):
            alone.append(_p99_of_reads(reader, paths))
            loops = ([Loop(server, tokens["auditor"], "/v1/audit/verify") for _ in range(VERIFY_LOOPS)]
                     + [Loop(server, tokens["auditor"], "/v1/reconciliation",
                             {"fund_id": fund, "from": "2022-07-01", "to": "2022-07-31"})
                        for _ in range(RECONCILIATION_LOOPS)])
            for loop in loops:
                loop.start()
            while not all(loop.done for loop in loops):  # every loop is in full swing
                time.sleep(0.01)
            beside.append(_p99_of_reads(reader, paths))
            for loop in loops:
                loop.stop.set()
            for loop in loops:
                loop.join()
                statuses |= loop.statuses
                calls += loop.done
        verify = reader.get("/v1/audit/verify", headers={"Authorization": f"Bearer {tokens['auditor']}"}).json()
        return {"alone_ms": [t * 1000 for t in alone], "beside_ms": [t * 1000 for t in beside],
                "loop_statuses": statuses, "loop_calls": calls, "last_verify": verify}
    finally:
        server.stop()


@pytest.mark.slow
def test_verify_and_reconciliation_loops_beside_a_read_load(settings, tmp_path):
    """What keeps the reads fast, checked without timing (speed is a benchmark's business:
    scripts/bench_noisy, docs/BENCHMARKS.md): beside the loops every read answers, the
    loops answer 200 (or 429 while a full pass runs), and a verification after the first
    walks only the events since the last one instead of the whole log."""
    if settings.backend != "sqlite":
        pytest.skip("one backend is enough: what is measured is the serving process's own work")
    figures = measure(settings, tmp_path, rounds=1)
    print(f"reads' p99 alone {figures['alone_ms']} ms, beside the loops {figures['beside_ms']} ms")
    assert figures["loop_statuses"] <= {200, 429}, figures["loop_statuses"]
    assert figures["loop_calls"] >= 2
    last = figures["last_verify"]
    assert last["ok"] and not last["full"] and last["events_checked"] < ALLOCATIONS, last
