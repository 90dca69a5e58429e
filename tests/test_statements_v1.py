"""Bank statements stored before lean lines (tests/fixtures/statements_v1.json, written by
commit 0de14be: keyed line objects with typed dates, an event per matched line carrying the
item's record, an event per duplicate) still load through the upcasters, project into the
same reconciliation, answer a re-import with the very body they answered then, and count in
a period close's evidence once imported again."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.access import Actor
from ledger.domain.bank import BankStatement, content_hash, statement_aggregate_id
from ledger.statements import read_statement
from runtime.container import Runtime

from .support import PII_KEY

STATEMENTS_V1 = Path(__file__).parent / "fixtures" / "statements_v1.json"
T = Actor("old-treasurer", "treasurer", frozenset({"treasurer"}), ("210000",))


@pytest.fixture
def fixture():
    return json.loads(STATEMENTS_V1.read_text(encoding="utf-8"))


@pytest.fixture
def rt(settings, clock, fixture):
    assert fixture["pii_key"] == PII_KEY
    clock.travel_to(dt.date(2022, 8, 10))
    runtime = Runtime(dataclasses.replace(settings, bootstrap_admin_token=None))
    runtime.start(project=False)
    runtime.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]), originator_version=e["originator_version"],
                    topic=e["topic"], state=e["state"].encode()) for e in fixture["events"]])
    runtime.close()
    runtime = Runtime(settings)
    runtime.start()
    yield runtime
    runtime.close()


def _statement(rt, fixture, text: str) -> BankStatement:
    fund = fixture["fund_id"]
    return rt.app.repository.get(statement_aggregate_id(fund, content_hash(read_statement(text))))


def test_old_statements_load_with_their_outcomes(rt, fixture):
    first, second = _statement(rt, fixture, fixture["first"]), _statement(rt, fixture, fixture["second"])
    assert [line["status"] for line in first.lines] == ["matched", "probable", "unmatched", "duplicate"]
    assert [line["status"] for line in second.lines] == ["overlap", "unmatched"]
    assert first.lines[0]["date"] == dt.date(2022, 7, 20) and first.lines[0]["amount_fen"] == 150000
    assert first.lines[1]["match"] == {"item_key": "payment:OLD-ZF-2", "how": "probable"}
    assert second.lines[0]["duplicate_of"] == {"statement_id": first.statement_id, "line_no": 2}
    assert rt.ledger.verify_chain()["ok"]  # the chain covers the old-shaped bytes as stored


def test_old_statements_reconcile_and_answer_a_reimport_as_they_did(rt, fixture):
    fund = fixture["fund_id"]
    recon = rt.reads.reconciliation(T, fund, "2022-07-01", "2022-07-31")
    assert [(m["how"], m["item"]["payment_ref"]) for m in recon["matched"]] == [
        ("exact", "OLD-ZF-1"), ("probable", "OLD-ZF-2")]
    assert recon["unmatched_in_ledger"] == []
    assert sorted((line["statement_id"] == "OLD-2", line["line_no"], line["status"])
                  for line in recon["unmatched_in_bank"]) == [
        (False, 4, "unmatched"), (False, 5, "duplicate"), (True, 3, "unmatched")]
    again = rt.ledger.import_statement(T, {"fund_id": fund, "csv": fixture["first"]})
    assert not again.created and again.body == {**fixture["first_answer"], "more_lines": 0}
    again = rt.ledger.import_statement(T, {"fund_id": fund, "statement_id": "OLD-2", "csv": fixture["second"]})
    assert not again.created and again.body == {**fixture["second_answer"], "more_lines": 0}


def test_old_statements_count_in_a_close_once_imported_again(rt, fixture):
    fund = fixture["fund_id"]
    for text, label in ((fixture["first"], None), (fixture["second"], "OLD-2")):
        rt.ledger.import_statement(T, {"fund_id": fund, "csv": text, **({"statement_id": label} if label else {})})
    evidence = rt.ledger.close_period(T, fund, "2022-07", {"override_reason": "银行未达"}).body["evidence"]
    assert (evidence["matched"], evidence["unmatched_in_ledger"], evidence["unmatched_in_bank"]) == (2, 0, 3)


def test_a_snapshot_of_a_statement_taken_before_lean_lines_loads():
    """Version 1 of the aggregate kept a keyed object per line (its snapshots hold them)."""
    from eventsourcing.domain import Snapshot

    v1_lines = [
        {"line_no": 2, "date": dt.date(2022, 7, 20), "direction": "debit", "amount_fen": 150000, "reference": "ZF-1",
         "counterparty": None, "status": "matched", "duplicate_of": None,
         "match": {"kind": "payment", "item_key": "payment:ZF-1", "claim_id": "c", "program": "job_expansion",
                   "payment_ref": "ZF-1", "recovery_id": None, "reference": "ZF-1", "amount_fen": 150000,
                   "date": dt.date(2022, 7, 20), "how": "exact"}},
        {"line_no": 3, "date": dt.date(2022, 7, 21), "direction": "credit", "amount_fen": 100, "reference": None,
         "counterparty": "利息", "status": "unmatched", "match": None, "duplicate_of": None},
        {"line_no": 4, "date": dt.date(2022, 7, 21), "direction": "credit", "amount_fen": 100, "reference": None,
         "counterparty": "利息", "status": "duplicate", "match": None,
         "duplicate_of": {"statement_id": "S-1", "line_no": 3}},
    ]
    snapshot = Snapshot(originator_id=UUID(int=7), originator_version=120, timestamp=dt.datetime.now(dt.timezone.utc),
                        topic="ledger.domain.bank:BankStatement",
                        state={"fund_code": "unemployment_insurance:210100", "statement_id": "S-1",
                               "content_hash": "x" * 64, "lines": v1_lines,
                               "_created_on": dt.datetime.now(dt.timezone.utc),
                               "_modified_on": dt.datetime.now(dt.timezone.utc)})
    statement = snapshot.mutate(None)
    assert isinstance(statement, BankStatement) and statement.version == 120
    assert statement.statuses() == ["matched", "unmatched", "duplicate"]
    assert statement.line(2)["match"] == {"item_key": "payment:ZF-1", "how": "exact"}
    assert statement.line(4)["duplicate_of"] == {"statement_id": "S-1", "line_no": 3}
    assert [line.line_no for line in statement.open_lines()] == [3]
    assert {k: v for k, v in statement.line(3).items()} == {k: v for k, v in v1_lines[1].items()}
