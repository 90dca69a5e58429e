"""A province-year through the real write path, then the figures at that scale.

Writes `--claims N` claims (default 100,000) across the programs (runtime/demo.PROGRAMS) and Liaoning's 14
cities (a quarter of them filed in a district), each taken through the journey the demo
data uses (runtime/demo.py: submit, then reject / withdraw / approve, prepay, settlement
facts, pay, return and re-pay, clawback and recovery, close), by `--callers` threads through
the in-process ledger service (the group-commit writer, the chain, the caps: the real write
path; projections follow live). Then measures, on the result:

- claim status p50/p99: the read door's `Reads.claim` (what `GET /v1/claims/{id}` does: the
  stored answer's row), for random claims;
- fund as-of p99, by time and by position (`Reads.fund_at`, as `GET
  /v1/funds/{id}?as_of=...`);
- the month fund-usage report (`Reads.fund_usage`, December, business basis), for a city fund;
- a rebuild of the read models from the whole log (events/s, tracemalloc peak);
- database size per event.

    scripts/bench_scale --claims 100000             # SQLite in a temp dir
    scripts/bench_scale --claims 1000000 --keep /data/scale   # keeps the store for reruns
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import random
import resource
import statistics
import tempfile
import threading
import time
import tracemalloc
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ledger.access import Actor
from ledger.domain.fund import FUND_TYPES, fund_code
from ledger.errors import LedgerError
from projections.rebuild import rebuild as rebuild_into
from runtime import demo
from runtime.container import Runtime, open_read_model
from runtime.settings import Settings

PROVINCE = "210000"
CITIES = {"210100": "沈阳市", "210200": "大连市", "210300": "鞍山市", "210400": "抚顺市", "210500": "本溪市",
          "210600": "丹东市", "210700": "锦州市", "210800": "营口市", "210900": "阜新市", "211000": "辽阳市",
          "211100": "盘锦市", "211200": "铁岭市", "211300": "朝阳市", "211400": "葫芦岛市"}
DISTRICTS = {city: city[:4] + "02" for city in CITIES}
AUDITOR = Actor("scale-auditor", "auditor", frozenset({"auditor", "treasurer"}), (PROVINCE,))


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _funds(ledger, treasurer: Actor, claims: int) -> None:
    """Money enough for the year, also on the business basis: a report dates reservations on
    `approved_on` but releases on the day they are recorded, so a city fund sized only to what
    the log order needs shows its business-dated months over-reserved (ties_out false)."""
    scale = max(1, claims // 1000)
    number = 0
    for fund_type in ("unemployment_insurance", "employment_subsidy", "skill_upgrade_account", "inclusive_finance"):
        if fund_type != "employment_subsidy":
            ledger.open_fund(treasurer, {"fund_type": fund_type, "region": PROVINCE})
        number += 1
        ledger.allocate(treasurer, fund_code(fund_type, PROVINCE), demo._dated({
            "amount": f"{20_000_000 * scale}.00", "source": "central", "document_no": f"辽财社〔2022〕{number}号",
            "effective_date": "2022-06-10"}))
        if fund_type == "inclusive_finance":
            continue
        for city, name in CITIES.items():
            ledger.open_fund(treasurer, {"fund_type": fund_type, "region": city, "name": f"{name}{FUND_TYPES[fund_type]}"})
            number += 1
            ledger.allocate(treasurer, fund_code(fund_type, city), demo._dated({
                "amount": f"{4_000_000 * scale}.00", "source": "municipal", "document_no": f"{name}财〔2022〕{number}号",
                "effective_date": "2022-06-25"}))


def write_year(rt: Runtime, claims: int, callers: int, seed: int) -> dict:
    demo.CITIES, demo.DISTRICTS = CITIES, DISTRICTS  # the demo's journeys, over all 14 cities
    loader = Actor("scale-loader", "loader", frozenset({"admin", "treasurer"}), ("000000",))
    rt.ledger.open_fund(loader, {"fund_type": "employment_subsidy", "region": PROVINCE})
    staff = demo._Staff(rt.ledger, demo._bootstrap_admin(rt.ledger))  # user changes take an admin of the store
    _funds(rt.ledger, staff.treasurer, claims)
    cities = list(CITIES)
    failed = {"n": 0}
    done = {"n": 0}
    lock = threading.Lock()
    started = time.perf_counter()

    def one(i: int) -> None:
        rng = random.Random(seed * 10_000_019 + i)
        try:
            demo._claim(rt.ledger, staff, rng, cities[i % len(cities)], i)
        except LedgerError:
            with lock:
                failed["n"] += 1  # e.g. a fund run dry; the journey stops there, as in real life
        with lock:
            done["n"] += 1
            if done["n"] % 10_000 == 0:
                elapsed = time.perf_counter() - started
                print(f"  {done['n']:,} claims, log {rt.ledger.head_position():,} events, {elapsed:,.0f} s "
                      f"({rt.ledger.writer.commands_committed / elapsed:,.0f} commands/s)", flush=True)

    commands_before = rt.ledger.writer.commands_committed
    with ThreadPoolExecutor(max_workers=callers) as pool:
        list(pool.map(one, range(claims)))
    elapsed = time.perf_counter() - started
    commands = rt.ledger.writer.commands_committed - commands_before
    return {"elapsed": elapsed, "commands": commands, "journeys_stopped": failed["n"]}


def measure(rt: Runtime, samples: int, seed: int) -> dict:
    rng = random.Random(seed)
    head = rt.ledger.head_position()
    rt.runner.wait_for(head, timeout_s=3600)
    claim_ids = [row["claim_id"] for row in rt.views._rows("SELECT claim_id FROM rm_claims")]
    status = []
    loop = asyncio.new_event_loop()  # the status read is the read door's, as GET /v1/claims/{id} serves it
    for cid in rng.sample(claim_ids, min(samples, len(claim_ids))):
        t = time.perf_counter()
        loop.run_until_complete(rt.reads.claim(AUDITOR, cid))
        status.append(time.perf_counter() - t)
    loop.close()
    fund = fund_code("employment_subsidy", "210100")
    # As of any moment since the fund was opened (before it, the answer is a 404, not a read).
    opened = rt.views._rows("SELECT MIN(position) AS p FROM rm_fund_history WHERE fund_id = ?", (fund,))[0]["p"]
    first, last = rt.app.recorder.recorded_at([opened])[opened], dt.datetime.now(dt.timezone.utc)
    by_time, by_position = [], []
    for _ in range(samples):
        moment = first + (last - first) * rng.random()
        t = time.perf_counter()
        rt.reads.fund_at(AUDITOR, fund, moment.isoformat(), None)
        by_time.append(time.perf_counter() - t)
        position = rng.randint(opened, head)
        t = time.perf_counter()
        rt.reads.fund_at(AUDITOR, fund, None, position)
        by_position.append(time.perf_counter() - t)
    reports = []
    for _ in range(3):
        t = time.perf_counter()
        report = rt.reads.fund_usage(AUDITOR, fund_id=fund, fund_type=None, region=None, start="2022-12-01",
                                     end="2022-12-31", basis="business")
        reports.append(time.perf_counter() - t)
    return {"claims_in_read_model": len(claim_ids), "status": status, "by_time": by_time, "by_position": by_position,
            "report": statistics.median(reports), "report_ties_out": report.get("ties_out")}


def rebuild(rt: Runtime, memory: bool) -> dict:
    if rt.runner.leading:
        rt.runner.stop()
    rt.views.drop_read_models()
    rt.runner.position = 0
    t = time.perf_counter()
    head = rt.ledger.head_position()
    shown = {"at": 0}

    def progress(_count: int, position: int) -> None:
        if position - shown["at"] >= 1_000_000:
            shown["at"] = position
            print(f"  rebuild at {position:,} of {head:,} events, {time.perf_counter() - t:,.0f} s", flush=True)

    events = rt.runner.catch_up(progress=progress)
    elapsed = time.perf_counter() - t
    out = {"events": events, "seconds": elapsed, "peak_mib": None}
    if memory:
        rt.views.drop_read_models()
        rt.runner.position = 0
        tracemalloc.start()
        rt.runner.catch_up()
        out["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--samples", type=int, default=2_000, help="reads of each kind measured")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--postgres-url", default=os.environ.get("LEDGER_TEST_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", type=Path, help="directory for the store (kept); default a temp dir, removed")
    parser.add_argument("--memory", action="store_true", help="a second rebuild under tracemalloc for its peak")
    parser.add_argument("--project-after", action="store_true",
                        help="projections off while writing: the timed rebuild makes the read models, then the reads "
                             "(the write then has the whole process to itself; the figures read the same rows)")
    parser.add_argument("--reads-only", action="store_true",
                        help="with --keep DIR of an earlier SQLite run: no write, no rebuild; the reads again, "
                             "with this tree's code (to compare two trees on one store)")
    parser.add_argument("--rebuild-only", action="store_true",
                        help="with --keep DIR of an earlier SQLite run: rebuild its read models into a fresh file "
                             "(removed after; the kept ones untouched), up to --upto events; events/s and peak RSS")
    parser.add_argument("--upto", type=int, help="with --rebuild-only: the log position to rebuild up to")
    parser.add_argument("--floor", action="store_true",
                        help="with --rebuild-only: then the floor in the same process (read, orjson decode, insert "
                             "the same rows in batches) and the rebuild's ratio to it")
    args = parser.parse_args()
    if args.rebuild_only:
        if args.keep is None or args.backend != "sqlite" or not (args.keep / "ledger.db").exists():
            parser.error("--rebuild-only needs --keep DIR holding an earlier SQLite run's ledger.db")
        rebuild_again(Settings(database_url=f"sqlite:///{args.keep}/ledger.db", pii_key="ab" * 32, seal_key="cd" * 32,
                               chain_key="ce" * 32,
                               seal_interval_s=0), args.upto, args.floor)
        return
    if args.reads_only:
        if args.keep is None or args.backend != "sqlite" or not (args.keep / "ledger.db").exists():
            parser.error("--reads-only needs --keep DIR holding an earlier SQLite run's ledger.db")
        reads_again(Settings(database_url=f"sqlite:///{args.keep}/ledger.db", pii_key="ab" * 32, seal_key="cd" * 32,
                             chain_key="ce" * 32,
                             seal_interval_s=0), args.samples, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="ledger-scale-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        if args.backend == "sqlite":
            settings = Settings(database_url=f"sqlite:///{directory}/ledger.db", pii_key="ab" * 32, seal_key="cd" * 32,
                                chain_key="ce" * 32,
                                seal_interval_s=0)
        else:
            settings = Settings(database_url=args.postgres_url, pii_key="ab" * 32, seal_key="cd" * 32,
                                chain_key="ce" * 32, seal_interval_s=0,
                                pg_schema=f"scale_{uuid.uuid4().hex[:10]}")
        rt = Runtime(settings)
        rt.start(project=not args.project_after)
        print(f"writing {args.claims:,} claims ({args.backend}, {args.callers} callers)", flush=True)
        wrote = write_year(rt, args.claims, args.callers, args.seed)
        head = rt.ledger.head_position()
        lag50, lag99 = rt.runner.lag.percentiles(50, 99)
        if args.project_after:
            rebuilt = rebuild(rt, args.memory)
            rt.runner.start()  # now the process follows the log and reads as a serving one does
            reads = measure(rt, args.samples, args.seed)
        else:
            reads = measure(rt, args.samples, args.seed)
            rebuilt = rebuild(rt, args.memory)
        size = None
        if args.backend == "sqlite":
            size = sum(p.stat().st_size for p in directory.glob("ledger.db*"))
        rt.close()
        ms = 1000
        print(f"\n{args.claims:,} claims, {head:,} events ({head / args.claims:.1f} per claim), backend {args.backend}")
        print(f"  write: {wrote['commands']:,} commands in {wrote['elapsed']:,.0f} s = "
              f"{wrote['commands'] / wrote['elapsed']:,.0f} commands/s, {head / wrote['elapsed']:,.0f} events/s; "
              f"journeys stopped by a refusal: {wrote['journeys_stopped']:,}")
        if args.project_after:
            print("  projections off while writing; the rebuild below made the read models the reads used")
        else:
            print(f"  projection lag while writing: p50 {lag50 * ms:.1f} ms, p99 {lag99 * ms:.1f} ms")
        _print_reads(reads)
        print(f"  rebuild: {rebuilt['events']:,} events in {rebuilt['seconds']:.1f} s = "
              f"{rebuilt['events'] / rebuilt['seconds']:,.0f} events/s"
              + (f", tracemalloc peak {rebuilt['peak_mib']:.1f} MiB" if rebuilt["peak_mib"] is not None else ""))
        if size is not None:
            views = sum(p.stat().st_size for p in directory.glob("ledger-views.db*"))
            print(f"  database: {size / 2**20:,.1f} MiB, {size / head:,.0f} bytes per event; "
                  f"read models {views / 2**20:,.1f} MiB, {views / head:,.0f} bytes per event")


def _print_reads(reads: dict) -> None:
    ms = 1000
    print(f"  claim status (Reads.claim): p50 {_pct(reads['status'], 50) * ms:.2f} ms, "
          f"p99 {_pct(reads['status'], 99) * ms:.2f} ms  ({len(reads['status'])} reads)")
    print(f"  fund as-of by time: p50 {_pct(reads['by_time'], 50) * ms:.2f} ms, p99 {_pct(reads['by_time'], 99) * ms:.2f} ms; "
          f"by position: p50 {_pct(reads['by_position'], 50) * ms:.2f} ms, p99 {_pct(reads['by_position'], 99) * ms:.2f} ms")
    print(f"  month fund-usage report (employment_subsidy:210100, 2022-12): {reads['report'] * ms:.1f} ms "
          f"(ties out: {reads['report_ties_out']})")


def rebuild_again(settings: Settings, upto: int | None, floor: bool = False) -> None:
    """A rebuild of a kept store's log into a fresh read-model file, in a process that does
    nothing else, so its peak RSS is the rebuild's (and the interpreter's). `floor`: then
    the machine's floor for the same work, in the same process (`rebuild_floor`)."""
    rt = Runtime(settings, read_models=False)
    name = f"rebuild-{uuid.uuid4().hex[:8]}.db"
    fresh = open_read_model(settings, elsewhere=name)
    try:
        # CPU seconds beside the wall clock: on a shared machine the wall clock is mostly
        # waiting for a core, the process's own CPU time much less so.
        t, cpu = time.perf_counter(), time.process_time()
        events = rebuild_into(rt.app, fresh, upto=upto)
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  rebuild: {events:,} events in {elapsed:.1f} s = {events / elapsed:,.0f} events/s, "
              f"CPU {cpu:.2f} s = {events / cpu:,.0f} events per CPU second, peak RSS {peak:,.0f} MiB", flush=True)
        if floor:
            seconds, floor_cpu = rebuild_floor(settings, rt.app, fresh,
                                               upto=upto or rt.app.recorder.max_notification_id())
            print(f"  floor (read + orjson decode + insert the same rows in batches): {events:,} events in "
                  f"{seconds:.1f} s = {events / seconds:,.0f} events/s, CPU {floor_cpu:.2f} s = "
                  f"{events / floor_cpu:,.0f} events per CPU second; rebuild / floor = {seconds / elapsed:.2f} "
                  f"(wall), {floor_cpu / cpu:.2f} (CPU)")
    finally:
        fresh.close()
        rt.close()
        for path in settings.sqlite_path.parent.glob(name + "*"):
            path.unlink()


