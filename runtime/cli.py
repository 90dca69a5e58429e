"""The `ledger` command: serve the API, run the projections in their own process, load
demo data, make keys."""
from __future__ import annotations

import json
import os
import secrets
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import typer
from rich.console import Console

from .settings import Settings

# rich_markup_mode=None: click's plain help, where a flag reads `--demo`, not `--demo <bool>`.
cli = typer.Typer(help="Employment-subsidy ledger.", no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None)
projections_cli = typer.Typer(help="Read models: follow the log in a process of their own.", no_args_is_help=True,
                              rich_markup_mode=None)
cli.add_typer(projections_cli, name="projections")
report_cli = typer.Typer(help="Reports: fund usage as JSON, CSV or XLSX.", no_args_is_help=True,
                         rich_markup_mode=None)
cli.add_typer(report_cli, name="report")
token_cli = typer.Typer(help="Tokens: a person makes their own, and gives an admin only its SHA-256.",
                        no_args_is_help=True, rich_markup_mode=None)
cli.add_typer(token_cli, name="token")
chain_cli = typer.Typer(help="The keyed chain (LEDGER_CHAIN_KEY): adopt it on an older store, rotate its key.",
                        no_args_is_help=True, rich_markup_mode=None)
cli.add_typer(chain_cli, name="chain")
console = Console(soft_wrap=True)


def _admin_token(settings: Settings) -> str | None:
    """The bootstrap admin's token for this start. Outside demo mode it is the operator's
    LEDGER_BOOTSTRAP_ADMIN_TOKEN or none: never generated, written or shown (output lands in
    service logs). A demo without it generates one, once, into the data directory."""
    if settings.bootstrap_admin_token or not settings.demo_data:
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
          demo: bool = typer.Option(False, "--demo", help="Fill an empty ledger with demonstration data (throwaway "
                                                          "keys and tokens, printed).")):
    """Serve the HTTP API (api.app:app) with uvicorn; print where it is once it answers."""
    import uvicorn

    if demo:
        os.environ["LEDGER_DEMO_DATA"] = "1"
    settings = _settings()
    _check_keys(settings)
    _check_assets()
    token = _admin_token(settings)
    if token:
        os.environ["LEDGER_BOOTSTRAP_ADMIN_TOKEN"] = token
    threading.Thread(target=_announce_when_answering, args=(settings, host, port, token), daemon=True,
                     name="ledger-banner").start()
    # The client's address behind a proxy is the ledger's to decide (LEDGER_TRUSTED_PROXIES),
    # not uvicorn's, which trusts X-Forwarded-For from 127.0.0.1 by default.
    uvicorn.run("api.app:app", host=host, port=port, workers=workers, log_level="info", proxy_headers=False)


def _announce_when_answering(settings: Settings, host: str, port: int, token: str | None) -> None:
    """The banner, printed once the server answers: before that its URL refuses connections
    and a demo's staff tokens are not written yet. Tokens are shown in demo mode only."""
    import urllib.error
    import urllib.request

    probe = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, f"[{host}]" if ":" in host else host)
    while True:
        try:
            urllib.request.urlopen(f"http://{probe}:{port}/healthz", timeout=2).close()
            break
        except urllib.error.HTTPError:
            break  # it answered
        except OSError:
            time.sleep(0.2)
    demo = settings.demo_data
    tokens_file = settings.data_dir / "demo-tokens.txt"
    for _ in range(600):  # with several workers, the one loading the demo may answer last
        if not demo or tokens_file.exists():
            break
        time.sleep(0.2)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    where = settings.sqlite_path.resolve() if settings.backend == "sqlite" else settings.database_url.split("@")[-1]
    lines = [f"[bold]Subsidy ledger[/bold] on {url}  (API docs: {url}/docs)",
             f"  dashboard   : {url}/  — sign in by pasting a token"]
    if not demo:
        lines.append("  admin       : " + ("the bootstrap admin holds LEDGER_BOOTSTRAP_ADMIN_TOKEN (not shown)" if token
                                         else "no LEDGER_BOOTSTRAP_ADMIN_TOKEN: no bootstrap admin this start"))
    else:
        lines.append(f"  admin token : {token}")
        staff = tokens_file.read_text().splitlines() if tokens_file.exists() else []
        lines.append(f"  demo staff  : {tokens_file.resolve()}" + ("" if staff else " (not written: the ledger was "
                                                                                 "not empty)"))
        lines += [f"    {line}" for line in staff]
    lines.append(f"  data        : {settings.backend} at {where}")
    lines.append(f"  read models : {settings.projections}; demo data: {'yes' if demo else 'no'}")
    shown = token if demo else "<your token>"
    lines.append(f"  try         : curl -H 'Authorization: Bearer {shown}' {url}/v1/programs")
    console.print("\n".join(lines))


