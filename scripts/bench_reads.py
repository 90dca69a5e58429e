"""Read-path benchmark over real HTTP on the embedded SQLite default.

Each run starts the API as `uvicorn api.app:app --workers W --uds <private socket>` on a
fresh SQLite store, loads users, a fund and N approved `job_expansion` claims through the
HTTP API, then fires M GET requests from C keep-alive connections and reports requests/s
and p50/p90/p99 latency for:

- claim status            GET /v1/claims/{id}                       (random claims)
- claim status, c=1       the same from one connection (the unloaded latency floor)
- fund balance            GET /v1/funds/unemployment_insurance:210100
- claim as-of position    GET /v1/claims/{id}?as_of_position=P      (P random, after the claim's approval)
- fund as-of time         GET /v1/funds/{id}?as_of=<RFC 3339>       (random time since the fund opened)
- fund as-of position     GET /v1/funds/{id}?as_of_position=P       (random position since the fund opened)

The two fund as-of reads are also measured after N/10 claims, before the log is grown to
N claims, and the ratio big/small of their p50 and p99 is printed: near 1 when as-of reads
are index seeks, growing with the log if anything scans or replays it.

The client is one asyncio process speaking raw HTTP/1.1 over the Unix socket (no HTTP
library in the measured loop); it runs on the same cores as the server, and its CPU share
is printed with the figures, as is the CPU the server's workers spent per request and the
CPU other processes on the machine took meanwhile. Latency is measured per request with
time.perf_counter, from writing the request to having read the whole response. The
connections are spread evenly over the workers (each traced with `ss` to the worker that
accepted it): a burst of connections to uvicorn's shared socket often lands on one worker.

Before measuring, the as-of answers are checked against what was live (the fund at the end
of the N/10 phase, by time and by position; a claim at each of its events' positions).
`--profile DIR` records the workers with py-spy (`--gil`, raw) during the last run's
claim-status phase and prints where the GIL-holding time goes, by layer.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402  (set-up and checks only; the measured loop speaks raw HTTP)
import orjson  # noqa: E402

from bench import claim_request  # noqa: E402  (scripts/bench.py, beside this file)
from ledger.domain.users import new_token, token_hash  # noqa: E402

ADMIN_TOKEN = "bench-reads-admin-token-0123456789abcdef"
PII_KEY = "ab" * 32
SEAL_KEY = "cd" * 32
CHAIN_KEY = "ce" * 32
FUND = "unemployment_insurance:210100"
CLK_TCK = os.sysconf("SC_CLK_TCK")

KINDS = ("claim", "claim_c1", "fund", "claim_asof_pos", "fund_asof_time", "fund_asof_pos")
LABELS = {
    "claim": "claim status",
    "claim_c1": "claim status, c=1",
    "fund": "fund balance",
    "claim_asof_pos": "claim as_of_position",
    "fund_asof_time": "fund as_of (time)",
    "fund_asof_pos": "fund as_of_position",
}


# --- data ---------------------------------------------------------------------------------

def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


# --- a lean HTTP/1.1 client over a Unix socket ------------------------------------------------

def raw_request(method: str, target: str, token: str, body: bytes | None = None) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: ledger", f"Authorization: Bearer {token}"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class Connection:
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, uds: str) -> "Connection":
        reader, writer = await asyncio.open_unix_connection(uds, limit=1 << 22)
        return cls(reader, writer)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        at = lower.find(b"\r\ncontent-length:")
        if at < 0:
            raise RuntimeError(f"response without Content-Length: {head[:300]!r}")
        length = int(lower[at + 17:lower.index(b"\r\n", at + 2)])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Result:
    kind: str
    requests: int
    concurrency: int
    wall_s: float
    latencies_ms: list[float]
    client_cpu_s: float
    server_cpu_s: dict[int, float]
    errors: list[str] = field(default_factory=list)
    balanced: bool = True
    others_cpu_s: float = 0.0  # CPU the rest of the machine used meanwhile (other processes)

    @property
    def rps(self) -> float:
        return self.requests / self.wall_s

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def server_cpu_ms_per_request(self) -> float:
        return 1000 * sum(self.server_cpu_s.values()) / self.requests

    def line(self) -> str:
        split = "/".join(f"{100 * v / max(sum(self.server_cpu_s.values()), 1e-9):.0f}"
                         for v in self.server_cpu_s.values())
        text = (f"{LABELS[self.kind]:22} c={self.concurrency:<3} {self.rps:7,.0f} req/s  p50 {self.pct(50):6.2f}  "
                f"p90 {self.pct(90):6.2f}  p99 {self.pct(99):6.2f} ms  server CPU {self.server_cpu_ms_per_request:.2f} "
                f"ms/req (workers {split} %)  client {100 * self.client_cpu_s / self.wall_s:.0f} %, "
                f"others {100 * self.others_cpu_s / self.wall_s:.0f} % of a core")
        if not self.balanced and self.concurrency > 1:
            text += "  (connections NOT spread over the workers)"
        if self.errors:
            text += f"  ERRORS {len(self.errors)}: {self.errors[0]}"
        return text


_SS_LINE = re.compile(r"^\S+\s+\d+\s+\d+\s+(\S+)\s+(\d+)\s+\S+\s+(\d+)\s+.*pid=(\d+)")


def serving_pids(uds: str) -> dict[int, int]:
    """Which process holds the server end of each connection to `uds`: {client inode: pid}
    (from `ss`, which names the peer of each Unix socket)."""
    try:
        out = subprocess.run(["ss", "-xpnH", "state", "established"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found = {}
    for line in out.splitlines():
        match = _SS_LINE.match(line.strip())
        if match and match.group(1) == uds:
            found[int(match.group(3))] = int(match.group(4))
    return found


async def open_balanced(uds: str, count: int, workers: list[int], probe: bytes) -> tuple[list[Connection], bool]:
    """`count` connections spread evenly over the workers. uvicorn's workers accept from one
    shared socket, and a burst of connections often lands on one worker, which would measure
    one worker's capacity; so connections are opened, each is traced to the worker that
    accepted it, and the surplus is closed. Returns the connections and whether they are balanced."""
    want = {pid: count // len(workers) + (1 if k < count % len(workers) else 0) for k, pid in enumerate(workers)}
    kept: dict[int, list[Connection]] = {pid: [] for pid in workers}
    spare: list[Connection] = []
    for _ in range(30):
        batch = [await Connection.open(uds) for _ in range(max(2, count))]
        for conn in batch:
            await conn.send(probe)  # accepted and served: the server end now belongs to a worker
        owners = serving_pids(uds)
        if not owners:  # no `ss` here, or it does not name the peers: take the connections as they come
            spare.extend(batch)
            break
        for conn in batch:
            pid = owners.get(os.fstat(conn.writer.get_extra_info("socket").fileno()).st_ino)
            if pid in kept and len(kept[pid]) < want[pid]:
                kept[pid].append(conn)
            else:
                spare.append(conn)
        if all(len(kept[pid]) >= want[pid] for pid in workers):
            break
    balanced = all(len(kept[pid]) >= want[pid] for pid in workers)
    chosen = [conn for pid in workers for conn in kept[pid]]
    while len(chosen) < count:
        chosen.append(spare.pop())
    for conn in spare:
        conn.close()
    return chosen, balanced


async def fire(uds: str, kind: str, requests: list[bytes], concurrency: int, workers: list[int],
               warmup: list[bytes]) -> Result:
    """Sends `requests` over `concurrency` connections spread evenly over the workers (after
    an unmeasured warm-up) and times each one."""
    conns, balanced = await open_balanced(uds, concurrency, workers, warmup[0])
    try:
        async def drive(conn: Connection, items, latencies: list[float] | None, errors: list[str]) -> None:
            for i, raw in items:
                started = time.perf_counter()
                status, body = await conn.send(raw)
                if latencies is not None:
                    latencies[i] = (time.perf_counter() - started) * 1000
                if status != 200 and len(errors) < 5:
                    errors.append(f"{status} {body[:200].decode(errors='replace')}")

        warm_errors: list[str] = []
        shared = iter(enumerate(warmup))
        await asyncio.gather(*(drive(c, shared, None, warm_errors) for c in conns))
        latencies = [0.0] * len(requests)
        errors: list[str] = []
        shared = iter(enumerate(requests))
        cpu_before = {pid: process_cpu_s(pid) for pid in workers}
        machine_before = machine_busy_s()
        client_before = time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(drive(c, shared, latencies, errors) for c in conns))
        wall = time.perf_counter() - started
        client_cpu = time.process_time() - client_before
        server = {pid: process_cpu_s(pid) - cpu_before[pid] for pid in workers}
        others = machine_busy_s() - machine_before - client_cpu - sum(server.values())
        return Result(kind, len(requests), concurrency, wall, latencies, client_cpu, server, warm_errors + errors,
                      balanced, max(0.0, others))
    finally:
        for c in conns:
            c.close()


def machine_busy_s() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


# --- the server -------------------------------------------------------------------------------

class Server:
    def __init__(self, directory: Path, workers: int):
        self.directory = directory
        self.uds = str(directory / "api.sock")
        self.log_path = directory / "uvicorn.log"
        env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{directory}/ledger.db",
               "LEDGER_BOOTSTRAP_ADMIN_TOKEN": ADMIN_TOKEN, "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
               "LEDGER_CHAIN_KEY": CHAIN_KEY,
               # Its history is July 2022's, entered under the wide window such a data set needs.
               "LEDGER_BACKDATE_DAYS": "36500",
               "PYTHONPATH": str(ROOT)}
        for name in ("LEDGER_PG_SCHEMA", "LEDGER_READ_REPLICA_URL", "LEDGER_PROJECTIONS", "LEDGER_DEMO_DATA"):
            env.pop(name, None)
        workdir = directory / "work"
        workdir.mkdir()
        self._log = open(self.log_path, "w")
        # A session of its own, so that the supervisor and its workers can be ended together.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:app", "--workers", str(workers), "--uds", self.uds,
             "--log-level", "warning", "--no-access-log"],
            cwd=workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers_expected = workers

    def wait_ready(self, http: httpx.Client, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                if http.get("/readyz", timeout=2).status_code == 200 and len(self.worker_pids()) >= \
                        self.workers_expected:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API did not become ready in {timeout_s:.0f} s:\n{self.tail()}")
            time.sleep(0.2)
        # Every worker must have finished its start-up: several readiness answers in a row.
        for _ in range(20):
            http.get("/readyz", timeout=5).raise_for_status()
        time.sleep(1.0)

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (children of the supervisor that run the app; with
        one worker, uvicorn serves in its own process)."""
        if self.workers_expected == 1:
            return [self.proc.pid]
        pids = []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        for child in children:
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"resource_tracker" not in cmdline:
                pids.append(int(child))
        return sorted(pids)

    def tail(self) -> str:
        """The log's supervisor and error lines (a worker that died shows only there), then its end."""
        self._log.flush()
        text = self.log_path.read_text(errors="replace")
        notable = [line for line in text.splitlines()
                   if line.startswith(("ERROR", "WARNING", "INFO")) or "Error:" in line or "died" in line]
        return "\n".join(notable[:40]) + "\n...\n" + text[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
        try:  # the workers too, should the supervisor have left any behind
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(10)
        self._log.close()


# --- loading data through the API -------------------------------------------------------------

def set_up(http: httpx.Client) -> dict[str, str]:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    tokens = {}
    for name in ("clerk", "reviewer", "treasurer"):
        # As a person would: the token made here, only its hash sent (API.md, "◆ Insiders and time").
        tokens[name] = new_token()
        r = http.post("/v1/users", json={"name": f"bench {name}", "roles": [name], "regions": ["210000"],
                                         "token_sha256": token_hash(tokens[name])}, headers=admin)
        r.raise_for_status()
    treasurer = {"Authorization": f"Bearer {tokens['treasurer']}"}
    r = http.post("/v1/funds", json={"fund_type": "unemployment_insurance", "region": "210100"}, headers=treasurer)
    r.raise_for_status()
    r = http.post(f"/v1/funds/{FUND}/allocations", headers=treasurer,
                  json={"amount": "1000000000.00", "source": "central", "document_no": "bench-reads",
                        "effective_date": "2022-06-10"})
    r.raise_for_status()
    return tokens


async def load_claims(uds: str, tokens: dict[str, str], first: int, count: int, concurrency: int,
                      retries: dict[str, int]) -> list[str]:
    """Submits and approves claims first..first+count-1; returns their ids in that order.
    `409 conflict` (two workers changed the fund at once, beyond the server's own re-runs)
    and `503` are retried after a pause, as a client should; `retries` counts them."""
    ids: list[str | None] = [None] * count
    approve = b'{"approved_on": "2022-07-16"}'

    async def call(conn: Connection, raw: bytes, expected: int, what: str) -> bytes:
        for attempt in range(50):
            status, answer = await conn.send(raw)
            if status == expected:
                return answer
            if status == 503 or (status == 409 and b'"code":"conflict"' in answer):
                retries[str(status)] = retries.get(str(status), 0) + 1
                await asyncio.sleep(0.005 * (attempt + 1))
                continue
            raise RuntimeError(f"{what}: {status} {answer[:300]!r}")
        raise RuntimeError(f"{what}: still {status} after 50 attempts")

    async def drive(items) -> None:
        conn = await Connection.open(uds)
        try:
            for k in items:
                body = orjson.dumps(claim_request(first + k))
                answer = await call(conn, raw_request("POST", "/v1/claims", tokens["clerk"], body), 201, "submit")
                cid = orjson.loads(answer)["claim_id"]
                await call(conn, raw_request("POST", f"/v1/claims/{cid}/approve", tokens["reviewer"], approve), 200,
                           "approve")
                ids[k] = cid
        finally:
            conn.close()

    shared = iter(range(count))
    await asyncio.gather(*(drive(shared) for _ in range(concurrency)))
    return ids  # type: ignore[return-value]


@dataclass
class Checkpoint:
    """After a chunk of claims: the log's head and a time no earlier than its last commit."""
    position: int
    moment: dt.datetime
    claims: int  # claims loaded so far


def checkpoint(http: httpx.Client, claims: int) -> Checkpoint:
    head = http.get("/readyz").json()["head_position"]
    return Checkpoint(head, dt.datetime.now(dt.timezone.utc), claims)


# --- one run ------------------------------------------------------------------------------------

def as_of_fund_requests(rng: random.Random, token: str, count: int, opened: Checkpoint,
                        last: Checkpoint) -> tuple[list[bytes], list[bytes]]:
    """Fund reads at random times and at random positions between the fund's opening and `last`."""
    span = (last.moment - opened.moment).total_seconds()
    by_time = [raw_request("GET", f"/v1/funds/{FUND}?as_of=" + quote(rfc3339(
        opened.moment + dt.timedelta(seconds=rng.uniform(0, span))), safe=""), token) for _ in range(count)]
    by_position = [raw_request("GET", f"/v1/funds/{FUND}?as_of_position={rng.randint(opened.position, last.position)}",
                               token) for _ in range(count)]
    return by_time, by_position


def one_run(args, run: int, profile_dir: Path | None) -> dict[str, Result]:
    rng = random.Random(args.seed + run)
    directory = Path(tempfile.mkdtemp(prefix="ledger-bench-reads-"))
    server = None
    http = None
    results: dict[str, Result] = {}
    try:
        server = Server(directory, args.workers)
        http = httpx.Client(transport=httpx.HTTPTransport(uds=server.uds), base_url="http://ledger", timeout=30)
        server.wait_ready(http)
        workers = server.worker_pids()
        tokens = set_up(http)
        opened = checkpoint(http, 0)
        small = max(1, args.claims // 10)
        chunks = max(1, args.chunks)

        # Load in chunks, noting the head after each: a claim of chunk k is approved by then.
        claim_ids: list[str] = []
        approved_by: list[int] = []  # per claim, a position at which it is approved
        checkpoints: list[Checkpoint] = []
        loading = {"wall_s": 0.0, "server_cpu_s": 0.0}
        retries: dict[str, int] = {}

        def grow(upto: int) -> None:
            cpu_before = sum(process_cpu_s(pid) for pid in workers)
            started = time.perf_counter()
            step = max(1, args.claims // chunks)
            while len(claim_ids) < upto:
                count = min(step, upto - len(claim_ids))
                ids = asyncio.run(load_claims(server.uds, tokens, len(claim_ids), count, args.load_concurrency,
                                              retries))
                cp = checkpoint(http, len(claim_ids) + count)
                claim_ids.extend(ids)
                approved_by.extend([cp.position] * count)
                checkpoints.append(cp)
            loading["wall_s"] += time.perf_counter() - started
            loading["server_cpu_s"] += sum(process_cpu_s(pid) for pid in workers) - cpu_before

        grow(small)
        small_cp = checkpoints[-1]
        treasurer = tokens["treasurer"]
        live_small = http.get(f"/v1/funds/{FUND}", headers={"Authorization": f"Bearer {treasurer}"}).json()
        small_moment = dt.datetime.now(dt.timezone.utc)
        warm = max(50, args.requests // 10)

        by_time, by_position = as_of_fund_requests(rng, treasurer, args.requests + warm, opened, small_cp)
        small_results = {
            "fund_asof_time": asyncio.run(fire(server.uds, "fund_asof_time", by_time[warm:], args.concurrency,
                                               workers, by_time[:warm])),
            "fund_asof_pos": asyncio.run(fire(server.uds, "fund_asof_pos", by_position[warm:], args.concurrency,
                                              workers, by_position[:warm])),
        }

        grow(args.claims)
        last = checkpoints[-1]
        commands = 2 * args.claims

        # What the as-of reads answer for the end of the small phase must be what was live then.
        check_failures = []
        for params in ({"as_of": rfc3339(small_moment)}, {"as_of_position": small_cp.position}):
            then = http.get(f"/v1/funds/{FUND}", params=params, headers={"Authorization": f"Bearer {treasurer}"})
            if then.status_code != 200 or then.json()["balance"] != live_small["balance"]:
                check_failures.append(f"fund {params}: {then.status_code} {then.text[:200]} != {live_small['balance']}")
        # A claim as of each of its events' positions is at that event's version; before its first, 404.
        clerk_auth = {"Authorization": f"Bearer {tokens['clerk']}"}
        events = http.get(f"/v1/claims/{claim_ids[0]}/events", headers=clerk_auth).json()["items"]
        expected = [(events[0]["position"] - 1, None)] + [(e["position"], e["version"]) for e in events] + [
            (e["position"] - 1, events[k - 1]["version"]) for k, e in enumerate(events) if k > 0]
        for position, version in expected:
            then = http.get(f"/v1/claims/{claim_ids[0]}", params={"as_of_position": position}, headers=clerk_auth)
            got = then.json().get("version") if then.status_code == 200 else None
            if got != version or (version is None and then.status_code != 404):
                check_failures.append(f"claim as_of_position={position}: {then.status_code} version {got}, "
                                      f"expected {version or 404}")

        clerk = tokens["clerk"]
        n = args.requests + warm
        picks = [rng.randrange(len(claim_ids)) for _ in range(n)]
        claim_reqs = [raw_request("GET", f"/v1/claims/{claim_ids[i]}", clerk) for i in picks]
        fund_reqs = [raw_request("GET", f"/v1/funds/{FUND}", treasurer) for _ in range(n)]
        claim_asof = [raw_request("GET", f"/v1/claims/{claim_ids[i]}?as_of_position="
                                  f"{rng.randint(approved_by[i], last.position)}", clerk)
                      for i in (rng.randrange(len(claim_ids)) for _ in range(n))]
        by_time, by_position = as_of_fund_requests(rng, treasurer, n, opened, last)
        c1 = max(200, args.requests // 5)
        plan = [("claim", claim_reqs, args.concurrency), ("claim_c1", claim_reqs[:c1 + warm // 2], 1),
                ("fund", fund_reqs, args.concurrency), ("claim_asof_pos", claim_asof, args.concurrency),
                ("fund_asof_time", by_time, args.concurrency), ("fund_asof_pos", by_position, args.concurrency)]
        for kind, reqs, concurrency in plan:
            w = warm if concurrency > 1 else warm // 2
            profiler = start_profile(profile_dir, kind, workers) if profile_dir and kind == "claim" else []
            try:
                results[kind] = asyncio.run(fire(server.uds, kind, reqs[w:], concurrency, workers, reqs[:w]))
            finally:
                profiles = stop_profile(profiler)
            if profiles:
                summarize_profile(profiles)

        print(f"run {run + 1}: {args.claims} claims ({commands} commands) loaded over HTTP at "
              f"{commands / loading['wall_s']:,.0f} commands/s ({1000 * loading['server_cpu_s'] / commands:.1f} ms "
              f"server CPU per command, retried: {retries or 'none'}); log head {small_cp.position:,} after "
              f"{small} claims, "
              f"{last.position:,} after {args.claims}; {len(workers)} workers", flush=True)
        for kind in KINDS:
            print(f"  {results[kind].line()}", flush=True)
        for kind in ("fund_asof_time", "fund_asof_pos"):
            s, b = small_results[kind], results[kind]
            print(f"  {LABELS[kind]:22} log {small_cp.position:,} -> {last.position:,} events: p50 {s.pct(50):.2f} -> "
                  f"{b.pct(50):.2f} ms (x{b.pct(50) / s.pct(50):.2f}), p99 {s.pct(99):.2f} -> {b.pct(99):.2f} ms "
                  f"(x{b.pct(99) / s.pct(99):.2f}); {s.rps:,.0f} -> {b.rps:,.0f} req/s; server CPU "
                  f"{s.server_cpu_ms_per_request:.2f} -> {b.server_cpu_ms_per_request:.2f} ms/req"
                  + (f"  ERRORS {s.errors[:1]}" if s.errors else ""), flush=True)
        verdict = "FAILED " + "; ".join(check_failures) if check_failures else "all answers as expected"
        print(f"  as-of checks: {verdict}"
              f" ({2 + len(expected)} reads)", flush=True)
        results.update({f"small_{k}": v for k, v in small_results.items()})
        results["_meta"] = (small_cp.position, last.position, commands / loading["wall_s"])  # type: ignore[assignment]
        if server.proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited during the run:\n{server.tail()}")
        return results
    except Exception:
        if server is not None:
            print(f"uvicorn log (tail):\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        if http is not None:
            http.close()
        if server is not None:
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- optional profile ----------------------------------------------------------------------------

def start_profile(profile_dir: Path, kind: str, workers: list[int]) -> list[tuple[subprocess.Popen, Path]]:
    py_spy = Path(sys.executable).with_name("py-spy")
    started = []
    for pid in workers:
        out = profile_dir / f"{kind}-worker-{pid}.txt"
        proc = subprocess.Popen([str(py_spy), "record", "--gil", "-f", "raw", "-r", "200", "-p", str(pid),
                                 "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append((proc, out))
    time.sleep(1.0)  # py-spy attaches
    return started


def stop_profile(started: list[tuple[subprocess.Popen, Path]]) -> list[Path]:
    for proc, _ in started:
        proc.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
    for proc, _ in started:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return [out for _, out in started if out.exists()]


# Where a GIL-holding sample's time goes: the innermost frame of a known kind decides.
PROFILE_BUCKETS = (
    ("ledger code (route, service, read models)", ("api/routes/", "ledger/", "projections/", "runtime/",
                                                   "api/asof.py", "api/responses.py", "api/deps.py",
                                                   "api/jsonresponse.py")),
    ("eventsourcing (load aggregate, SQL)", ("eventsourcing/",)),
    ("sqlite3 / orjson / pydantic", ("sqlite3/", "orjson", "pydantic")),
    ("BaseHTTPMiddleware (api/app.py measure)", ("starlette/middleware/base.py", "api/app.py",
                                                 "prometheus_client/")),
    ("FastAPI routing, dependencies, params", ("fastapi/",)),
    ("Starlette middleware, responses", ("starlette/",)),
    ("uvicorn + h11 HTTP/1.1", ("uvicorn/", "h11/")),
    ("thread-pool hop (anyio, threading, queue)", ("anyio/", "threading.py", "queue.py", "concurrent/")),
    ("asyncio event loop", ("asyncio/", "selectors.py")),
)


def summarize_profile(paths: list[Path]) -> None:
    """Shares of the GIL-holding samples (py-spy --gil, raw) by layer, and the top functions."""
    buckets: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            where = "other"
            for frame in reversed(frames):
                place = frame[frame.find(" (") + 2:] if " (" in frame else ""
                place = place.split("site-packages/")[-1]
                hit = next((name for name, marks in PROFILE_BUCKETS
                            if any(place.startswith(m) or "/" + m in place for m in marks)), None)
                if hit:
                    where = hit
                    break
            buckets[where] = buckets.get(where, 0) + n
            for name in {f.split(" (")[0] + " (" + f[f.find(" (") + 2:].split(":")[0].split("site-packages/")[-1]
                         .replace(str(ROOT) + "/", "") + ")" for f in frames if " (" in f}:
                inclusive[name] = inclusive.get(name, 0) + n
    print(f"  profile ({', '.join(str(p) for p in paths)}): {total} GIL-holding samples")
    print("  by layer (innermost frame of a known kind):")
    for name, n in sorted(buckets.items(), key=lambda kv: -kv[1]):
        print(f"    {100 * n / max(total, 1):5.1f} %  {name}")
    print("  selected functions, inclusive:")
    wanted = ("get_claim", "ClaimCommands.claim", "Repository.get", "claim_view", "json (api/responses.py)",
              "UserCommands.authenticate", "actor (api/deps.py)", "create_app.<locals>.measure", "solve_dependencies",
              "run_in_threadpool", "H11Protocol.handle_events", "RequestResponseCycle.send",
              "_IncludedRouter._match", "BaseHTTPMiddleware.__call__ (")
    for name, n in sorted(inclusive.items(), key=lambda kv: -kv[1]):
        if any(w in name for w in wanted):
            print(f"    {100 * n / max(total, 1):5.1f} %  {name}")


# --- main ---------------------------------------------------------------------------------------

def _interrupted(signum, frame) -> None:
    """SIGTERM ends the benchmark through the same clean-up (server, temp dir) as Ctrl-C."""
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=3000, help="approved claims loaded per run (default 3000); "
                        "the as-of comparison also measures after claims/10")
    parser.add_argument("--runs", type=int, default=1, help="runs, each on a fresh server and store (default 1)")
    parser.add_argument("--requests", type=int, default=4000,
                        help="measured requests per read kind (default 4000; plus a tenth as warm-up)")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--load-concurrency", type=int, default=32,
                        help="client connections while loading claims (default 32)")
    parser.add_argument("--chunks", type=int, default=20, help="load chunks (position checkpoints) per run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", metavar="DIR", type=Path,
                        help="py-spy (--gil, raw) every worker during the last run's claim-status phase into DIR")
    args = parser.parse_args()
    if args.claims < 10 or args.requests < 10 or args.concurrency < 1 or args.runs < 1 or args.workers < 1:
        parser.error("need --claims >= 10, --requests >= 10, --concurrency >= 1, --runs >= 1, --workers >= 1")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupted)

    print(f"read benchmark: SQLite, uvicorn --workers {args.workers} on a Unix socket, {args.claims} claims, "
          f"{args.requests} requests per kind from {args.concurrency} keep-alive connections; the client is one "
          f"asyncio process on the same {os.cpu_count()} cores as the server (its CPU share is shown per line)",
          flush=True)
    runs = []
    for run in range(args.runs):
        runs.append(one_run(args, run, args.profile if run == args.runs - 1 else None))

    m = statistics.median
    print()
    print(f"median of {args.runs} run(s): {args.claims} claims, {args.requests} requests per kind, "
          f"c={args.concurrency} (claim status c=1: one connection), {args.workers} workers")
    print(f"  {'read':22} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'srv CPU ms/req':>15} "
          f"{'others %':>9}")
    for kind in KINDS:
        rs = [r[kind] for r in runs]
        print(f"  {LABELS[kind]:22} {m(r.rps for r in rs):7,.0f} {m(r.pct(50) for r in rs):7.2f} "
              f"{m(r.pct(90) for r in rs):7.2f} {m(r.pct(99) for r in rs):7.2f} "
              f"{m(r.server_cpu_ms_per_request for r in rs):15.2f} "
              f"{m(100 * r.others_cpu_s / r.wall_s for r in rs):9.0f}")
    heads = m(r["_meta"][0] for r in runs), m(r["_meta"][1] for r in runs)
    for kind in ("fund_asof_time", "fund_asof_pos"):
        small, big = [r[f"small_{kind}"] for r in runs], [r[kind] for r in runs]
        ratio50 = m(b.pct(50) / s.pct(50) for s, b in zip(small, big))
        ratio99 = m(b.pct(99) / s.pct(99) for s, b in zip(small, big))
        cpu = m(b.server_cpu_ms_per_request / s.server_cpu_ms_per_request for s, b in zip(small, big))
        print(f"  {LABELS[kind]:22} log {heads[0]:,.0f} -> {heads[1]:,.0f} events: "
              f"p50 {m(x.pct(50) for x in small):.2f} -> "
              f"{m(x.pct(50) for x in big):.2f} ms (x{ratio50:.2f}), p99 {m(x.pct(99) for x in small):.2f} -> "
              f"{m(x.pct(99) for x in big):.2f} ms (x{ratio99:.2f}), server CPU/req x{cpu:.2f}")
    print(f"  load over HTTP (submit + approve): {m(r['_meta'][2] for r in runs):,.0f} commands/s")


if __name__ == "__main__":
    main()
