"""Write-path and projection benchmarks on SQLite, printed as medians of several runs
with the raw SQLite insert rate measured in the same run (durable commits both)."""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sqlite3
import tempfile
import time
import tracemalloc
import resource
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ledger.access import Actor
from ledger.clock import SettableClock
from ledger.identifiers import credit_check_char, identity_check_char
from runtime.container import Runtime
from runtime.settings import Settings

# "Today" for the benchmark's commands: its business dates (July 2022) lie within the
# backdating window of it, as a day's work does (ledger/service/dates.py).
BENCH_TODAY = datetime.date(2022, 7, 20)

CLERK = Actor("bench-clerk", "clerk", frozenset({"clerk"}), ("210000",))
REVIEWER = Actor("bench-reviewer", "reviewer", frozenset({"reviewer"}), ("210000",))
TREASURER = Actor("bench-treasurer", "treasurer", frozenset({"treasurer"}), ("210000",))


def raw_sqlite_rows_per_s(directory: Path, rows: int, per_commit: int) -> float:
    db = sqlite3.connect(directory / f"raw-{per_commit}.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB)")
    payload = b"x" * 300
    started = time.perf_counter()
    for start in range(0, rows, per_commit):
        db.execute("BEGIN")
        db.executemany("INSERT INTO t (k, v) VALUES (?, ?)", [(str(i), payload) for i in range(start, start + per_commit)])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return rows / elapsed


