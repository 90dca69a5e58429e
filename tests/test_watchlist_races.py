"""Listing a party on the watch list while its claims are being submitted, on SQLite and
PostgreSQL, through two worker processes of the real server (each with a writer of its
own): the result is one serial order. Every claim acknowledged as accepted was noted on the
party's watch before the listing, every claim decided after the listing was refused
`422 not_eligible`, and none is accepted with its application date inside the listing
after it was saved (the claim notes itself on the party's watch in its own transaction, so
a listing saved meanwhile by the other worker fails that transaction and the claim is
decided again on the listing)."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from ledger.domain.ids import party_watch_aggregate_id
from runtime.container import Runtime

from .servers import Server
from .support import ADMIN_TOKEN, credit_code, job_expansion_claim, token_pair

CLAIMS = 12


@pytest.mark.slow
def test_listing_a_party_while_its_claims_are_submitted_gives_one_serial_order(settings, tmp_path):
    server = Server(settings, tmp_path, workers=2, log_level="warning")
    employer = credit_code()
    answers: list = []
    listed: list = []
    lock = threading.Lock()
    try:
        clerk, digest = token_pair()
        r = server.call("POST", "/v1/users", ADMIN_TOKEN, json={"name": "clerk", "roles": ["clerk"],
                                                                "regions": ["210000"], "token_sha256": digest})
        assert r.status_code == 201, r.text
        start = threading.Barrier(CLAIMS + 1)

        def claim(i: int) -> None:
            start.wait()
            r = server.call("POST", "/v1/claims", clerk, json=job_expansion_claim(applicant=employer),
                            headers={"Idempotency-Key": f"watch-race-{i}"})
            with lock:
                answers.append(r)

        def list_employer() -> None:
            start.wait()
            r = server.call("POST", "/v1/watchlist", ADMIN_TOKEN, json={
                "party_id": employer, "reason": "骗取补贴", "document_no": "沈人社失信〔2022〕7号",
                "listed_from": "2022-07-01"})
            listed.append(r)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(CLAIMS)]
        threads.append(threading.Thread(target=list_employer))
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        # After the listing, whichever worker answers, the employer's claims are refused.
        after = server.call("POST", "/v1/claims", clerk, json=job_expansion_claim(applicant=employer))
        assert after.status_code == 422 and after.json()["code"] == "not_eligible", after.text
    finally:
        server.stop()
    assert listed[0].status_code == 201, listed[0].text
    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {201, 422, 409}, [r.text for r in answers if r.status_code not in (201, 422, 409)]
    assert all(r.json()["code"] == "not_eligible" for r in answers if r.status_code == 422)
    assert all(r.json()["code"] == "conflict" for r in answers if r.status_code == 409)  # retry later: none kept
    accepted = {r.json()["claim_id"] for r in answers if r.status_code == 201}
    rt = Runtime(settings)
    try:
        ref = rt.ledger.pii.ref(employer)
        events = list(rt.app.events.get(party_watch_aggregate_id(ref)))
    finally:
        rt.close()
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("Listed") == 1
    cut = kinds.index("Listed")
    noted_before = {e.claim_id for e in events[:cut] if type(e).__name__ == "ClaimNoted"}
    noted_after = [e.claim_id for e in events[cut:] if type(e).__name__ == "ClaimNoted"]
    # The party's watch is the serial order: acknowledged claims all before the listing,
    # no claim admitted after it.
    assert noted_before == accepted
    assert noted_after == []