FLOOR_BATCH_EVENTS = 10_000
FLOOR_BATCH_ROWS = 10_000


def rebuild_floor(settings: Settings, app, rebuilt, *, upto: int) -> tuple[float, float]:
    """The least a rebuild can cost here (issue 21's floor): the same events read from the
    log (only the topics with a read model, in pages, as the projector reads them), each
    one's stored state decoded by orjson alone (no types revived, no aggregate, no view), and
    exactly the rows the rebuild wrote inserted into another fresh read-model file, a batch
    of rows per transaction. Returns its wall and CPU seconds; the rows are read out of
    `rebuilt` before the clocks start."""
    import orjson

    from projections import sql
    from projections.projector import LedgerProjection

    tables = {table: rebuilt.all_rows(table) for table in sql.READ_MODEL_TABLES}
    name = f"floor-{uuid.uuid4().hex[:8]}.db"
    target = open_read_model(settings, elsewhere=name)
    # The collector as a rebuild has it (projections/rebuild.py: first threshold 100,000).
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 100_000), *thresholds[1:])
    try:
        t, cpu = time.perf_counter(), time.process_time()
        position = 0
        while position < upto:
            notifications = app.recorder.select_notifications(
                start=position, limit=FLOOR_BATCH_EVENTS, stop=upto, topics=LedgerProjection.topics,
                inclusive_of_start=False)
            for n in notifications:
                orjson.loads(n.state)
            position = notifications[-1].id if len(notifications) == FLOOR_BATCH_EVENTS else upto
        for table, rows in tables.items():
            if not rows:
                continue
            columns = list(rows[0])
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            values = [tuple(row.values()) for row in rows]
            for i in range(0, len(values), FLOOR_BATCH_ROWS):
                with target._transaction(commit=True) as c:
                    c.executemany(statement, values[i:i + FLOOR_BATCH_ROWS])
        return time.perf_counter() - t, time.process_time() - cpu
    finally:
        gc.set_threshold(*thresholds)
        target.close()
        for path in settings.sqlite_path.parent.glob(name + "*"):
            path.unlink()


def reads_again(settings: Settings, samples: int, seed: int) -> None:
    """The reads of an earlier run's kept store, with this tree's code: its read models
    catch up first (a read-model table the store lacks makes that a rebuild)."""
    rt = Runtime(settings)
    try:
        t = time.perf_counter()
        rt.start(project=True)
        head = rt.ledger.head_position()
        rt.runner.wait_for(head, timeout_s=7200)
        print(f"{head:,} events; read models current after {time.perf_counter() - t:,.1f} s", flush=True)
        _print_reads(measure(rt, samples, seed))
    finally:
        rt.close()


if __name__ == "__main__":
    main()
