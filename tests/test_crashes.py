"""Load against two API processes and a projection process, on SQLite and on PostgreSQL,
while they are killed with SIGKILL at random moments and restarted. Every command that got a 2xx answer
is in the log exactly once (the client retries with the same Idempotency-Key), and the
read models equal a rebuild from the log."""
from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from projections.rebuild import differences, rebuild
from runtime.container import Runtime, open_read_model

from .support import ADMIN_TOKEN, CHAIN_KEY, PII_KEY, SEAL_KEY, job_expansion_claim, person_id, token_pair

ROOT = Path(__file__).resolve().parents[1]
KILLS = 12


class _Process:
    def __init__(self, args: list[str], env: dict, log: Path):
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class _Client:
    """Retries through crashes with the same Idempotency-Key, on whichever API is up.

    The APIs listen on Unix sockets of this test's own: a TCP port freed by a SIGKILL could be
    taken by a server of a concurrently running test, whose answers would then be counted here."""

    def __init__(self, sockets: list[str]):
        self.sockets = sockets
        self.clients = {path: httpx.Client(transport=httpx.HTTPTransport(uds=path), base_url="http://ledger",
                                           timeout=15) for path in sockets}

    def send(self, method: str, path: str, token: str, body: dict | None = None, key: str | None = None,
             deadline_s: float = 60.0) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        deadline = time.monotonic() + deadline_s
        while True:
            api = self.clients[random.choice(self.sockets)]
            try:
                r = api.request(method, path, json=body, headers=headers)
                if r.status_code < 500 and not (r.status_code == 409 and r.json().get("code") == "conflict"):
                    return r
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} {path} got no answer in {deadline_s} s")
            time.sleep(0.05)


@pytest.mark.slow
def test_sigkill_of_api_and_projection_processes_loses_no_acknowledged_command(settings, tmp_path):
    env = {**os.environ, "LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
           "LEDGER_DATA_DIR": str(settings.data_dir),
           "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
           "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_BOOTSTRAP_ADMIN_TOKEN": ADMIN_TOKEN,
           "LEDGER_PROJECTIONS": "external", "LEDGER_BACKDATE_DAYS": str(settings.backdate_days),
           "LEDGER_READ_WAIT_S": "10", "PYTHONPATH": str(ROOT)}
    sockets = [str(tmp_path / f"api{i}.sock") for i in range(2)]
    log = tmp_path / "processes.log"
    apis = [_Process([sys.executable, "-m", "uvicorn", "api.app:app", "--uds", path, "--log-level", "warning"],
                     env, log) for path in sockets]
    projector = _Process([sys.executable, "-c", "from runtime.cli import main; main()", "projections", "run"], env, log)
    everyone = [*apis, projector]
    for p in everyone:
        p.start()
    client = _Client(sockets)
    try:
        for path in sockets:
            client.sockets = [path]
            client.send("GET", "/v1/users/me", ADMIN_TOKEN)
        client.sockets = sockets

        def user(name, roles):
            token, digest = token_pair()
            r = client.send("POST", "/v1/users", ADMIN_TOKEN, {"name": name, "roles": roles, "regions": ["210000"],
                                                                "token_sha256": digest}, key=f"user-{name}")
            assert r.status_code == 201, r.text
            return token

        clerk, reviewer, treasurer = user("clerk", ["clerk"]), user("reviewer", ["reviewer"]), user("t", ["treasurer"])
        client.send("POST", "/v1/funds", treasurer, {"fund_type": "unemployment_insurance", "region": "210100"},
                    key="fund")
        r = client.send("POST", "/v1/funds/unemployment_insurance:210100/allocations", treasurer,
                        {"amount": "9000000000.00", "source": "central", "document_no": "crash",
                         "effective_date": "2022-06-10"}, key="alloc")
        assert r.status_code == 201, r.text

        submitted: dict[str, tuple[str, str]] = {}  # key -> (claim id, beneficiary id)
        approved: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()

        errors: list[BaseException] = []

        def load(worker: int) -> None:
            try:
                for n in itertools.count():
                    if stop.is_set():
                        return
                    # A hire of its own each time (one claim per hire and year): worker, then
                    # number, spelled in the birth date and the sequence of the identity number.
                    birth = (dt.date(1990, 1, 1) + dt.timedelta(days=worker * 1000 + n // 1000)).strftime("%Y%m%d")
                    body = job_expansion_claim(beneficiary=person_id(seq=n % 1000, birth=birth))
                    key = f"w{worker}-{uuid.uuid4().hex}"
                    r = client.send("POST", "/v1/claims", clerk, body, key=key)
                    assert r.status_code == 201, r.text
                    cid = r.json()["claim_id"]
                    with lock:
                        submitted[key] = (cid, body["beneficiary"]["id"])
                    r = client.send("POST", f"/v1/claims/{cid}/approve", reviewer, {"approved_on": "2022-07-16"},
                                    key=f"approve-{cid}")
                    assert r.status_code == 200, r.text
                    with lock:
                        approved.append(cid)
            except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        rng = random.Random(7)
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.4, 1.2))
            victim = rng.choice(everyone)
            victim.kill()
            time.sleep(rng.uniform(0.0, 0.3))
            victim.start()
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert len(submitted) >= 10, "the load made too little progress to prove anything"

        rt = Runtime(settings)
        events = [rt.app.mapper.to_domain_event(n)
                  for n in rt.app.recorder.select_notifications(start=None, limit=1_000_000)]
        by_ref = Counter(e.beneficiary["ref"] for e in events if type(e).__name__ == "Submitted")
        claim_of = {e.beneficiary["ref"]: str(e.originator_id) for e in events if type(e).__name__ == "Submitted"}
        assert max(by_ref.values()) == 1, "a command was recorded twice"
        for cid, beneficiary in submitted.values():
            ref = rt.ledger.pii.ref(beneficiary)
            assert by_ref[ref] == 1 and claim_of[ref] == cid, "an acknowledged submission is missing"
        approvals = Counter(str(e.originator_id) for e in events if type(e).__name__ == "Approved")
        assert all(approvals[cid] == 1 for cid in approved)

        # Once the projector has caught up, its read models equal a rebuild from the log.
        head = rt.ledger.head_position()
        deadline = time.monotonic() + 60
        while rt.runner.stored_position() < head:
            assert time.monotonic() < deadline, "the projection process did not catch up"
            time.sleep(0.1)
        fresh = open_read_model(settings, elsewhere=(settings.pg_schema + "_rebuild") if settings.backend == "postgres"
                                else "ledger-views-rebuild.db")
        rebuild(rt.app, fresh)
        assert differences(rt.views, fresh) == []
        fresh.close()
        rt.close()
    finally:
        for p in everyone:
            p.stop()
        for api in client.clients.values():
            api.close()
