"""The matching rules and the CSV reader of bank statements, without a database."""
from __future__ import annotations

import datetime as dt

import pytest

from ledger.domain.bank import LedgerItem, StatementLine, Taker, content_hash, find_duplicates, plan_matches
from ledger.errors import ValidationFailed
from ledger.statements import read_statement

D = dt.date(2022, 7, 20)


def line(n: int, days: int = 0, amount: int = 150_000, reference: str | None = None, direction: str = "debit",
         counterparty: str | None = None) -> StatementLine:
    return StatementLine(n, D + dt.timedelta(days=days), direction, amount, reference, counterparty)


def item(ref: str, days: int = 0, amount: int = 150_000, kind: str = "payment", order: int = 1) -> LedgerItem:
    direction = "debit" if kind == "payment" else "credit"
    return LedgerItem(kind, ref, direction, amount, D + dt.timedelta(days=days), ref, "claim", "job_expansion", order)


def plan(lines, items, taken=None, statement_id="S1"):
    return [(d.line_no, d.how, d.item.key) for d in plan_matches(statement_id, lines, items,
                                                                 lambda key: (taken or {}).get(key))]


def test_the_hash_ignores_order_and_tolerates_missing_references():
    a, b = line(2, reference=None), line(3, reference="ZF-1")
    assert content_hash([a, b]) == content_hash([b, a]) != content_hash([a])
    assert content_hash([a]) == content_hash([line(9, reference=None)])  # line numbers are not content


def test_exact_first_then_probable_by_closest_date_within_three_days():
    items = [item("ZF-1", 0, order=1), item("ZF-2", 2, order=2), item("ZF-3", -10, order=3)]
    lines = [line(2, 1), line(3, 1, reference="ZF-1"), line(4, 5), line(5, -13)]
    # Line 3 takes ZF-1 exactly; line 2 then has ZF-2 (1 day); line 4 is 3 days from ZF-2 but
    # it is taken; line 5 is 3 days from ZF-3: the boundary counts.
    assert plan(lines, items) == [(2, "probable", "ZF-2"), (3, "exact", "ZF-1"), (5, "probable", "ZF-3")]
    assert plan([line(2, 4)], [item("ZF-1")]) == []


def test_a_named_item_is_the_only_candidate_and_direction_and_amount_must_agree():
    items = [item("ZF-1"), item("ZF-2")]
    assert plan([line(2, reference="ZF-1", amount=1)], items) == []
    assert plan([line(2, reference="ZF-1", direction="credit")], items) == []
    assert plan([line(2, reference="ZF-1", direction="credit")], items + [item("ZF-1", kind="returned_payment")]) \
        == [(2, "exact", "ZF-1")]
    assert plan([line(2, reference="工资")], items) == [(2, "probable", "ZF-1")]


def test_taken_items_are_skipped_and_a_copy_of_the_taking_line_is_an_overlap():
    items = [item("ZF-1")]
    mine = line(2, reference="ZF-1", counterparty="甲")
    taken = {"payment:ZF-1": Taker("S0", 7, mine.fingerprint)}
    decisions = plan_matches("S1", [mine], items, taken.get)
    assert [(d.how, d.overlap_of) for d in decisions] == [("overlap", taken["payment:ZF-1"])]
    assert plan([line(2, reference="ZF-1", counterparty="乙")], items, taken) == []
    assert plan([line(2)], items, taken) == []
    assert plan([line(2, counterparty="甲", reference=None)], items,
                {"payment:ZF-1": Taker("S0", 7, line(7, counterparty="甲").fingerprint)}) == [(2, "overlap", "ZF-1")]


def test_duplicates_within_a_statement():
    lines = [line(2, reference="ZF-1"), line(3, reference="ZF-1"), line(4), line(5, reference="ZF-1")]
    assert find_duplicates(lines) == {3: 2, 5: 2}


def test_the_reader_takes_quotes_bom_blank_lines_and_two_amount_columns():
    text = ("\ufeffdate,amount,direction,reference,counterparty\r\n"
            "2022-07-20,1500.00,Debit,\"ZF-1, 第一笔\",\"沈阳 \"\"示例\"\" 公司\"\r\n"
            ",,,,\r\n"
            "\r\n"
            "20220721,0.01,CREDIT,,\r\n")
    lines = read_statement(text)
    assert [(x.line_no, x.date, x.direction, x.amount_fen, x.reference, x.counterparty) for x in lines] == [
        (2, D, "debit", 150_000, "ZF-1, 第一笔", '沈阳 "示例" 公司'), (5, D + dt.timedelta(days=1), "credit", 1, None, None)]
    with pytest.raises(ValidationFailed) as refused:
        read_statement("d,借,贷\n2022-07-20,1.00,2.00\n", columns={"date": "d", "debit_amount": "借",
                                                                    "credit_amount": "贷"})
    assert refused.value.field == "line 2, 借"
    with pytest.raises(ValidationFailed) as refused:
        read_statement("date,amount,direction\n2022-07-20,1.00,debit\n", debit="出|debit", credit="debit")
    assert refused.value.field == "credit"
