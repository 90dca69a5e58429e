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
