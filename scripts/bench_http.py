"""The ledger over HTTP against the HTTP stack's own ceiling (issue 11).

Starts two servers side by side with the same uvicorn flags, one process each:

- the *trivial* app (`trivial` below): FastAPI endpoints that do no work but parse the same
  body (`api.schemas.ClaimIn`) and return a claim-shaped answer;
- the ledger (`uvicorn api.app:app`) on a fresh SQLite store (or PostgreSQL with
  `--postgres URL`), with users, a fund and `--claims` approved claims loaded through HTTP.

Then drives each with `wrk` (8 connections for reads, 32 for writes; unique claim bodies
generated in Lua, so every submission is a new claim) and `hey` at a fixed 1,000 req/s for
`GET /v1/claims/{id}`; `wrk` and `hey` are installed with apt-get when missing. The whole
journey (submit, approve, pay) is driven by an asyncio client of 32 connections against
both, the trivial app answering its three requests as cheaply. Prints every figure, the
ratios ledger/trivial and the p99s against the issue's targets.

    scripts/bench_http [--duration 10] [--claims 300] [--postgres URL] [--profile DIR]
                       [--workers N] [--external] [--cities N] [--only writes]

`--workers N` runs both servers with N uvicorn workers; `--external` moves the ledger's
projection into a process of its own (`LEDGER_PROJECTIONS=external`, `ledger projections
run`); `--cities N` spreads the claims over N cities' funds (commands on different funds).
While the POSTs run, a probe submits a claim every 100 ms and reads it back at once: the read
waits until the read models hold the write (API.md, "Consistency"), so its time is the
projection's lag as a client meets it (printed as the read-your-write p50/p99).

`--profile DIR` records the ledger with py-spy during the claim-status run, or the run
`--profile-kind` names (raw samples and a summary of the hottest functions)."""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import orjson  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from api.schemas import ApproveIn, ClaimIn, PaymentIn  # noqa: E402
from ledger.domain.users import new_token, token_hash  # noqa: E402
from bench import claim_request  # noqa: E402  (scripts/bench.py, beside this file)
from bench_reads import process_cpu_s  # noqa: E402

ADMIN_TOKEN = "bench-http-admin-token-0123456789abcdef01"
PII_KEY = "ab" * 32
SEAL_KEY = "cd" * 32
CHAIN_KEY = "ce" * 32
FUND = "unemployment_insurance:210100"
CITIES = ("210100", "210200", "210300", "210400", "210500", "210600", "210700", "210800", "210900", "211000",
          "211100", "211200", "211300", "211400")
UVICORN_FLAGS = ["--log-level", "warning", "--no-access-log", "--host", "127.0.0.1"]
# The loaded history is July 2022's (as the contract's smoke client's): entered under a wide
# backdating window, as such a data set would be (README, "Business dates").
BACKDATE_DAYS = "36500"

# --- the trivial app --------------------------------------------------------------------------

CLAIM_SHAPED = {
    "claim_id": "00000000-0000-4000-8000-000000000000", "program": "job_expansion", "region": "210100",
    "applicant": {"kind": "enterprise", "id": "91210100MA0000001X", "name": "企业"},
    "beneficiary": {"id": "210103********0011", "name": "张三"},
    "facts": {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True},
    "application_date": "2022-07-15", "status": "approved", "fund_id": FUND, "rule_version": "r1",
    "entitlement_explanation": "1500.00 × 1 = 1500.00",
    "amounts": {k: "1500.00" for k in ("entitled", "approved", "reserved")} |
               {k: "0.00" for k in ("paid", "prepaid", "returned", "clawback_demanded", "recovered",
                                    "clawback_outstanding")},
    "payments": [], "clawbacks": [], "approved_on": "2022-07-16", "version": 2,
    "submitted_at": "2022-07-15T00:00:00.000000Z", "updated_at": "2022-07-16T00:00:00.000000Z"}
FUND_SHAPED = {"fund_id": FUND, "fund_type": "unemployment_insurance", "region": "210100", "name": "fund",
               "balance": {"allocated": "1000.00", "reserved": "0.00", "disbursed": "0.00", "recovered": "0.00",
                           "available": "1000.00"}, "position": 1, "version": 1}

trivial = FastAPI()


