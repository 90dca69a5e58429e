"""`uvicorn --workers 3` on one database: the workers start together without racing over
the schema or the bootstrap admin, and every worker serves consistent answers. (Keys are
given: outside demo mode none is generated, see test_keys.py.)"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from runtime.container import Runtime

from .support import ADMIN_TOKEN, CHAIN_KEY, PII_KEY, SEAL_KEY, job_expansion_claim, token_pair

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_workers_starting_together_share_one_admin_and_one_truth(settings, tmp_path):
    # A Unix socket of this test's own: a TCP port picked as free can be taken meanwhile by a
    # server of a concurrently running test, which would then answer in this one's place.
    uds = str(tmp_path / "api.sock")
    env = {**os.environ, "LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
           "LEDGER_DATA_DIR": str(settings.data_dir),
           "LEDGER_BOOTSTRAP_ADMIN_TOKEN": ADMIN_TOKEN, "PYTHONPATH": str(ROOT), "LEDGER_PII_KEY": PII_KEY,
           "LEDGER_SEAL_KEY": SEAL_KEY, "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_BACKDATE_DAYS": str(settings.backdate_days)}
    workdir = tmp_path / "work"
    workdir.mkdir()
    log = open(tmp_path / "uvicorn.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:app", "--workers", "3", "--uds", uds,
                             "--log-level", "warning"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    http = httpx.Client(transport=httpx.HTTPTransport(uds=uds), base_url="http://ledger", timeout=10)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http.get("/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "uvicorn.log").read_text()[-3000:]
            time.sleep(0.2)
        time.sleep(1.0)  # let the slower workers finish their start-up too
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        users = {}
        for name, roles in (("clerk", ["clerk"]), ("reviewer", ["reviewer"]), ("treasurer", ["treasurer"])):
            token, digest = token_pair()
            r = http.post("/v1/users", json={"name": name, "roles": roles, "regions": ["210000"],
                                             "token_sha256": digest}, headers=admin)
            assert r.status_code == 201, r.text
            users[name] = {"Authorization": f"Bearer {token}"}
        r = http.post("/v1/funds", json={"fund_type": "unemployment_insurance", "region": "210100"},
                       headers=users["treasurer"])
        assert r.status_code == 201, r.text
        http.post("/v1/funds/unemployment_insurance:210100/allocations", headers=users["treasurer"],
                   json={"amount": "100000.00", "source": "central", "document_no": "W", "effective_date": "2022-06-10"})
        # Many requests spread over the workers: every one sees every earlier write.
        for i in range(20):
            r = http.post("/v1/claims", json=job_expansion_claim(), headers=users["clerk"])
            assert r.status_code == 201, r.text
            cid = r.json()["claim_id"]
            r = http.post(f"/v1/claims/{cid}/approve", json={"approved_on": "2022-07-16"},
                           headers=users["reviewer"])
            assert r.status_code == 200, r.text
            approved = r.json()
            # Read right after the acknowledgement, most likely through another worker.
            r = http.get(f"/v1/claims/{cid}", headers=users["clerk"])
            assert r.status_code == 200 and r.json() == approved, r.text
            assert r.headers["etag"] == f'"{approved["version"]}"'
            fund = http.get("/v1/funds/unemployment_insurance:210100", headers=users["treasurer"]).json()
            assert fund["balance"]["reserved"] == f"{1500 * (i + 1)}.00"
            listed = http.get("/v1/claims", params={"limit": 1000}, headers=users["clerk"]).json()["items"]
            assert len(listed) == i + 1
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        http.close()

    assert not list(tmp_path.rglob("*.key")), "outside demo mode no key is generated"
    check = Runtime(settings)
    events = [check.app.mapper.to_domain_event(n)
              for n in check.app.recorder.select_notifications(start=None, limit=100_000)]
    admins = [e for e in events if type(e).__name__ == "Registered" and e.roles == ["admin"]]
    assert len(admins) == 1, "the bootstrap admin was created more than once"
    check.close()


def test_an_unreachable_database_is_no_leadership_but_no_bar_to_a_one_at_a_time_lock():
    """The projector stands by when it cannot reach the database for its lock; a lock that
    only keeps two verifications apart lets the one asking go on (it reports the database
    itself). One class serves both, told which answer an unreachable database gives."""
    from projections.election import PostgresAdvisoryElection

    nowhere = {"host": "127.0.0.1", "port": 1, "dbname": "test", "user": "postgres"}
    assert PostgresAdvisoryElection(nowhere, 7).try_lead() is False
    assert PostgresAdvisoryElection(nowhere, 7, when_unreachable=True).try_lead() is True
