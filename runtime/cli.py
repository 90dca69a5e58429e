"""The `ledger` command: serve the API, run the projections in their own process, load
demo data, make keys."""
from __future__ import annotations

import json
from dataclasses import replace
import os
import secrets
import time
from pathlib import Path
import signal
import threading

import typer
from rich.console import Console

from .settings import Settings

cli = typer.Typer(help="Employment-subsidy ledger.", no_args_is_help=True, add_completion=False)
projections_cli = typer.Typer(help="Read models: follow the log in a process of their own.", no_args_is_help=True)
cli.add_typer(projections_cli, name="projections")
report_cli = typer.Typer(help="Reports: fund usage as JSON, CSV or XLSX.", no_args_is_help=True)
cli.add_typer(report_cli, name="report")
console = Console(soft_wrap=True)


def _admin_token(settings: Settings) -> str:
    """The bootstrap token: from the environment, else one generated once into the data dir."""
    if settings.bootstrap_admin_token:
        return settings.bootstrap_admin_token
    path = settings.data_dir / "admin-token"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


@cli.command()
def serve(host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
          port: int = typer.Option(8000, help="Port to listen on."),
          workers: int = typer.Option(1, help="Worker processes (uvicorn --workers)."),
          demo: bool = typer.Option(False, "--demo", help="Fill an empty ledger with demonstration data.")):
    """Serve the HTTP API (api.app:app) with uvicorn."""
    import uvicorn

    settings = Settings.from_env()
    token = _admin_token(settings)
    os.environ["LEDGER_BOOTSTRAP_ADMIN_TOKEN"] = token
    if demo:
        os.environ["LEDGER_DEMO_DATA"] = "1"
    where = settings.sqlite_path.resolve() if settings.backend == "sqlite" else settings.database_url.split("@")[-1]
    console.print(f"[bold]Subsidy ledger[/bold] on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    console.print(f"  admin token : {token}")
    console.print(f"  data        : {settings.backend} at {where}")
    console.print(f"  read models : {settings.projections}; demo data: {'yes' if demo or settings.demo_data else 'no'}")
    if demo or settings.demo_data:
        console.print(f"  demo staff  : tokens in {(settings.data_dir / 'demo-tokens.txt').resolve()} (written on first start)")
    console.print(f"  try         : curl -H 'Authorization: Bearer {token}' http://{host}:{port}/v1/programs")
    uvicorn.run("api.app:app", host=host, port=port, workers=workers, log_level="info")


@cli.command()
def demo():
    """Load the demonstration data set into an empty ledger and print the staff tokens."""
    from .container import Runtime
    from .demo import load_demo_data

    rt = Runtime(Settings.from_env())
    try:
        tokens = load_demo_data(rt.ledger)
    finally:
        rt.close()
    if tokens is None:
        console.print("The ledger is not empty: demo data not loaded.")
        raise typer.Exit(1)
    for role, token in tokens.items():
        console.print(f"{role:10} {token}")


@cli.command()
def keygen():
    """Print a new random key for LEDGER_PII_KEY or LEDGER_SEAL_KEY, or a LEDGER_BOOTSTRAP_ADMIN_TOKEN (keep it
    outside the database's machine)."""
    typer.echo(secrets.token_hex(32))


def _runtime():
    from .container import Runtime

    return Runtime(Settings.from_env())


def _progress_bar(total: int, description: str):
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]} events/s"), TimeElapsedColumn(), TextColumn("ETA"),
                   TimeRemainingColumn(), console=console)
    task = bar.add_task(description, total=max(total, 1), rate="-")
    return bar, task


@cli.command()
def seal():
    """Sign the chain's head now with the seal key and record the seal in the log."""
    rt = _runtime()
    try:
        record = rt.ledger.seal("cli")
    finally:
        rt.close()
    typer.echo(json.dumps(record.as_dict(), indent=2))


@cli.command()
def replay(keep: bool = typer.Option(False, help="Keep the rebuilt store instead of dropping it.")):
    """Rebuild every read model from the log into a fresh store and compare it with the live one."""
    rt = _runtime()
    try:
        result = _replay(rt, keep)
    finally:
        rt.close()
    raise typer.Exit(0 if not result["differences"] else 1)


def _replay(rt, keep: bool) -> dict:
    from .replay import replay_and_compare

    total = rt.runner.stored_position()
    bar, task = _progress_bar(total, "replaying")
    started = time.monotonic()
    done = 0

    def progress(count: int, position: int) -> None:
        nonlocal done
        done += count
        bar.update(task, completed=position, rate=f"{done / max(time.monotonic() - started, 1e-9):,.0f}")

    with bar:
        result = replay_and_compare(rt, progress=progress, keep=keep)
    console.print(f"replayed {result['events']} events up to position {result['position']}")
    if result["differences"]:
        console.print(f"[red]{len(result['differences'])} difference(s) between the live read models and the replay:")
        for line in result["differences"]:
            console.print(f"  {line}")
    else:
        console.print("[green]the live read models equal the replay, row by row")
    return result


@cli.command()
def verify(public_key: Path = typer.Option(None, help="The seal public key to trust (PEM or hex); default: "
                                                        "the configured seal key's public half.")):
    """Check the hash chain and every seal, then replay the read models and compare them."""
    rt = _runtime()
    try:
        check = rt.ledger.verify_chain(public_key.read_text() if public_key else None)
        if check["ok"]:
            console.print(f"[green]chain intact: {check['events_checked']} events, head {check['head_position']} "
                          f"{check['head_hash']}; {len(check['seals'])} seal(s) verified")
        else:
            console.print(f"[red]chain check failed at position {check['first_bad_position']}: {check['problem']}")
        replayed = _replay(rt, keep=False)
    finally:
        rt.close()
    raise typer.Exit(0 if check["ok"] and not replayed["differences"] else 1)


