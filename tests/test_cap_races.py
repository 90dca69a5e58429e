"""Claims racing for the last of a cap, on SQLite and PostgreSQL, through several worker
processes of the real server: the cap holds exactly. Each worker has a writer of its own;
the cap's aggregate is taken in the claim's own transaction, so of two claims that read the
same remainder one commits and the other is decided again on what the first left."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from ledger.domain.caps import ClaimCap
from ledger.domain.ids import cap_aggregate_id
from runtime.container import Runtime

from .servers import Server
from .support import ADMIN_TOKEN, person_id, token_pair

MONTHS_PER_CLAIM = 5
CLAIMS = 12                     # 60 months asked for against a cap of 24


@pytest.mark.slow
def test_claims_racing_for_the_last_months_of_a_cap_through_several_workers(settings, tmp_path):
    server = Server(settings, tmp_path, workers=2, log_level="warning")
    number = person_id()
    try:
        clerk, digest = token_pair()
        r = server.call("POST", "/v1/users", ADMIN_TOKEN, json={"name": "clerk", "roles": ["clerk"],
                                                                "regions": ["210000"], "token_sha256": digest})
        assert r.status_code == 201, r.text
        answers: list = []
        lock = threading.Lock()
        start = threading.Barrier(CLAIMS)

        def claim(i: int) -> None:
            start.wait()
            r = server.call("POST", "/v1/claims", clerk, json={
                "program": "flexible_social_insurance", "region": "210100",
                "applicant": {"kind": "person", "id": number, "name": "灵活就业"},
                "facts": {"left_school_on": "2021-07-01", "monthly_contribution": "1200.00",
                          "months": MONTHS_PER_CLAIM},
                "application_date": "2022-07-15"}, headers={"Idempotency-Key": f"race-{i}"})
            with lock:
                answers.append(r)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(CLAIMS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
    finally:
        server.stop()
    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {201, 409}, [r.text for r in answers if r.status_code not in (201, 409)]
    granted = [r.json() for r in answers if r.status_code == 201]
    months = [int(round(int(c["amounts"]["entitled"].replace(".", "")) / 80000)) for c in granted]  # 800.00 a month
    assert sum(months) == 24, months                                                # exactly the cap, never beyond
    assert all(r.json()["code"] in ("limit_exceeded", "conflict") for r in answers if r.status_code == 409)
    # The store agrees: one cap aggregate whose takings are those of the acknowledged claims.
    rt = Runtime(settings)
    try:
        cap = rt.app.repository.get(cap_aggregate_id(f"flexible_social_insurance:person:{rt.ledger.pii.ref(number)}"))
        assert isinstance(cap, ClaimCap)
        assert cap.taken == {c["claim_id"]: m for c, m in zip(granted, months)}
    finally:
        rt.close()
