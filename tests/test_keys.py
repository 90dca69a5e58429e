"""Where the PII and seal keys come from. Outside demo mode a key must be given (as hex, or
as a file outside the data directory) or the ledger does not start, saying how to provide
one; whoever copies the data directory must not get the keys with it. In demo mode a
missing key is generated once into var/ with a warning."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runtime.cli import cli
from runtime.container import Runtime
from runtime.settings import Settings, SettingsError

from .support import CHAIN_KEY, PII_KEY, SEAL_KEY

ROOT = Path(__file__).resolve().parents[1]


def _settings(tmp_path, **keys) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/data/ledger.db", **keys)


@pytest.mark.parametrize("variable,given", [("LEDGER_PII_KEY", {"seal_key": SEAL_KEY, "chain_key": CHAIN_KEY}),
                                             ("LEDGER_SEAL_KEY", {"pii_key": PII_KEY, "chain_key": CHAIN_KEY}),
                                             ("LEDGER_CHAIN_KEY", {"pii_key": PII_KEY, "seal_key": SEAL_KEY})])
def test_a_missing_key_stops_the_start_and_says_how_to_provide_one(tmp_path, variable, given):
    with pytest.raises(SettingsError) as refused:
        Runtime(_settings(tmp_path, **given))
    message = str(refused.value)
    assert message.startswith(f"{variable} is not set") and "ledger keygen" in message
    assert f"{variable}_FILE" in message
    assert not (tmp_path / "data" / "ledger.db").exists(), "refused before the database was touched"
    assert not list(tmp_path.rglob("*.key")), "no key was generated"


def test_a_key_file_inside_the_data_directory_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "keys").mkdir()
    (data / "keys" / "pii.key").write_text(PII_KEY)
    with pytest.raises(SettingsError) as refused:
        _settings(tmp_path, pii_key_file=str(data / "keys" / "pii.key"), seal_key=SEAL_KEY).resolve_pii_key()
    assert "lies inside the data directory" in str(refused.value)
    # A link from outside to a file inside is inside all the same.
    (tmp_path / "pii.key").symlink_to(data / "keys" / "pii.key")
    with pytest.raises(SettingsError):
        _settings(tmp_path, pii_key_file=str(tmp_path / "pii.key")).resolve_pii_key()


def test_key_files_outside_the_data_directory_are_read(tmp_path):
    keys = tmp_path / "secrets"
    keys.mkdir()
    (keys / "pii.key").write_text(PII_KEY + "\n")
    (keys / "seal.key").write_text(SEAL_KEY + "\n")
    (keys / "chain.key").write_text(CHAIN_KEY + "\n")
    settings = Settings.from_env({"LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/data/ledger.db",
                                  "LEDGER_PII_KEY_FILE": str(keys / "pii.key"),
                                  "LEDGER_SEAL_KEY_FILE": str(keys / "seal.key"),
                                  "LEDGER_CHAIN_KEY_FILE": str(keys / "chain.key")})
    assert settings.resolve_pii_key() == bytes.fromhex(PII_KEY)
    assert settings.resolve_seal_seed() == SEAL_KEY
    assert settings.resolve_chain_key() == bytes.fromhex(CHAIN_KEY)
    rt = Runtime(settings)
    rt.close()


@pytest.mark.parametrize("keys,expected", [
    ({"pii_key": PII_KEY, "pii_key_file": "/somewhere/pii.key", "seal_key": SEAL_KEY}, "not both"),
    ({"pii_key_file": "/nonexistent/pii.key", "seal_key": SEAL_KEY}, "cannot read"),
    ({"pii_key": "abcd", "seal_key": SEAL_KEY}, "at least 32 bytes"),
    ({"pii_key": PII_KEY, "seal_key": "not hex"}, "32 bytes in hex"),
    ({"pii_key": PII_KEY, "seal_key": SEAL_KEY, "chain_key": "abcd"},
     "LEDGER_CHAIN_KEY: a key needs at least 32 bytes"),
    ({"pii_key": PII_KEY, "seal_key": SEAL_KEY, "chain_key_file": "/nonexistent/chain.key"}, "cannot read"),
])
def test_unusable_keys_are_refused_with_the_reason(tmp_path, keys, expected):
    with pytest.raises(SettingsError) as refused:
        Runtime(_settings(tmp_path, **keys))
    assert expected in str(refused.value)


def test_a_key_a_demo_generated_is_not_used_outside_demo_mode(tmp_path, caplog):
    demo = _settings(tmp_path, demo_data=True)
    with caplog.at_level(logging.WARNING):
        generated = demo.resolve_pii_key()
    assert "generated a key into" in caplog.text and (tmp_path / "data" / "pii.key").exists()
    assert demo.resolve_pii_key() == generated, "generated once, then read"
    assert oct((tmp_path / "data" / "pii.key").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(SettingsError) as refused:
        _settings(tmp_path).resolve_pii_key()
    assert "the key a demo generated is in" in str(refused.value)


def test_the_server_refuses_to_start_without_keys_and_says_why(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_DATABASE_URL=f"sqlite:///{tmp_path}/var/ledger.db", LEDGER_SEAL_KEY=SEAL_KEY,
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "uvicorn", "api.app:app", "--uds", str(tmp_path / "api.sock")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "LEDGER_PII_KEY is not set" in done.stderr and "ledger keygen" in done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def test_cli_commands_refuse_without_keys_and_keygen_writes_a_key_file(tmp_path):
    runner = CliRunner()
    base = {"LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/var/ledger.db", "LEDGER_PII_KEY": "",
            "LEDGER_SEAL_KEY": "", "LEDGER_PII_KEY_FILE": "", "LEDGER_SEAL_KEY_FILE": "", "LEDGER_DEMO_DATA": "0",
            "LEDGER_CHAIN_KEY": "", "LEDGER_CHAIN_KEY_FILE": ""}
    result = runner.invoke(cli, ["verify"], env=base)
    assert result.exit_code == 2 and "LEDGER_PII_KEY is not set" in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)

    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("pii.key", "seal.key", "chain.key"):
        made = runner.invoke(cli, ["keygen", "--out", str(keys / name)])
        assert made.exit_code == 0, made.output
        assert oct((keys / name).stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(cli, ["keygen", "--out", str(keys / "pii.key")])
    assert again.exit_code == 1 and "never overwritten" in again.output
    env = {**base, "LEDGER_PII_KEY_FILE": str(keys / "pii.key"), "LEDGER_SEAL_KEY_FILE": str(keys / "seal.key")}
    result = runner.invoke(cli, ["seal"], env=env)
    assert result.exit_code == 2 and "LEDGER_CHAIN_KEY is not set" in result.output, result.output
    env["LEDGER_CHAIN_KEY_FILE"] = str(keys / "chain.key")
    result = runner.invoke(cli, ["seal"], env=env)
    assert result.exit_code == 0, result.output


def test_demo_workers_starting_together_generate_one_key(tmp_path):
    """`uvicorn --workers N` in demo mode: each worker may find the key missing; exactly one
    writes it and every worker reads that one."""
    code = ("from runtime.settings import Settings; "
            f"print(Settings(database_url='sqlite:///{tmp_path}/var/ledger.db', demo_data=True)"
            ".resolve_pii_key().hex())")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
               for _ in range(4)]
    keys = {w.communicate(timeout=60)[0].strip() for w in workers}
    assert all(w.returncode == 0 for w in workers)
    assert keys == {(tmp_path / "var" / "pii.key").read_text().strip()}


def test_demo_mode_generates_the_chain_key_beside_the_others(tmp_path):
    Runtime(_settings(tmp_path, demo_data=True)).close()
    assert {p.name for p in (tmp_path / "data").glob("*.key")} == {"pii.key", "seal.key", "chain.key"}
    with pytest.raises(SettingsError, match="the key a demo generated is in"):
        _settings(tmp_path, pii_key=PII_KEY, seal_key=SEAL_KEY).resolve_chain_key()