@cli.command("export")
def export_log(out: Path = typer.Option(..., "--out", help="Folder to write the export into (a file for "
                                                           "--format beancount)."),
               fmt: str = typer.Option("audit", "--format", help="audit (default): the log with its hashes, a "
                                                                 "seal and a verifier; beancount: a double-entry "
                                                                 "journal of every fund movement.")):
    """Write the whole log with its hashes, a fresh seal, the public key and a standalone verifier;
    or, with --format beancount, every fund movement as a Beancount journal (runtime/journal.py)."""
    if fmt == "beancount":
        _export_journal(out)
        return
    if fmt != "audit":
        console.print("[red]--format must be audit or beancount")
        raise typer.Exit(2)
    from .export import export

    rt = _runtime()
    try:
        bar, task = _progress_bar(rt.ledger.head_position(), "exporting")
        with bar:
            summary = export(rt.ledger, out, progress=lambda position: bar.update(task, completed=position))
    finally:
        rt.close()
    console.print(f"exported {summary['events']} events to {out}; seal at position {summary['seal']['position']}")
    console.print(f"check offline: python3 {out}/verify_export.py {out} {out}/seal-public-key.pem")


def _export_journal(out: Path) -> None:
    from .journal import write_journal

    rt = _runtime()
    try:
        bar, task = _progress_bar(rt.ledger.head_position(), "journal")
        with bar:
            summary = write_journal(rt.ledger, out, progress=lambda position: bar.update(task, completed=position))
    finally:
        rt.close()
    console.print(f"wrote {summary['transactions']} transactions of {summary['funds']} funds up to position "
                  f"{summary['position']} to {out}; check it with: bean-check {out}")


@cli.command("close-period")
def close_period_command(fund_id: str = typer.Option(..., "--fund-id"), month: str = typer.Option(..., "--month",
                                                                                                help="YYYY-MM"),
                         override_reason: str = typer.Option(None, "--override-reason",
                                                             help="Close although the month does not tie out or has "
                                                                  "unmatched items; recorded with the close.")):
    """Close a fund's month (as POST /v1/periods/{fund_id}/{month}/close does)."""
    from ledger.errors import LedgerError

    from .periods import close_period
    from .reports import CLI_ACTOR

    rt = _runtime()
    try:
        rt.runner.start()  # follows the log unless another process does (then it waits for that one)
        actor = replace(CLI_ACTOR, roles=frozenset({"treasurer", "admin"}))
        body = close_period(rt, actor, fund_id, month, {"override_reason": override_reason} if override_reason else {})
    except LedgerError as exc:
        console.print(f"[red]{exc.code}: {exc.detail}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    typer.echo(json.dumps(body.body, indent=2, ensure_ascii=False))


@projections_cli.command("run")
def projections_run():
    """Keep the read models current until stopped (for LEDGER_PROJECTIONS=external)."""
    from .container import Runtime

    rt = Runtime(Settings.from_env())
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    rt.runner.start()
    console.print(f"following the log of {rt.settings.backend}; stop with Ctrl-C")
    try:
        while not stop.wait(1.0):
            pass
    finally:
        rt.close()


@projections_cli.command("status")
def projections_status():
    """Print each projection's position and lag behind the log."""
    from .container import Runtime

    rt = Runtime(Settings.from_env())
    try:
        head = rt.ledger.head_position()
        position = rt.runner.stored_position()
        console.print(f"{rt.projection.name}: position {position}, head {head}, lag {head - position}")
    finally:
        rt.close()


@report_cli.command("fund-usage")
def report_fund_usage(
        start: str = typer.Option(..., "--from", help="First day of the period, YYYY-MM-DD (included)."),
        end: str = typer.Option(..., "--to", help="Last day of the period, YYYY-MM-DD (included)."),
        out: Path = typer.Option(..., "--out", help="File to write the report to."),
        fund_id: str = typer.Option(None, "--fund-id", help="The fund, e.g. employment_subsidy:210100."),
        fund_type: str = typer.Option(None, "--fund-type", help="For a roll-up: the fund type (with --region)."),
        region: str = typer.Option(None, "--region", help="For a roll-up: the region and those below it."),
        basis: str = typer.Option("business", "--basis", help="business (business dates) or recorded."),
        fmt: str = typer.Option("json", "--format", help="json, csv or xlsx."),
        as_of_position: int = typer.Option(None, "--as-of-position", help="Answer as of this log position.")):
    """Write a fund-usage report (one fund, or a region roll-up) as GET /v1/reports/fund-usage
    answers it: the same figures, and for the same position the same bytes."""
    from ledger.errors import LedgerError

    from .report_export import FORMATS, render
    from .reports import CLI_ACTOR, fund_usage_report

    if fmt not in FORMATS:
        console.print(f"[red]--format must be one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    rt = _runtime()
    try:
        rt.runner.start()  # follows the log unless another process does (then it waits for that one)
        report = fund_usage_report(rt, CLI_ACTOR, fund_id=fund_id, fund_type=fund_type, region=region,
                                   start=start, end=end, basis=basis, as_of_position=as_of_position)
    except LedgerError as exc:
        console.print(f"[red]{exc.code}: {exc.detail}")
        raise typer.Exit(2) from None
    finally:
        rt.close()
    content, _ = render(report, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    console.print(f"fund-usage report {report['from']}..{report['to']} ({report['basis']}) at position "
                  f"{report['position']}: ties out: {'yes' if report['ties_out'] else 'NO'}; written to {out}")


def main() -> None:
    cli()
