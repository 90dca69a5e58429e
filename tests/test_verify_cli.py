"""`ledger verify`, `ledger seal --anchor` and `ledger replay` as an operator runs them: every
problem reported with where it is, what could not be checked named, a non-zero exit unless
everything checked holds, and never a traceback."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from runtime.cli import cli
from runtime.container import Runtime
from runtime.demo import load_demo_data
from runtime.replay import TRACKING_TABLE

from .support import CHAIN_KEY, PII_KEY, SEAL_KEY
from .tampering import Store


def _env(settings) -> dict:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
            "LEDGER_DATA_DIR": str(settings.data_dir),
            "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
            "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_PROJECTIONS": "embedded",
            "LEDGER_DEMO_DATA": "0", "LEDGER_PII_KEY_FILE": "", "LEDGER_SEAL_KEY_FILE": "",
            "LEDGER_CHAIN_KEY_FILE": ""}


def _run(settings, *args):
    result = CliRunner().invoke(cli, list(args), env=_env(settings))
    # A report, whatever it says: an exception here would have been a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def history(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    load_demo_data(rt.ledger, claims_per_city=4)
    rt.runner.catch_up()
    rt.close()
    return settings


def test_verify_names_each_check_and_what_it_could_not_check(history):
    result = _run(history, "verify")
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output and "seal(s) verified" in result.output
    assert "snapshot(s) match their events" in result.output
    assert "equal the replay" in result.output
    assert "not checked: anchors: none given" in result.output


def test_verify_catches_an_edited_read_model(history):
    rt = Runtime(history)  # someone edits a read-model row behind the projector's back
    with rt.views.datastore.transaction(commit=True) as c:
        c.execute(rt.views._q("UPDATE rm_funds SET disbursed_fen = disbursed_fen - 100 WHERE fund_id = ?"),
                  ("employment_subsidy:210100",))
    rt.close()
    result = _run(history, "verify")
    assert result.exit_code == 1, result.output
    assert "chain intact" in result.output and "snapshot(s) match their events" in result.output
    assert "rm_funds ('employment_subsidy:210100',): differs in disbursed_fen" in result.output


def test_verify_reports_read_models_whose_position_is_ahead_of_the_log(history):
    rt = Runtime(history)  # someone moves the read models' tracking position past the head
    head = rt.ledger.head_position()
    table = TRACKING_TABLE[history.backend]
    table = f'"{history.pg_schema}".{table}' if history.backend == "postgres" else table
    with rt.views.datastore.transaction(commit=True) as c:
        c.execute(rt.views._q(f"UPDATE {table} SET notification_id = ? WHERE notification_id = ?"),
                  (head + 1000, rt.runner.stored_position()))
    rt.close()
    result = _run(history, "verify")
    assert result.exit_code == 1, result.output
    assert f"tracking position {head + 1000} is ahead of the log's head {head}" in result.output


def test_verify_reports_a_missing_read_model_database_and_does_not_create_it(history):
    if history.backend == "sqlite":
        views = history.sqlite_path.with_name(history.sqlite_path.stem + "-views.db")
        for suffix in ("", "-wal", "-shm"):
            views.with_name(views.name + suffix).unlink(missing_ok=True)
    else:
        store = Store(history)
        store.q(f'DROP TABLE "{history.pg_schema}".rm_funds')
        store.close()
    for command in ("verify", "replay"):
        result = _run(history, command)
        assert result.exit_code == 1, result.output
        assert "read models: not checked" in result.output
        assert ("does not exist" if history.backend == "sqlite" else "lack rm_funds") in result.output
        assert "equal the replay" not in result.output
    assert "chain intact" in _run(history, "verify").output   # what could be checked still was
    if history.backend == "sqlite":
        assert not views.exists(), "verifying must not create the read models it looks for"


def test_verify_reports_a_log_it_cannot_replay(history):
    store = Store(history)
    fund_event = store.positions("ledger.domain.fund:Fund.Allocated")[2]
    store.set_state(fund_event, b"{not json")
    store.recompute_chain(fund_event)
    store.close()
    result = _run(history, "verify")
    assert result.exit_code == 1, result.output
    assert "chain intact" in result.output   # the chain was recomputed: only replaying tells
    assert f"the log cannot be replayed at position {fund_event}" in result.output
    assert f"1 event(s) cannot be decoded, the first at positions {fund_event}" in result.output


def test_seal_appends_anchors_and_verify_checks_every_one(history, tmp_path):
    anchors = tmp_path / "worm" / "anchors.jsonl"
    anchors.parent.mkdir()
    first = _run(history, "seal", "--anchor", str(anchors))
    second = _run(history, "seal", "--anchor", str(anchors))   # at once: the CLI is not held to the pace
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    assert len(lines) == 2 and all(set(line) == {"position", "hash", "sealed_at", "signature"} for line in lines)
    result = _run(history, "verify", "--anchor", str(anchors))
    assert result.exit_code == 0, result.output
    assert result.output.count("holds") == 2 and "anchors: none given" not in result.output

    # A forged line (its signature does not fit), a line that is no anchor, and a file missing.
    forged = {**lines[0], "hash": "ab" * 32}
    anchors.write_text(anchors.read_text() + json.dumps(forged) + "\nnot json\n")
    result = _run(history, "verify", "--anchor", str(anchors), "--anchor", str(tmp_path / "absent.jsonl"))
    assert result.exit_code == 1, result.output
    assert "anchors.jsonl line 3: anchor at position" in result.output
    assert "signature does not verify" in result.output
    assert "anchors.jsonl line 4: not an anchor" in result.output
    assert "absent.jsonl cannot be read" in result.output


def test_verify_with_an_anchor_catches_a_truncated_tail(history, tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    assert _run(history, "seal", "--anchor", str(anchors)).exit_code == 0
    position = json.loads(anchors.read_text())["position"]
    store = Store(history)
    for p in store.positions()[-3:]:
        store.delete(p)
    store.close()
    result = _run(history, "verify", "--anchor", str(anchors))
    assert result.exit_code == 1, result.output
    assert "chain intact" in result.output
    assert f"before the anchored position {position}: its tail was removed" in result.output
