"""The write path answers and stores, byte for byte, what it did before lean events: the
record of tests/write_path_record.py (the demo data set and a tail of clawbacks, recoveries
and a month closed and reopened, through the Ledger door) against the one the library's
event classes wrote (tests/fixtures/write_path_v1.json, made at commit 4323de7)."""
from __future__ import annotations

import copy
import difflib
from pathlib import Path

import orjson
from eventsourcing.persistence import Mapper

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
    """The comparison can fail: an approval stored with the same fields in another order
    (the same JSON object, other bytes) makes another record."""
    to_stored_event = Mapper.to_stored_event

    def reordered(mapper, domain_event):
        if type(domain_event).__qualname__ == "Claim.Approved":
            domain_event = copy.copy(domain_event)
            state = dict(reversed(list(vars(domain_event).items())))
            vars(domain_event).clear()
            vars(domain_event).update(state)
        return to_stored_event(mapper, domain_event)

    monkeypatch.setattr(Mapper, "to_stored_event", reordered)
    actual = record(tmp_path)
    assert actual != FIXTURE.read_bytes()
    events = orjson.loads(actual)["events"]
    assert any(topic.endswith("Claim.Approved") for _, topic, *_ in events)