@cli.command()
def demo():
    """Load the demonstration data set into an empty ledger and print the staff tokens."""
    from .demo import load_demo_data

    rt = _runtime()
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
def keygen(out: Path = typer.Option(None, "--out", help="Write the key to this file (created, readable by its "
                                                         "owner only) instead of printing it.")):
    """Make a new random key, for LEDGER_PII_KEY, LEDGER_SEAL_KEY or LEDGER_CHAIN_KEY (or their _FILE variants), or a
    LEDGER_BOOTSTRAP_ADMIN_TOKEN. Keep it off the database's machine and out of its backups: outside
    demo mode the ledger refuses a key file inside its data directory."""
    key = secrets.token_hex(32)
    if out is None:
        typer.echo(key)
        return
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        console.print(f"[red]{out} exists: a key is never overwritten (data protected by it would be lost)")
        raise typer.Exit(1) from None
    except OSError as exc:
        console.print(f"[red]cannot create {out}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    console.print(f"wrote a new key to {out}; name it in LEDGER_PII_KEY_FILE, LEDGER_SEAL_KEY_FILE or "
                  "LEDGER_CHAIN_KEY_FILE")


@token_cli.command("new")
def token_new():
    """Make a new random token on this machine and print it with its SHA-256. Keep the token
    to yourself; give your admin the SHA-256 (`token_sha256`), and check with the admin who
    confirms it, out of band, that the hash they see is the one printed here. Needs no
    database and no key."""
    from ledger.domain.users import new_token, token_hash

    token = new_token()
    typer.echo(f"token:  {token}")
    typer.echo(f"sha256: {token_hash(token)}")


def _settings() -> Settings:
    from .settings import SettingsError

    try:
        return Settings.from_env()
    except (SettingsError, ValueError) as exc:
        console.print(f"[red]cannot start: {exc}")
        raise typer.Exit(2) from None


def _check_keys(settings: Settings) -> None:
    from .settings import SettingsError

    try:
        settings.resolve_pii_key()
        settings.resolve_seal_seed()
        settings.resolve_chain_key()
    except SettingsError as exc:
        console.print(f"[red]cannot start: {exc}")
        raise typer.Exit(2) from None


def _check_assets() -> None:
    from api.dashboard import AssetsMissing, check_assets

    try:
        check_assets()
    except AssetsMissing as exc:
        console.print(f"[red]cannot start: {exc}")
        raise typer.Exit(2) from None


def _runtime(settings: Settings | None = None, **options):
    """The runtime, or a message and exit status 2 when it cannot start (a key missing or
    misplaced, the database unreachable): never a traceback."""
    from eventsourcing.persistence import PersistenceError

    from .container import Runtime
    from .settings import SettingsError

    settings = settings or _settings()
    try:
        return Runtime(settings, **options)
    except SettingsError as exc:
        console.print(f"[red]cannot start: {exc}")
    except (PersistenceError, OSError) as exc:
        console.print(f"[red]cannot open the ledger's database: {type(exc).__name__}: {exc}")
    except Exception as exc:  # psycopg's errors when reaching PostgreSQL beside the library
        if type(exc).__module__.split(".")[0] != "psycopg":
            raise
        console.print(f"[red]cannot open the ledger's database: {type(exc).__name__}: {exc}")
    raise typer.Exit(2)


