"""A record of what the write path answers and stores for a fixed set of commands: the demo
data set (every program, notices, objections, payments, returns, closes, clawbacks with and
without a second reviewer, recoveries, transfers, period closes, the watch list) written
through the Ledger door on a fixed day.

Every answer's body and every stored event (topic, version, state as stored) is kept, with
what differs between two runs of the same commands replaced by a name given in order of
first appearance: ids made by `uuid4`, recorded times, token secrets, the chain's MACs. Two
write paths that answer and store the same thing give the same record, byte for byte
(`tests/test_write_path_record.py` holds one written by the write path before lean events).

    PYTHONPATH=. python tests/write_path_record.py tests/fixtures/write_path_v1.json
"""
from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from ledger.access import Actor
from ledger.clock import SettableClock
from runtime.container import Runtime
from runtime.demo import load_demo_data
from tests.backends import sqlite_settings

TODAY = dt.date(2026, 12, 7)
CLAIMS_PER_CITY = 6
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UUID_HEX = re.compile(r"^[0-9a-f]{32}$")
SHORT_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{8}(?![0-9a-f])")
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?")
SECRET_KEY = re.compile(r"token|secret|sealed|hash|sha256|(^|_)mac$")  # random, or sealed or digested with what is


class Names:
    """A stable name for each value that differs between runs, in order of first appearance."""

    def __init__(self):
        self.names: dict[str, str] = {}
        self.prefixes: dict[str, str] = {}

    def __call__(self, kind: str, value: str) -> str:
        return self.names.setdefault(f"{kind}:{value}", f"<{kind} {len([k for k in self.names if k.startswith(kind + ':')]) + 1}>")

    def text(self, value: str) -> str:
        if UUID_HEX.match(value):
            return self("id", str(UUID(value)))
        value = UUID_TEXT.sub(lambda m: self("id", m.group(0)), value)
        # The demo's payment and recovery references carry a claim id's first 8 digits.
        value = SHORT_ID.sub(lambda m: self.prefixes.get(m.group(0), m.group(0)), value)
        return MOMENT.sub("<moment>", value)

    def learn(self, obj: Any) -> None:
        """Name every id first, in order, so that a reference made of an id's first digits
        gets the name of that id wherever it appears first."""
        for value in UUID_TEXT.findall(orjson.dumps(obj).decode()):
            self.prefixes.setdefault(value[:8], self("id", value) + "[:8]")

    def walk(self, obj: Any, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            return {self.text(k): self.walk(v, k) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.walk(v) for v in obj]
        if isinstance(obj, str):
            return "<secret>" if key is not None and SECRET_KEY.search(key) else self.text(obj)
        return obj


class RecordingLedger:
    """The Ledger with every command's answer kept (name, status, body)."""

    def __init__(self, ledger, answers: list):
        self._ledger, self.answers = ledger, answers

    def __getattr__(self, name: str):
        attr = getattr(self._ledger, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            result = attr(*args, **kwargs)
            body = getattr(result, "body", None)
            if body is not None:
                self.answers.append([name, getattr(result, "status", None), body])
            return result

        return call


PROVINCE = ("210000",)
REVIEWER = Actor("record-reviewer", "reviewer", frozenset({"reviewer"}), PROVINCE)
REVIEWER2 = Actor("record-reviewer2", "second reviewer", frozenset({"reviewer"}), PROVINCE)
TREASURER = Actor("record-treasurer", "treasurer", frozenset({"treasurer"}), PROVINCE)
TREASURER2 = Actor("record-treasurer2", "second treasurer", frozenset({"treasurer"}), PROVINCE)


def _tail(ledger: RecordingLedger) -> None:
    """What the demo makes too rarely at this size: a clawback confirmed by a second
    reviewer, a recovery, a month closed (with an override) and reopened by two treasurers."""
    paid = next(body for name, _, body in ledger.answers if name == "pay" and body["status"] == "paid")
    claim_id, fund_code = paid["claim_id"], paid["fund_id"]
    demand = ledger.demand_clawback(REVIEWER, claim_id, {"amount": "10.00", "reason": "多报人数"}).body
    ledger.recover(TREASURER, claim_id, {"amount": "10.00", "reference": "HK-record", "received_on": "2026-12-01"})
    second = ledger.demand_clawback(REVIEWER, claim_id, {"amount": "5.00", "reason": "重复申领"}).body
    ledger.recover(TREASURER, claim_id, {"amount": "2.50", "reference": "HK-record-2"})
    ledger.close_period(TREASURER, fund_code, "2026-10", {"override_reason": "对账差异已书面说明"})
    change = ledger.propose_reopen(TREASURER, fund_code, "2026-10", {"reason": "补录退票", "document_no": "辽财〔2026〕1号"}).body
    ledger.confirm_reopen(TREASURER2, fund_code, "2026-10", change["change_id"])
    del demand, second


def record(directory: Path) -> bytes:
    settings = sqlite_settings(directory, clock=SettableClock(TODAY))
    rt = Runtime(settings)
    try:
        answers: list = []
        ledger = RecordingLedger(rt.ledger, answers)
        load_demo_data(ledger, claims_per_city=CLAIMS_PER_CITY)
        _tail(ledger)
        events = [[n.id, n.topic, str(n.originator_id), n.originator_version, orjson.loads(n.state)]
                  for n in rt.app.recorder.select_notifications(start=1, limit=10_000_000)]
    finally:
        rt.close()
    names = Names()
    names.learn([answers, events])
    return orjson.dumps({"answers": names.walk(answers), "events": names.walk(events)},
                        option=orjson.OPT_INDENT_2)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        Path(sys.argv[1]).write_bytes(record(Path(tmp)))