@trivial.get("/v1/claims/{claim_id}")
async def trivial_claim(claim_id: str):
    return {**CLAIM_SHAPED, "claim_id": claim_id}


@trivial.get("/v1/funds/{fund_id}")
async def trivial_fund(fund_id: str):
    return {**FUND_SHAPED, "fund_id": fund_id}


@trivial.post("/v1/claims", status_code=201)
async def trivial_submit(body: ClaimIn):
    return {**CLAIM_SHAPED, **body.model_dump(mode="json", exclude_unset=True), "claim_id": str(uuid.uuid4())}


@trivial.post("/v1/claims/{claim_id}/approve")
async def trivial_approve(claim_id: str, body: ApproveIn):
    return {**CLAIM_SHAPED, "claim_id": claim_id}


@trivial.post("/v1/claims/{claim_id}/payments", status_code=201)
async def trivial_pay(claim_id: str, body: PaymentIn):
    return {**CLAIM_SHAPED, "claim_id": claim_id, "status": "paid"}


@trivial.get("/readyz")
async def trivial_ready():
    return {"status": "ready"}


# --- servers ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, target: str, directory: Path, env: dict[str, str], workers: int = 1):
        self.name, self.port, self.workers = name, free_port(), workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / f"{name}.log"
        self._log = open(self.log_path, "w")
        workdir = directory / name
        workdir.mkdir()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", target, "--port", str(self.port), "--workers", str(workers),
             *UVICORN_FLAGS],
            cwd=workdir, env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'scripts'}", **env},
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                # Every worker must have started: several readiness answers in a row.
                if all(httpx.get(self.base + "/readyz", timeout=2).status_code == 200
                       for _ in range(4 * self.workers)):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not become ready:\n{self.log_path.read_text()[-3000:]}")

    def cpu_s(self) -> float:
        """CPU seconds of the server's processes so far: the supervisor and its workers."""
        return sum(process_cpu_s(pid) for pid in _tree(self.proc.pid))

    def stop(self) -> None:
        stop_session(self.proc)
        self._log.close()


def stop_session(proc: subprocess.Popen) -> None:
    """Ends a process started in a session of its own: politely, then its whole group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pids
    for child in children:
        pids += _tree(int(child))
    return pids


class Projector:
    """`ledger projections run` in a process of its own (LEDGER_PROJECTIONS=external)."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self._log = open(directory / "projector.log", "w")
        self.proc = subprocess.Popen([sys.executable, "-c", "from runtime.cli import main; main()", "projections",
                                      "run"], cwd=directory / "ledger", env={**os.environ, "PYTHONPATH": str(ROOT),
                                                                             **env},
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        stop_session(self.proc)
        self._log.close()


class ReadYourWrite:
    """Every `every_s`, submits a claim and reads it back at once; the read waits for the read
    models to hold the write, so its time is the projection's lag as a client meets it."""

    def __init__(self, base: str, token: str, first: int, cities: int, every_s: float = 0.1):
        self._http = httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"})
        self._next, self._cities, self._every = first, cities, every_s
        self._stop = threading.Event()
        self.reads: list[float] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "ReadYourWrite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._http.close()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._next += 1
            r = self._http.post("/v1/claims", json=in_city(self._next, self._cities))
            if r.status_code != 201:
                continue
            started = time.perf_counter()
            if self._http.get(f"/v1/claims/{r.json()['claim_id']}").status_code == 200:
                self.reads.append(time.perf_counter() - started)

    def percentiles(self) -> tuple[float, float, int]:
        reads = sorted(self.reads)
        if not reads:
            return float("nan"), float("nan"), 0
        return statistics.median(reads), reads[min(len(reads) - 1, int(len(reads) * 0.99))], len(reads)


def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "hey") if shutil.which(tool) is None]
    if missing:
        print(f"installing {' '.join(missing)} with apt-get ...", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "install", "-y", *missing], check=True, stdout=subprocess.DEVNULL)


# --- loading the ledger -------------------------------------------------------------------------

def in_city(i: int, cities: int) -> dict:
    """The i-th claim, in one of the first `cities` cities (its own fund)."""
    return {**claim_request(i), "region": CITIES[i % cities]}