def _progress_bar(total: int, description: str):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]} events/s"), TimeElapsedColumn(), TextColumn("ETA"),
                   TimeRemainingColumn(), console=console)
    task = bar.add_task(description, total=max(total, 1), rate="-")
    return bar, task


@cli.command()
def seal(anchor: Path = typer.Option(None, "--anchor", help="Append the seal's head (position, hash, sealed_at, "
                                                            "signature; one JSON line) to this anchor file, to be "
                                                            "kept off the ledger's machine.")):
    """Sign the chain's head now with the seal key and record the seal in the log. Run on the
    ledger's machine with its seal key, so it is not held to the one-seal-a-minute bound that
    applies over the API."""
    from ledger.audit.anchors import Anchor

    from ledger.errors import LedgerError

    rt = _runtime()
    try:
        record = rt.ledger.seal("cli", force=True)
    except LedgerError as exc:
        console.print(f"[red]{exc.detail}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    typer.echo(json.dumps(record.as_dict(), indent=2))
    if anchor is not None:
        try:
            with open(anchor, "a") as f:
                f.write(Anchor.from_seal(record).line())
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            console.print(f"[red]the seal was recorded, but appending it to {anchor} failed: {exc.strerror or exc}")
            raise typer.Exit(1) from None
        console.print(f"appended the head at position {record.position} to {anchor}")


def _operator(name: str | None) -> str:
    return name or os.environ.get("SUDO_USER") or os.environ.get("USER") or "operator"


@chain_cli.command("adopt")
def chain_adopt(accept_after_seal: bool = typer.Option(False, "--accept-after-seal",
                                                       help="Also give MACs to the events after the latest seal, "
                                                            "which no signature vouches for (review them first)."),
                operator: str = typer.Option(None, "--operator", help="Who runs it, as recorded (default: $USER).")):
    """Once, with the service stopped: verify the public chain against the latest seal, then
    write every event's MAC under LEDGER_CHAIN_KEY, for a store written before the key existed.
    The adoption is recorded in the log."""
    from .chain_keying import ChainKeyingRefused, adopt

    rt = _runtime(adopting=True, read_models=False)
    try:
        bar, task = _progress_bar(rt.ledger.head_position(), "adopting")
        with bar:
            done = adopt(rt, _operator(operator), accept_after_seal=accept_after_seal,
                         progress=lambda position: bar.update(task, completed=position))
    except ChainKeyingRefused as exc:
        console.print(f"[red]not adopted: {exc}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    console.print(f"[green]adopted: {done['macs_written']} MACs written through position {done['through_position']}"
                  f" (latest seal at {done['sealed_position']}; {done['after_seal']} event(s) after it accepted); "
                  f"recorded at position {done['recorded_at_position']}")


@chain_cli.command("rotate")
def chain_rotate(old_key_file: Path = typer.Option(..., "--old-key-file", help="The key the MACs are made with now "
                                                                              "(LEDGER_CHAIN_KEY holds the new one)."),
                 operator: str = typer.Option(None, "--operator", help="Who runs it, as recorded (default: $USER).")):
    """With the service stopped: check every MAC under the old key, then replace it with the
    MAC under LEDGER_CHAIN_KEY (the new key). The rotation is recorded in the log."""
    from ledger.pii import decode_key

    from .chain_keying import ChainKeyingRefused, rotate

    try:
        old_key = decode_key(old_key_file.read_text())
    except (OSError, ValueError) as exc:
        console.print(f"[red]--old-key-file {old_key_file}: not a readable key ({exc})")
        raise typer.Exit(2) from None
    rt = _runtime(adopting=True, read_models=False)
    try:
        bar, task = _progress_bar(rt.ledger.head_position(), "rotating")
        with bar:
            done = rotate(rt, _operator(operator), old_key,
                          progress=lambda position: bar.update(task, completed=position))
    except (ChainKeyingRefused, ValueError) as exc:
        console.print(f"[red]not rotated: {exc}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    console.print(f"[green]rotated: {done['macs_written']} MACs rewritten through position {done['through_position']};"
                  f" recorded at position {done['recorded_at_position']}. Keep the old key until every process "
                  "runs with the new one, then destroy it")


@cli.command()
def replay(keep: bool = typer.Option(False, help="Keep the rebuilt store instead of dropping it.")):
    """Rebuild every read model from the log into a fresh store and compare it with the live one."""
    from .replay import missing_read_models

    settings = _settings()
    missing = _missing_read_models(settings, missing_read_models)
    if missing:
        console.print(f"[red]read models: not checked: {missing}")
        raise typer.Exit(1)
    rt = _runtime(settings)
    try:
        ok = _replay(rt, keep)
    finally:
        rt.close()
    raise typer.Exit(0 if ok else 1)


def _missing_read_models(settings: Settings, probe) -> str | None:
    try:
        return probe(settings)
    except Exception as exc:  # the database could not be asked
        return f"could not be looked at ({type(exc).__name__}: {exc})"


def _replay(rt, keep: bool) -> bool:
    """Replays and reports; True when the live read models equal the replay."""
    from .replay import replay_and_compare

    total = rt.runner.stored_position()
    head = rt.ledger.head_position()
    if total == 0 and head > 0:
        console.print(f"[red]read models: not checked: they have projected nothing (position 0; the log's head is "
                      f"{head})")
        return False
    if total > head:
        # A replay stops at the head and would match: the position itself is the problem.
        console.print(f"[red]read models: their tracking position {total} is ahead of the log's head {head}: they "
                      "claim events the log does not have (the tracking row was edited, or the log's tail was cut "
                      "off). Rebuild them (`ledger replay --keep`) and compare the log with an anchor")
        return False
    bar, task = _progress_bar(total, "replaying")
    started = time.monotonic()
    done = 0

    def progress(count: int, position: int) -> None:
        nonlocal done
        done += count
        bar.update(task, completed=position, rate=f"{done / max(time.monotonic() - started, 1e-9):,.0f}")

    try:
        with bar:
            result = replay_and_compare(rt, progress=progress, keep=keep)
    except Exception as exc:
        console.print(f"[red]read models: not checked: the replay failed ({type(exc).__name__}: {exc})")
        return False
    if result["unreplayable"] is not None:
        console.print(f"[red]read models: not checked: the log cannot be replayed at position "
                      f"{result['unreplayable']} (an event that cannot be decoded or applied)")
        return False
    console.print(f"replayed {result['events']} events up to position {result['position']}"
                  + (f" (the read models' position; the log's head is {head})" if result["position"] < head else ""))
    if result["differences"]:
        console.print(f"[red]{len(result['differences'])} difference(s) between the live read models and the replay:")
        for line in result["differences"]:
            console.print(f"  {line}")
        return False
    console.print("[green]the live read models equal the replay, row by row")
    return True


@cli.command()
def verify(public_key: Path = typer.Option(None, help="The seal public key to trust (PEM or hex); default: "
                                                        "the configured seal key's public half."),
           anchor: list[Path] = typer.Option([], "--anchor", help="An anchor file (see `ledger seal --anchor`), "
                                                                  "kept off the ledger's machine: every anchor in "
                                                                  "it is checked. May be given more than once.")):
    """Check the hash chain, every seal, every anchor and every snapshot, then replay the read
    models and compare them. Reports each problem, names what it could not check, and exits
    non-zero unless everything checked holds."""
    from ledger.audit.anchors import read_anchor_file
    from ledger.audit.seal import load_public_key

    from .replay import missing_read_models

    settings = _settings()
    problems: list[str] = []
    key_text = None
    if public_key is not None:
        try:
            key_text = public_key.read_text()
            load_public_key(key_text)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            console.print(f"[red]--public-key {public_key}: not a readable Ed25519 public key ({exc})")
            raise typer.Exit(2) from None
    anchors = []
    for path in anchor:
        try:
            found, bad = read_anchor_file(path.read_text(), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"anchors: {path} cannot be read ({getattr(exc, 'strerror', None) or exc})")
            continue
        anchors += found
        problems += [f"anchors: {line}" for line in bad]
        if not found and not bad:
            problems.append(f"anchors: {path} holds no anchor")
    missing = _missing_read_models(settings, missing_read_models)
    # Opened on a store without MACs too (`adopting`): verify then says so, where the service refuses to start.
    rt = _runtime(settings, read_models=missing is None, adopting=True)
    try:
        ok = _report_log_checks(rt, key_text, anchors) and not problems
        for line in problems:
            console.print(f"[red]{line}")
        if missing:
            console.print(f"[red]read models: not checked: {missing}")
            ok = False
        else:
            ok = _replay(rt, keep=False) and ok
    finally:
        rt.close()
    raise typer.Exit(0 if ok else 1)


def _report_log_checks(rt, key_text: str | None, anchors: list) -> bool:
    """Chain, seals, anchors and snapshots, one line each; True when all of them hold."""
    bar, task = _progress_bar(rt.ledger.head_position(), "verifying")
    try:
        with bar:
            check = rt.ledger.verify_chain(key_text, anchors,
                                           progress=lambda position: bar.update(task, completed=position))
            bar.update(task, completed=check["head_position"])
    except Exception as exc:
        console.print(f"[red]chain, seals, anchors, snapshots: not checked: the verification failed "
                      f"({type(exc).__name__}: {exc})")
        return False
    if check["chain_ok"]:
        console.print(f"[green]chain intact: {check['events_checked']} events, head {check['head_position']} "
                      f"{check['head_hash']}")
    else:
        console.print(f"[red]chain check failed at position {check['first_bad_position']}: {check['problem']}")
    if check["macs_ok"]:
        console.print("[green]every event checked has a valid MAC under LEDGER_CHAIN_KEY")
    elif check["macs_ok"] is False:
        console.print(f"[red]keyed chain: the event at position {check['first_bad_mac_position']} has no valid MAC "
                      f"under LEDGER_CHAIN_KEY ({check['bad_macs']} event(s) in all): inserted or rewritten by "
                      "someone without the key (or, for a store written before the key, not adopted yet: "
                      "`ledger chain adopt`)")
    if check["undecodable"]["count"]:
        console.print(f"[red]{check['undecodable']['count']} event(s) cannot be decoded, the first at positions "
                      f"{', '.join(map(str, check['undecodable']['positions'][:10]))}")
    bad_seals = [s for s in check["seals"] if not s["ok"]]
    if bad_seals:
        for s in bad_seals:
            console.print(f"[red]seal recorded at position {s['recorded_at_position']}: {s['problem']}")
    else:
        console.print(f"[green]{len(check['seals'])} seal(s) verified")
    for a in check["anchors"]:
        where = f"{a['source']}: " if a.get("source") else ""
        if a["ok"]:
            console.print(f"[green]{where}anchor at position {a['position']} holds")
        else:
            console.print(f"[red]{where}anchor at position {a['position']}: {a['problem']}")
    snapshots = check["snapshots"]
    if snapshots and not snapshots["not_checked"]:
        for s in snapshots["bad"]:
            console.print(f"[red]snapshot at version {s['version']} (position {s['position']}): {s['problem']}")
        if not snapshots["bad"]:
            console.print(f"[green]{snapshots['checked']} snapshot(s) match their events"
                          + (f"; {snapshots['untagged']} without a tag (stored by an earlier version) are never "
                             f"used" if snapshots["untagged"] else ""))
    for line in check["not_checked"]:
        console.print(f"[yellow]not checked: {line}")
    return check["ok"]


@cli.command("export")
def export_log(out: Path = typer.Option(..., "--out", help="Folder to write the export into (a file for "
                                                           "--format beancount)."),
               fmt: str = typer.Option("audit", "--format", help="audit (default): the log with its hashes, a "
                                                                 "seal and a verifier; beancount: a double-entry "
                                                                 "journal of every fund movement.")):
    """Write the whole log with its hashes, a fresh seal, the public key and a standalone verifier;
    or, with --format beancount, every fund movement as a Beancount journal (projections/reads/journal.py)."""
    if fmt == "beancount":
        _export_journal(out)
        return
    if fmt != "audit":
        console.print("[red]--format must be audit or beancount")
        raise typer.Exit(2)
    from ledger.errors import LedgerError

    from .export import export

    rt = _runtime()
    try:
        bar, task = _progress_bar(rt.ledger.head_position(), "exporting")
        with bar:
            summary = export(rt.ledger, out, progress=lambda position: bar.update(task, completed=position))
    except LedgerError as exc:
        console.print(f"[red]export stopped: {exc.detail}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    console.print(f"exported {summary['events']} events to {out}; seal at position {summary['seal']['position']}")
    console.print(f"check offline: python3 {out}/verify_export.py {out} {out}/seal-public-key.pem")


def _export_journal(out: Path) -> None:
    from projections.reads.journal import write_journal

    from ledger.errors import LedgerError

    rt = _runtime()
    try:
        bar, task = _progress_bar(rt.ledger.head_position(), "journal")
        with bar:
            summary = write_journal(rt.ledger, out, progress=lambda position: bar.update(task, completed=position))
    except LedgerError as exc:
        console.print(f"[red]journal stopped: {exc.detail}")
        raise typer.Exit(1) from None
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

    from projections.reads.reports import CLI_ACTOR

    rt = _runtime()
    try:
        actor = replace(CLI_ACTOR, roles=frozenset({"treasurer", "admin"}))
        # The evidence is decided in the writer, from the fund's events (ledger/service/periods.py).
        body = rt.ledger.close_period(actor, fund_id, month,
                                      {"override_reason": override_reason} if override_reason else {})
    except LedgerError as exc:
        console.print(f"[red]{exc.code}: {exc.detail}")
        raise typer.Exit(1) from None
    finally:
        rt.close()
    typer.echo(json.dumps(body.body, indent=2, ensure_ascii=False))


@projections_cli.command("run")
def projections_run():
    """Keep the read models current until stopped (for LEDGER_PROJECTIONS=external)."""

    rt = _runtime()
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

    rt = _runtime()
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

    from projections.reads.export import FORMATS, render
    from projections.reads.reports import CLI_ACTOR

    if fmt not in FORMATS:
        console.print(f"[red]--format must be one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    rt = _runtime()
    try:
        rt.runner.start()  # follows the log unless another process does (then it waits for that one)
        report = rt.reads.fund_usage(CLI_ACTOR, fund_id=fund_id, fund_type=fund_type, region=region,
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


@report_cli.command("backdated")
def report_backdated(
        out: Path = typer.Option(..., "--out", help="File to write the list to (JSON)."),
        start: str = typer.Option(None, "--from", help="First business date, YYYY-MM-DD (included)."),
        end: str = typer.Option(None, "--to", help="Last business date, YYYY-MM-DD (included)."),
        fund_id: str = typer.Option(None, "--fund-id", help="Only this fund's entries, e.g. employment_subsidy:210100.")):
    """Write every backdated entry (a business date beyond LEDGER_BACKDATE_DAYS, with its
    evidence) as GET /v1/reports/backdated lists it, all pages, for auditors."""
    from ledger.errors import LedgerError
    from ledger.views import json_bytes

    from projections.reads.reports import CLI_ACTOR

    rt = _runtime()
    items: list[dict] = []
    try:
        rt.runner.start()
        after = None
        while True:
            page, after = rt.reads.backdated(CLI_ACTOR, fund_id=fund_id, start=start, end=end, after=after,
                                             limit=1000)
            items += page
            if after is None:
                break
    except LedgerError as exc:
        console.print(f"[red]{exc.code}: {exc.detail}")
        raise typer.Exit(2) from None
    finally:
        rt.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(json_bytes({"items": items}))
    console.print(f"{len(items)} backdated entr{'y' if len(items) == 1 else 'ies'}; written to {out}")


def main() -> None:
    cli()
