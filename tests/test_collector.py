"""The service's garbage collector (runtime/collector.py): a Runtime sets the young
threshold of its process from LEDGER_GC_THRESHOLD (default 50,000; 0 keeps Python's), and
a value outside 0..10,000,000 stops the start with a message naming the variable."""
from __future__ import annotations

import gc

import pytest

from runtime.container import Runtime
from runtime.settings import Settings, SettingsError
from tests.backends import sqlite_settings


@pytest.fixture
def collector():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_a_runtime_sets_its_process_young_threshold(tmp_path, collector):
    gc.set_threshold(700, 10, 10)
    rt = Runtime(sqlite_settings(tmp_path))
    rt.close()
    assert gc.get_threshold() == (50_000, 10, 10)
    rt = Runtime(sqlite_settings(tmp_path, gc_threshold=12_345))
    rt.close()
    assert gc.get_threshold() == (12_345, 10, 10)


def test_zero_keeps_pythons_own(tmp_path, collector):
    gc.set_threshold(700, 10, 10)
    Runtime(sqlite_settings(tmp_path, gc_threshold=0)).close()
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("value", ["-1", "10000001", "many", "1.5"])
def test_a_threshold_out_of_range_is_refused_by_name(value):
    with pytest.raises(SettingsError, match="LEDGER_GC_THRESHOLD"):
        Settings.from_env({"LEDGER_GC_THRESHOLD": value, "LEDGER_DATABASE_URL": "sqlite:///x.db"})


def test_the_default_is_fifty_thousand():
    assert Settings.from_env({"LEDGER_DATABASE_URL": "sqlite:///x.db"}).gc_threshold == 50_000