def set_up(base: str, claims: int, cities: int = 1) -> tuple[dict[str, str], list[str]]:
    http = httpx.Client(base_url=base, timeout=30)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    tokens = {}
    for name in ("clerk", "reviewer", "treasurer"):
        # As a person would: the token made here, only its hash sent (API.md, "◆ Insiders and time").
        tokens[name] = new_token()
        r = http.post("/v1/users", json={"name": f"bench {name}", "roles": [name], "regions": ["210000"],
                                         "token_sha256": token_hash(tokens[name])}, headers=admin)
        r.raise_for_status()
    treasurer = {"Authorization": f"Bearer {tokens['treasurer']}"}
    for city in CITIES[:cities]:
        http.post("/v1/funds", json={"fund_type": "unemployment_insurance", "region": city},
                  headers=treasurer).raise_for_status()
        http.post(f"/v1/funds/unemployment_insurance:{city}/allocations", headers=treasurer,
                  json={"amount": "9000000000.00", "source": "central", "document_no": "bench-http",
                        "effective_date": "2022-06-10"}).raise_for_status()
    ids = []
    for i in range(claims):
        r = http.post("/v1/claims", json=in_city(10_000_000 + i, cities),
                      headers={"Authorization": f"Bearer {tokens['clerk']}"})
        r.raise_for_status()
        cid = r.json()["claim_id"]
        http.post(f"/v1/claims/{cid}/approve", json={"approved_on": "2022-07-16"},
                  headers={"Authorization": f"Bearer {tokens['reviewer']}"}).raise_for_status()
        ids.append(cid)
    return tokens, ids




# --- wrk and hey ----------------------------------------------------------------------------------

WRK_GET = """
ids = {%s}
token = "%s"
request = function()
  return wrk.format("GET", "/v1/claims/" .. ids[math.random(#ids)], {["Authorization"] = "Bearer " .. token})
end
"""

