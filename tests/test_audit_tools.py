"""The auditor's tools end to end: `ledger export` and the standalone verifier (standard
library only), `ledger verify`, `ledger replay` finding a difference, and the audit API."""
from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from ledger.access import Actor
from ledger.audit.chain import link
from runtime.cli import cli
from runtime.container import Runtime
from runtime.demo import load_demo_data

from .support import ADMIN_TOKEN, CHAIN_KEY, PII_KEY, SEAL_KEY, Api, make_user


def _env(settings) -> dict:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
            "LEDGER_DATA_DIR": str(settings.data_dir),
            "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
            "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_PROJECTIONS": "embedded"}


@pytest.fixture
def history(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    load_demo_data(rt.ledger, claims_per_city=8)
    rt.runner.catch_up()
    rt.close()
    return settings


def test_export_is_checked_offline_by_the_standalone_verifier(history, tmp_path):
    out = tmp_path / "export"
    result = CliRunner().invoke(cli, ["export", "--out", str(out)], env=_env(history))
    assert result.exit_code == 0, result.output
    # -I -S: no site-packages, so the verifier can only be using the standard library.
    verifier = [sys.executable, "-I", "-S", str(out / "verify_export.py"), str(out), str(out / "seal-public-key.pem")]
    done = subprocess.run(verifier, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("OK"), done.stdout + done.stderr

    lines = (out / "events.ndjson").read_text().splitlines()
    event = json.loads(lines[10])
    event["originator_version"] += 1
    lines[10] = json.dumps(event)
    (out / "events.ndjson").write_text("\n".join(lines) + "\n")
    done = subprocess.run(verifier, capture_output=True, text=True)
    assert done.returncode == 1 and f"position {event['position']}" in done.stdout, done.stdout

    # A seal checked with someone else's key fails.
    (tmp_path / "other.hex").write_text("ab" * 32)
    done = subprocess.run([*verifier[:-1], str(tmp_path / "other.hex")], capture_output=True, text=True)
    assert done.returncode == 1


def test_the_standalone_verifier_checks_the_macs_when_given_the_chain_key(history, tmp_path):
    out = tmp_path / "export"
    assert CliRunner().invoke(cli, ["export", "--out", str(out)], env=_env(history)).exit_code == 0
    (tmp_path / "chain.key").write_text(CHAIN_KEY + "\n")
    verifier = [sys.executable, "-I", "-S", str(out / "verify_export.py"), str(out), str(out / "seal-public-key.pem")]
    keyed = [*verifier, str(tmp_path / "chain.key")]
    done = subprocess.run(keyed, capture_output=True, text=True)
    assert done.returncode == 0 and "every MAC verified" in done.stdout, done.stdout + done.stderr
    # A line appended with its public chain recomputed (no key): the public chain and the seal
    # hold; only the MACs tell, and only to whoever holds the key.
    lines = (out / "events.ndjson").read_text().splitlines()
    last = json.loads(lines[-1])
    forged = {**last, "position": last["position"] + 1, "originator_version": last["originator_version"] + 1,
              "prev_hash": last["hash"], "mac": "00" * 32}
    forged["hash"] = link(last["hash"], forged["position"], forged["originator_id"], forged["originator_version"],
                          forged["topic"], base64.b64decode(forged["state"]))
    (out / "events.ndjson").write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    done = subprocess.run(verifier, capture_output=True, text=True)
    assert done.returncode == 0 and "MACs not checked" in done.stdout, done.stdout
    done = subprocess.run(keyed, capture_output=True, text=True)
    assert done.returncode == 1 and f"position {forged['position']}: the event has no valid MAC" in done.stdout


def test_ledger_verify_and_replay_pass_then_report_a_difference(history):
    runner = CliRunner()
    result = runner.invoke(cli, ["verify"], env=_env(history))
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output and "equal the replay" in result.output

    rt = Runtime(history)  # someone edits a read-model row behind the projector's back
    with rt.views.datastore.transaction(commit=True) as c:
        c.execute(rt.views._q("UPDATE rm_funds SET allocated_fen = allocated_fen + 1 WHERE fund_id = ?"),
                  ("employment_subsidy:210100",))
    rt.close()
    result = runner.invoke(cli, ["replay"], env=_env(history))
    assert result.exit_code == 1
    assert "rm_funds ('employment_subsidy:210100',): differs in allocated_fen" in result.output


def test_audit_api_pages_streams_and_verifies(settings):
    with TestClient(create_app(settings)) as client:
        admin = Api(client, ADMIN_TOKEN)
        auditor = make_user(admin, "auditor", ["auditor"], ["000000"])
        clerk = make_user(admin, "clerk", ["clerk"], ["210000"])
        treasurer = Actor("t", "t", frozenset({"treasurer"}), ("000000",))
        rt = client.app.state.runtime
        rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210100"})
        for i in range(7):
            rt.ledger.allocate(treasurer, "employment_subsidy:210100", {
                "amount": "10.00", "source": "other", "document_no": f"A-{i}", "effective_date": "2022-06-10"})
        assert clerk.get("/v1/audit/events").status_code == 403
        first = auditor.get("/v1/audit/events", limit=5).json()
        assert len(first["items"]) == 5 and first["next_cursor"]
        rest = auditor.get("/v1/audit/events", after_position=first["next_cursor"], limit=1000).json()
        items = first["items"] + rest["items"]
        assert [e["position"] for e in items] == sorted({e["position"] for e in items})
        assert all(b["prev_hash"] == a["hash"] for a, b in zip(items, items[1:]))
        assert items[0]["prev_hash"] == "0" * 64
        r = client.get("/v1/audit/events", headers={"Authorization": f"Bearer {auditor.token}",
                                                    "Accept": "application/x-ndjson"})
        assert r.headers["content-type"].startswith("application/x-ndjson")
        streamed = [json.loads(line) for line in r.text.splitlines()]
        assert streamed == items
        assert admin.post("/v1/audit/seals").status_code == 201
        check = auditor.get("/v1/audit/verify", full="true").json()
        assert check["ok"] and check["events_checked"] == len(items) + 1 and check["first_bad_position"] is None
        assert check["macs_ok"] is True and check["full"] and check["from_position"] == 0
        # The next check goes on from the head found good: nothing new, nothing walked again.
        again = auditor.get("/v1/audit/verify").json()
        assert again["ok"] and again["events_checked"] == 0 and again["from_position"] == check["head_position"]
        assert again["head_hash"] == check["head_hash"] and not again["full"]
        assert [(s["position"], s["ok"]) for s in again["seals"]] == [(check["seals"][-1]["position"], True)]
        assert check["head_hash"] == auditor.get("/v1/audit/events", after_position=len(items)).json()["items"][-1][
            "hash"]
        seal = auditor.get("/v1/audit/seals/latest").json()
        assert seal["position"] == items[-1]["position"] and seal["hash"] == items[-1]["hash"]
