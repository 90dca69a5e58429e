"""Tests never write into the checkout's var/ (a running demo's: `scripts/test` once replaced
its staff tokens): every generated file goes where LEDGER_DATA_DIR or the SQLite file says,
and the suite's controller fails the run when var/ changed anyway (tests/checkout_guard.py)."""
from __future__ import annotations

from runtime.container import Runtime
from runtime.settings import Settings

from . import checkout_guard


def test_a_tests_generated_files_land_in_its_own_directory(settings, tmp_path):
    assert settings.data_dir.resolve().is_relative_to(tmp_path.resolve())
    rt = Runtime(settings)
    try:
        assert (settings.data_dir / "seal-public-key.pem").exists()  # written at every start
    finally:
        rt.close()


def test_ledger_data_dir_places_generated_files(tmp_path):
    for url in ("postgresql://postgres@127.0.0.1:5432/postgres", f"sqlite:///{tmp_path}/db/ledger.db"):
        settings = Settings.from_env({"LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": str(tmp_path / "data")})
        assert settings.data_dir == tmp_path / "data"
    assert Settings.from_env({"LEDGER_DATABASE_URL": "postgresql://h/db"}).data_dir.as_posix() == "var"
    assert Settings.from_env({"LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/db/ledger.db"}).data_dir == tmp_path / "db"


def test_the_guard_names_what_a_test_wrote(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-tokens.txt").write_text("treasurer a\n")
    (var / "ledger.db").write_bytes(b"x")
    before = checkout_guard.snapshot(var)
    (var / "ledger.db").write_bytes(b"xy")  # a running demo's database: its own business
    (var / "ledger.db-wal").write_bytes(b"w")
    assert checkout_guard.changes(before, checkout_guard.snapshot(var)) == ["created ledger.db-wal"]
    (var / "demo-tokens.txt").write_text("treasurer b, a test's\n")
    (var / "pii.key").write_text("k")
    assert checkout_guard.changes(before, checkout_guard.snapshot(var)) == [
        "created ledger.db-wal", "created pii.key", "changed demo-tokens.txt"]