# Unique job_expansion bodies: birth years/serials walk per thread from `base`, check
# characters as api/ledger's identifiers compute them (GB 11643 and GB 32100).
WRK_POST = """
local W = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
local W2 = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
local token = "%s"
local counter = 0
local base = %d
local cities = {%s}
local threads = 0
setup = function(thread) thread:set("offset", threads); threads = threads + 1 end
local function person(i)
  -- a thousand people per birth date, each date (of a 28-day month) used once: unique ids
  local d = math.floor(i / 1000)
  local body = string.format("210103%%04d%%02d%%02d%%03d", 1950 + math.floor(d / 336), 1 + math.floor(d / 28) %% 12,
                             1 + d %% 28, i %% 1000)
  local s = 0
  for k = 1, 17 do s = s + tonumber(body:sub(k, k)) * W[k] end
  local check = ("10X98765432"):sub(s %% 11 + 1, s %% 11 + 1)
  return body .. check
end
local function credit(i)
  local body = string.format("91210100MA%%07d", i %% 10000000):sub(1, 17)
  local s = 0
  for k = 1, 17 do s = s + (ALPHA:find(body:sub(k, k), 1, true) - 1) * W2[k] end
  local c = (31 - s %% 31) %% 31
  return body .. ALPHA:sub(c + 1, c + 1)
end
request = function()
  counter = counter + 1
  local i = base + (offset or 0) * 1000000 + counter
  local body = string.format('{"program":"job_expansion","region":"%%s","applicant":{"kind":"enterprise",' ..
    '"id":"%%s","name":"企业"},"beneficiary":{"id":"%%s","name":"张三"},"facts":{"graduation_year":2022,' ..
    '"contract_start":"2022-07-01","unemployment_insured":true},"application_date":"2022-07-15"}',
    cities[i %% #cities + 1], credit(i), person(i))
  return wrk.format("POST", "/v1/claims", {["Authorization"] = "Bearer " .. token,
                                           ["Content-Type"] = "application/json"}, body)
end
"""


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text.strip())
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(url: str, script: str, connections: int, duration: int, directory: Path, name: str) -> dict:
    path = directory / f"{name}.lua"
    path.write_text(script)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "-s", str(path),
                          url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p50 = _seconds(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _seconds(re.search(r"\s99%\s+(\S+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "requests": requests, "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def run_hey(url: str, token: str, rate: int, duration: int) -> dict:
    workers = 10
    out = subprocess.run(["hey", "-z", f"{duration}s", "-c", str(workers), "-q", str(rate // workers),
                          "-H", f"Authorization: Bearer {token}", url], capture_output=True, text=True,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p50 = float(re.search(r"50%% in ([0-9.]+) secs".replace("%%", "%"), out).group(1))
    p99 = float(re.search(r"99%% in ([0-9.]+) secs".replace("%%", "%"), out).group(1))
    codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    return {"rps": rps, "p50": p50, "p99": p99, "codes": codes}


# --- the whole journey ------------------------------------------------------------------------------

async def journeys(port: int, tokens: dict[str, str], duration: int, connections: int, first: int,
                   cities: int = 1) -> dict:
    """Submit, approve, pay per journey, from `connections` keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(first, first + 10_000_000))
    stop_at = time.monotonic() + duration

    async def call(reader, writer, method: str, path: str, token: str, body: dict) -> tuple[int, bytes]:
        data = orjson.dumps(body)
        writer.write(f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
        answer = await reader.readexactly(length)
        statuses[status] = statuses.get(status, 0) + 1
        return status, answer

    async def drive() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop_at:
                i = next(counter)
                started = time.perf_counter()
                status, answer = await call(reader, writer, "POST", "/v1/claims", tokens["clerk"], in_city(i, cities))
                if status != 201:
                    continue
                cid = orjson.loads(answer)["claim_id"]
                status, answer = await call(reader, writer, "POST", f"/v1/claims/{cid}/approve", tokens["reviewer"],
                                            {"approved_on": "2022-07-16"})
                if status != 200:
                    continue
                amount = orjson.loads(answer)["amounts"]["approved"]
                status, _ = await call(reader, writer, "POST", f"/v1/claims/{cid}/payments", tokens["treasurer"],
                                       {"amount": amount, "kind": "settlement", "payment_ref": f"J{i}",
                                        "paid_on": "2022-07-20"})
                if status == 201:
                    latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(drive() for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"journeys_per_s": len(latencies) / elapsed, "requests_per_s": sum(statuses.values()) / elapsed,
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p99": latencies[int(len(latencies) * 0.99)] if latencies else float("nan"), "statuses": statuses}


# --- profile --------------------------------------------------------------------------------------

def start_profile(pid: int, directory: Path, duration: int, kind: str = "GET claim") -> tuple[subprocess.Popen, Path] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy not installed (pip install py-spy): no profile")
        return None
    path = directory / f"{kind.lower().replace(' ', '-')}.txt"
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--format", "raw", "--duration", str(duration),
                             "--rate", "200", "--gil", "--output", str(path), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, path


def summarize_profile(path: Path, top: int = 25) -> None:
    """Samples per function (self and inclusive), from py-spy's collapsed stacks."""
    if not path.exists():
        print("no profile written")
        return
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    print(f"\nprofile of the {path.stem} run ({total} samples; {path}):")
    print("  inclusive:")
    for frame, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {100 * n / total:5.1f}%  {frame}")
    print("  self:")
    for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:top // 2]:
        print(f"    {100 * n / total:5.1f}%  {frame}")


# --- main ---------------------------------------------------------------------------------------------

def measured(server: "Server", measure, duration: int, also: "Projector | None" = None) -> dict:
    """`measure(server, duration)`, with the server's CPU per answered request (and that of
    the projector process, when the ledger has one of its own)."""
    extra = (lambda: process_cpu_s(also.proc.pid)) if also is not None else (lambda: 0.0)
    before = server.cpu_s() + extra()
    result = measure(server, duration)
    answered = result.get("requests") or sum(int(n) for n in result.get("codes", {}).values())
    result["cpu_ms"] = (server.cpu_s() + extra() - before) * 1e3 / max(1, answered)
    return result


def _median(items: list[dict]) -> dict:
    merged = dict(items[len(items) // 2])
    for key in ("rps", "p50", "p99", "cpu_ms"):
        merged[key] = statistics.median(item[key] for item in items)
    merged["non_2xx"] = sum(item.get("non_2xx", 0) for item in items)
    merged["requests"] = sum(item.get("requests", 0) for item in items)
    return merged


def fmt(result: dict) -> str:
    text = (f"{result['rps']:9,.0f} req/s  p50 {result['p50'] * 1e3:6.2f} ms  p99 {result['p99'] * 1e3:7.2f} ms"
            f"  server CPU {result['cpu_ms']:5.2f} ms/req")
    if result.get("non_2xx"):
        text += f"  non-2xx {result['non_2xx']}"
    if result.get("socket_errors"):
        text += f"  socket errors: {result['socket_errors']}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--claims", type=int, default=300, help="approved claims loaded before the reads")
    parser.add_argument("--postgres", help="run the ledger on this PostgreSQL URL (a schema of its own)")
    parser.add_argument("--profile", type=Path, help="py-spy the ledger's claim-status run into this directory")
    parser.add_argument("--profile-kind", default="GET claim", choices=("GET claim", "POST claims", "journey"),
                        help="which run --profile records (its first on the ledger)")
    parser.add_argument("--runs", type=int, default=3, help="pairs per figure (medians reported)")
    parser.add_argument("--skip-writes", action="store_true", help="reads only")
    parser.add_argument("--writes-only", action="store_true", help="the POSTs and the journey only")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of each server")
    parser.add_argument("--external", action="store_true",
                        help="the ledger's projection in a process of its own (LEDGER_PROJECTIONS=external)")
    parser.add_argument("--cities", type=int, default=1, choices=range(1, len(CITIES) + 1), metavar="N",
                        help="spread claims over N cities' funds (1-14)")
    args = parser.parse_args()
    ensure_tools()
    directory = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = {"LEDGER_BOOTSTRAP_ADMIN_TOKEN": ADMIN_TOKEN, "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
           "LEDGER_CHAIN_KEY": CHAIN_KEY,
           "LEDGER_DATABASE_URL": args.postgres or f"sqlite:///{directory}/ledger.db", "LEDGER_DEMO_DATA": "0",
           "LEDGER_BACKDATE_DAYS": BACKDATE_DAYS}
    if args.postgres:
        env["LEDGER_PG_SCHEMA"] = f"bench_http_{uuid.uuid4().hex[:8]}"
    for name in ("LEDGER_READ_REPLICA_URL", "LEDGER_PROJECTIONS", "LEDGER_PII_KEY_FILE", "LEDGER_SEAL_KEY_FILE",
                 "LEDGER_CHAIN_KEY_FILE"):
        os.environ.pop(name, None)
    if args.external:
        env["LEDGER_PROJECTIONS"] = "external"
    servers = [Server("trivial", "bench_http:trivial", directory, {}, args.workers),
               Server("ledger", "api.app:app", directory, env, args.workers)]
    projector = None
    try:
        if args.external:
            projector = Projector(directory, env)
        for server in servers:
            server.wait_ready()
        trivial_server, ledger_server = servers
        print(f"loading {args.claims} approved claims into the ledger ...", flush=True)
        tokens, ids = set_up(ledger_server.base, args.claims, args.cities)
        get_script = WRK_GET % (",".join(f'"{i}"' for i in ids), tokens["clerk"])
        fund_script = WRK_GET.replace('"/v1/claims/" .. ids[math.random(#ids)]', f'"/v1/funds/{FUND}"') % (
            '"x"', tokens["treasurer"])
        results: dict[str, dict] = {}
        for server in servers:
            run_wrk(server.base, get_script, 8, 2, directory, f"warm-{server.name}")
        kinds = [] if args.writes_only else [
            ("GET claim", lambda srv, d: run_wrk(srv.base, get_script, 8, d, directory, "get")),
            ("GET fund", lambda srv, d: run_wrk(srv.base, fund_script, 8, d, directory, "fund")),
            ("GET claim @1000/s", lambda srv, d: run_hey(f"{srv.base}/v1/claims/{ids[0]}", tokens["clerk"], 1000, d))]
        bases = iter(range(20_000_000, 2_000_000_000, 20_000_000))
        probes = iter(range(2_000_000_000, 4_000_000_000, 10_000_000))
        lag: list[float] = []

        def post(srv: Server, d: int) -> dict:
            script = WRK_POST % (tokens["clerk"], next(bases), ",".join(f'"{c}"' for c in CITIES[:args.cities]))
            if srv is trivial_server:
                return run_wrk(srv.base, script, 32, d, directory, "post")
            with ReadYourWrite(srv.base, tokens["clerk"], next(probes), args.cities) as probe:
                result = run_wrk(srv.base, script, 32, d, directory, "post")
            lag.extend(probe.reads)
            return result

        def journey(srv: Server, d: int) -> dict:
            out = asyncio.run(journeys(srv.port, tokens, d, 32, next(bases), args.cities))
            return {"rps": out["journeys_per_s"], "p50": out["p50"], "p99": out["p99"],
                    "requests": sum(out["statuses"].values()), "statuses": out["statuses"]}

        if not args.skip_writes:
            kinds += [("POST claims", post), ("journey", journey)]
        # Pair by pair: each kind runs on the trivial app, then at once on the ledger, `--runs`
        # times; the medians are reported (the machine is shared: neighbours come and go).
        for kind, measure in kinds:
            runs: dict[str, list[dict]] = {"trivial": [], "ledger": []}
            for _ in range(args.runs):
                for server in servers:
                    profile = None
                    if server.name == "ledger" and kind == args.profile_kind and args.profile and not runs["ledger"]:
                        args.profile.mkdir(parents=True, exist_ok=True)
                        profile = start_profile(server.proc.pid, args.profile, args.duration, kind)
                    runs[server.name].append(measured(server, measure, args.duration,
                                                      projector if server is ledger_server else None))
                    if profile:
                        profile[0].wait()
            for name, items in runs.items():
                results[f"{name} {kind}"] = _median(items)
    finally:
        for server in servers:
            server.stop()
        if projector is not None:
            projector.stop()

    print(f"\nHTTP, uvicorn --workers {args.workers} {' '.join(UVICORN_FLAGS)} for each server, {args.duration} s "
          f"per figure, median of {args.runs} pairs, ledger on {'PostgreSQL' if args.postgres else 'SQLite'}"
          f"{', projection in a process of its own' if args.external else ''}, claims over {args.cities} "
          f"cit{'y' if args.cities == 1 else 'ies'}' funds, {os.cpu_count()} cores")
    for key, result in results.items():
        print(f"  {key:28s} {fmt(result)}" + (f"  codes {result['codes']}" if "codes" in result else ""))

    def ratio(what: str) -> float:
        return results[f"ledger {what}"]["rps"] / results[f"trivial {what}"]["rps"]

    print("\nratios ledger/trivial and targets (issue 11):")
    def cpu_ratio(what: str) -> float:
        return results[f"trivial {what}"]["cpu_ms"] / results[f"ledger {what}"]["cpu_ms"]

    if not args.writes_only:
        print(f"  GET claim   {ratio('GET claim'):.2f}×   (≥ 0.5); by server CPU per request "
              f"{cpu_ratio('GET claim'):.2f}×")
        print(f"  GET fund    {results['ledger GET fund']['rps'] / results['trivial GET claim']['rps']:.2f}× "
              f"of the trivial GET claim, {ratio('GET fund'):.2f}× of the trivial GET fund   (≥ 0.5); "
              f"by server CPU per request {cpu_ratio('GET fund'):.2f}×")
        fixed = results["ledger GET claim @1000/s"]
        print(f"  GET claim at a fixed 1,000 req/s: held {fixed['rps']:,.0f} req/s, p99 {fixed['p99'] * 1e3:.2f} ms "
              "(≤ 5 ms)")
    if not args.skip_writes:
        post = results["ledger POST claims"]
        print(f"  POST claims {ratio('POST claims'):.2f}×   (≥ 0.35; by server CPU per request "
              f"{cpu_ratio('POST claims'):.2f}×), p99 {post['p99'] * 1e3:.1f} ms (≤ 50 ms), "
              f"non-2xx {post['non_2xx']} of {post['requests']} (0)")
        journey = results["ledger journey"]
        print(f"  journey submit/approve/pay, 32 connections: {journey['rps']:,.0f} journeys/s, "
              f"{ratio('journey'):.2f}× of the trivial app's three requests; p50 {journey['p50'] * 1e3:.1f} ms, "
              f"p99 {journey['p99'] * 1e3:.1f} ms, statuses {journey['statuses']}")
        reads = sorted(lag)
        if reads:
            print(f"  read-your-write while POSTing (the projection's lag as a client meets it): "
                  f"p50 {statistics.median(reads) * 1e3:.1f} ms, p99 "
                  f"{reads[min(len(reads) - 1, int(len(reads) * 0.99))] * 1e3:.1f} ms over {len(reads)} probes "
                  "(< 100 ms)")
    if args.profile:
        summarize_profile(args.profile / f"{args.profile_kind.lower().replace(' ', '-')}.txt")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
