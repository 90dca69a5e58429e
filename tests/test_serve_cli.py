"""`ledger serve` as an operator starts it: outside demo mode no token is printed or written
(its output lands in service logs); the banner, with a demo's tokens, comes once the server
answers; `--demo` is a plain flag."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from runtime.cli import cli

from .servers import ROOT
from .support import CHAIN_KEY, PII_KEY, SEAL_KEY

OPERATOR_TOKEN = "operator-token-0123456789abcdef0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`ledger serve` in a process of its own, in a directory of the test's own."""

    def __init__(self, tmp_path, *args: str, **env: str):
        self.port = _free_port()
        self.data = tmp_path / "data"
        self.out_path = tmp_path / "serve.out"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
        environ.update(PYTHONPATH=str(ROOT), COLUMNS="200", LEDGER_DATABASE_URL=f"sqlite:///{self.data}/ledger.db",
                       LEDGER_SEAL_INTERVAL_S="0", **env)
        work = tmp_path / "work"
        work.mkdir()
        self.out = open(self.out_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-c", "from runtime.cli import main; main()", "serve",
                                      "--port", str(self.port), *args], cwd=work, env=environ,
                                     stdout=self.out, stderr=subprocess.STDOUT)

    def banner(self) -> tuple[str, bool]:
        """The output up to and with the banner, and whether the server answered when it was
        printed (asked right after the banner's first line appears)."""
        deadline = time.monotonic() + 180  # demo data loads slowly on a busy machine
        while "Subsidy ledger" not in self.output():
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)
        answered = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=10).status_code == 200
        while "  try " not in self.output():  # the banner is printed in one piece; wait for its end
            time.sleep(0.05)
        return self.output(), answered

    def output(self) -> str:
        return self.out_path.read_text()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.out.close()


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*args, **env) -> Serve:
        started.append(Serve(tmp_path, *args, **env))
        return started[-1]

    yield start
    for s in started:
        s.stop()


@pytest.mark.slow
def test_outside_demo_mode_no_token_is_printed_or_written(serve):
    s = serve(LEDGER_BOOTSTRAP_ADMIN_TOKEN=OPERATOR_TOKEN, LEDGER_PII_KEY=PII_KEY, LEDGER_SEAL_KEY=SEAL_KEY, LEDGER_CHAIN_KEY=CHAIN_KEY)
    banner, answered = s.banner()
    assert answered
    assert "LEDGER_BOOTSTRAP_ADMIN_TOKEN (not shown)" in banner
    r = httpx.get(f"http://127.0.0.1:{s.port}/v1/programs", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert r.status_code == 200  # the operator's token is the bootstrap admin's
    s.stop()
    assert OPERATOR_TOKEN not in s.output()
    assert not (s.data / "admin-token").exists()
    assert sorted(p.name for p in s.data.iterdir() if "token" in p.name) == []


@pytest.mark.slow
def test_without_the_variable_outside_demo_mode_no_token_is_made(serve):
    s = serve(LEDGER_PII_KEY=PII_KEY, LEDGER_SEAL_KEY=SEAL_KEY, LEDGER_CHAIN_KEY=CHAIN_KEY)
    banner, answered = s.banner()
    assert answered
    assert "no LEDGER_BOOTSTRAP_ADMIN_TOKEN: no bootstrap admin" in banner
    assert "admin token" not in banner and "Bearer <your token>" in banner
    assert sorted(p.name for p in s.data.iterdir() if "token" in p.name) == []


@pytest.mark.slow
def test_a_demo_prints_its_tokens_once_the_server_answers(serve):
    s = serve("--demo")
    banner, answered = s.banner()
    assert answered
    admin_token = (s.data / "admin-token").read_text().strip()
    staff = (s.data / "demo-tokens.txt").read_text().splitlines()
    assert f"admin token : {admin_token}" in banner
    assert len(staff) >= 5 and all(f"    {line}" in banner for line in staff)
    role, token = staff[0].split(" ", 1)
    r = httpx.get(f"http://127.0.0.1:{s.port}/v1/programs", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, (role, r.text)


def test_demo_is_a_plain_flag():
    result = CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if "--demo" in line)
    assert "<bool>" not in line and "--help  " not in line
    assert not any("<bool>" in line for line in result.output.splitlines())


def test_the_cli_on_a_demo_store_says_what_to_set(tmp_path):
    from runtime.settings import Settings

    url = f"sqlite:///{tmp_path}/var/ledger.db"
    demo = Settings(database_url=url, demo_data=True)
    demo.resolve_pii_key(), demo.resolve_seal_seed()  # what `ledger serve --demo` generates into var/
    env = {"LEDGER_DATABASE_URL": url, "LEDGER_PII_KEY": "", "LEDGER_SEAL_KEY": "", "LEDGER_CHAIN_KEY": "",
           "LEDGER_CHAIN_KEY_FILE": "", "LEDGER_PII_KEY_FILE": "", "LEDGER_SEAL_KEY_FILE": "", "LEDGER_DATA_DIR": "", "LEDGER_DEMO_DATA": "0"}
    refused = CliRunner().invoke(cli, ["verify"], env=env)
    assert refused.exit_code == 2 and "set LEDGER_DEMO_DATA=1" in refused.output, refused.output
    checked = CliRunner().invoke(cli, ["verify"], env={**env, "LEDGER_DEMO_DATA": "1"})
    assert "chain intact" in checked.output, checked.output
