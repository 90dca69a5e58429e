"""The write path answers and stores, byte for byte, what it did before lean events: the
record of tests/write_path_record.py (the demo data set and a tail of clawbacks, recoveries
and a month closed and reopened, through the Ledger door) against the one the library's
event classes wrote (tests/fixtures/write_path_v1.json, made at commit 4323de7)."""
from __future__ import annotations

import difflib
from pathlib import Path

import orjson

from ledger.domain.claim import Claim
from tests.write_path_record import record

FIXTURE = Path(__file__).parent / "fixtures" / "write_path_v1.json"


def _first_difference(expected: bytes, actual: bytes) -> str:
    diff = difflib.unified_diff(expected.decode().splitlines(), actual.decode().splitlines(), "before", "now",
                                n=6, lineterm="")
    return "\n".join(list(diff)[:60])


def test_answers_and_stored_events_are_those_of_the_write_path_before(tmp_path):
    expected, actual = FIXTURE.read_bytes(), record(tmp_path)
    assert actual == expected, _first_difference(expected, actual)


def test_the_record_sees_a_stored_field_out_of_order(tmp_path, monkeypatch):
    """The comparison can fail: an approval whose stored state lists the same fields in
    another order (same JSON object, other bytes) makes another record."""
    approved = Claim.Approved
    original = approved.__init__

    def reordered(self, **fields):
        original(self, **fields)
        state = dict(vars(self))
        vars(self).clear()
        vars(self).update(dict(reversed(list(state.items()))))

    monkeypatch.setattr(approved, "__init__", reordered)
    actual = record(tmp_path)
    assert actual != FIXTURE.read_bytes()
    events = orjson.loads(actual)["events"]
    assert any(topic.endswith("Claim.Approved") for _, topic, *_ in events)