def claim_request(i: int) -> dict:
    """A valid job_expansion claim with a hire and an employer of its own."""
    born = datetime.date(1990, 1, 1) + datetime.timedelta(days=i // 1000)
    body = f"210103{born:%Y%m%d}{i % 1000:03d}"
    person = body + identity_check_char(body)
    code_body = f"91210100MA{i % 10_000_000:07d}"  # seven digits: beyond them, [:17] repeated codes
    return {"program": "job_expansion", "region": "210100",
            "applicant": {"kind": "enterprise", "id": code_body + credit_check_char(code_body), "name": "企业"},
            "beneficiary": {"id": person, "name": "张三"},
            "facts": {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True},
            "application_date": "2022-07-15"}


def _settings(backend: str, directory: Path, postgres_url: str) -> Settings:
    if backend == "sqlite":
        return Settings(database_url=f"sqlite:///{directory}/ledger.db", pii_key="ab" * 32, seal_key="cd" * 32,
                        chain_key="ce" * 32, clock=SettableClock(BENCH_TODAY))
    return Settings(database_url=postgres_url, pii_key="ab" * 32, seal_key="cd" * 32,
                    chain_key="ce" * 32, pg_schema=f"bench_{uuid.uuid4().hex[:10]}", clock=SettableClock(BENCH_TODAY))


def _drop(settings: Settings) -> None:
    if settings.backend == "postgres":
        import psycopg

        with psycopg.connect(**settings.pg_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{settings.pg_schema}" CASCADE')


def rebuild_peak_memory(rt: Runtime) -> tuple[float, float]:
    """One more rebuild from scratch under tracemalloc: its peak of Python allocations (MiB)
    and the process's peak RSS so far (MiB, from getrusage)."""
    rt.views.drop_read_models()
    rt.runner.position = 0
    tracemalloc.start()
    try:
        rt.runner.catch_up()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ledger_commands_per_s(settings: Settings, claims: int, callers: int, rebuilds: int = 3, project: bool = True,
                          memory: bool = False) -> dict:
    rt = Runtime(settings)
    rt.start(project=project)
    rt.ledger.open_fund(TREASURER, {"fund_type": "unemployment_insurance", "region": "210100"})
    rt.ledger.allocate(TREASURER, "unemployment_insurance:210100", {
        "amount": "100000000.00", "source": "central", "document_no": "bench", "effective_date": "2022-07-01"})
    requests = [claim_request(i) for i in range(claims)]

    def journey(i: int) -> None:
        cid = rt.ledger.submit_claim(CLERK, requests[i]).body["claim_id"]
        rt.ledger.approve(REVIEWER, cid, {"approved_on": "2022-07-16"})
        rt.ledger.pay(TREASURER, cid, {"amount": "1500.00", "kind": "settlement", "payment_ref": f"P{i}",
                                       "paid_on": "2022-07-20"})

    batches_before = rt.ledger.writer.batches_committed
    if project:
        rt.runner.wait_for(rt.ledger.head_position(), timeout_s=60)
        rt.runner.lag.reset()
    started, cpu_started = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=callers) as pool:
        list(pool.map(journey, range(claims)))
    elapsed = time.perf_counter() - started
    # The process's CPU (every thread: callers, writer, projector) per command while writing:
    # what a shared machine's wall clock hides.
    cpu_per_command = (time.process_time() - cpu_started) / (3 * claims)
    batches = rt.ledger.writer.batches_committed - batches_before
    lag = (None, None, None)
    if project:
        # Lag of every commit during the run: durable -> its rows and position written.
        rt.runner.wait_for(rt.ledger.head_position(), timeout_s=600)
        tail = time.perf_counter() - started - elapsed
        p50, p99 = rt.runner.lag.percentiles(50, 99)
        lag = (p50, p99, tail)
        rt.runner.stop()

    # Rebuild the read models from the whole log, from scratch, `rebuilds` times: the median.
    rates = []
    for _ in range(rebuilds):
        rt.views.drop_read_models()
        rt.runner.position = 0
        started = time.perf_counter()
        events = rt.runner.catch_up()  # log positions covered, events without a read model included
        rates.append(events / (time.perf_counter() - started))
    rebuild = statistics.median(rates)
    peak = rebuild_peak_memory(rt) if memory else (None, None)
    log_events = rt.ledger.head_position()
    rt.close()
    _drop(settings)
    return {"commands_s": 3 * claims / elapsed, "cpu_per_command": cpu_per_command, "rebuild": rebuild,
            "batches": batches, "lag": lag,
            "peak": peak, "events": log_events}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=3000, help="claims per run (3 commands each)")
    parser.add_argument("--callers", type=int, default=64, help="concurrent caller threads")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuilds", type=int, default=3, help="rebuilds per run (their median is the run's)")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--no-project", action="store_true", help="projections off during the writes")
    parser.add_argument("--memory", action="store_true",
                        help="one more rebuild under tracemalloc: its peak allocations and the process's peak RSS")
    parser.add_argument("--postgres-url", default=os.environ.get("LEDGER_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    backends = args.backends.split(",")
    raw1, raw100 = [], []
    cmds: dict[str, list[float]] = {b: [] for b in backends}
    rebuild: dict[str, list[float]] = {b: [] for b in backends}
    cpu: dict[str, list[float]] = {b: [] for b in backends}
    lags: dict[str, list] = {b: [] for b in backends}
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
            d = Path(tmp)
            raw1.append(raw_sqlite_rows_per_s(d, 3000, 1))
            raw100.append(raw_sqlite_rows_per_s(d, 100_000, 100))
            line = [f"run {run + 1}: raw SQLite {raw1[-1]:,.0f} rows/s (1/commit), {raw100[-1]:,.0f} (100/commit)"]
            for backend in backends:
                out = ledger_commands_per_s(_settings(backend, d, args.postgres_url), args.claims, args.callers,
                                            args.rebuilds, project=not args.no_project, memory=args.memory)
                c, r, batches = out["commands_s"], out["rebuild"], out["batches"]
                cmds[backend].append(c)
                rebuild[backend].append(r)
                lags[backend].append(out["lag"])
                cpu[backend].append(out["cpu_per_command"])
                text = (f"{backend}: {c:,.0f} commands/s, {out['cpu_per_command'] * 1e6:,.0f} µs CPU each "
                        f"({batches} transactions for {3 * args.claims} commands, x{c / raw1[-1]:.2f} raw 1/commit)")
                if out["lag"][0] is not None:
                    p50, p99, tail = out["lag"]
                    text += f", projection lag p50 {p50 * 1000:.1f} ms p99 {p99 * 1000:.1f} ms (tail {tail:.2f} s)"
                text += f", rebuild {r:,.0f} events/s of {out['events']:,}"
                if out["peak"][0] is not None:
                    text += f" (peak {out['peak'][0]:.1f} MiB traced, RSS {out['peak'][1]:.0f} MiB)"
                line.append(text)
            print("; ".join(line), flush=True)
    m = statistics.median
    print()
    print(f"median of {args.runs} runs, {args.claims} claims x (submit, approve, pay), {args.callers} callers")
    print(f"  raw SQLite rows/s, 1 row per commit    : {m(raw1):,.0f}")
    print(f"  raw SQLite rows/s, 100 rows per commit : {m(raw100):,.0f}")
    for backend in backends:
        print(f"  {backend:8} ledger commands/s          : {m(cmds[backend]):,.0f}   "
              f"ratio to raw 1/commit {m(cmds[backend]) / m(raw1):.2f}, to raw 100/commit "
              f"{m(cmds[backend]) / m(raw100):.3f}")
        print(f"  {backend:8} process CPU per command    : {m(cpu[backend]) * 1e6:,.0f} µs (all threads, while writing)")
        print(f"  {backend:8} projection rebuild events/s: {m(rebuild[backend]):,.0f}")
        if lags[backend] and lags[backend][0][0] is not None:
            print(f"  {backend:8} projection lag while writing: p50 {m(x[0] for x in lags[backend]) * 1000:.1f} ms, "
                  f"p99 {m(x[1] for x in lags[backend]) * 1000:.1f} ms (median of runs)")


if __name__ == "__main__":
    main()
