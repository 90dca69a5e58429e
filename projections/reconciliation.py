"""The reconciliation read model: the ledger's side (`rm_bank_items`: every payment,
returned payment and recovery of a fund, from the fund's events) and the bank's side
(`rm_bank_lines`: every imported statement line with what it matched, from the
statements' events), written by the projector with its tracking position.

`reconciliation()` answers GET /v1/reconciliation and `reconciliation_summary()` counts the
same three lists (the period close needs only the counts). For a period [from, to]:

- `matched`: lines matched (exactly or probably) to an item, where the line's date or the
  item's business date falls in the period;
- `unmatched_in_ledger`: items whose business date falls in the period and that no line of
  any statement matched;
- `unmatched_in_bank`: lines dated in the period that matched nothing, and duplicates (a
  line repeated within one statement). Overlaps (a line an earlier statement already
  brought and matched) are neither."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ledger.domain.bank import BankStatement, ledger_item
from ledger.money import format_money

from . import sql
from .store import ReadModelQueries


class ReconciliationRows:
    """The rows one projected batch adds or changes, in the shape of sql.INSERT_BANK_ITEM
    and sql.UPSERT_BANK_LINE."""

    def __init__(self) -> None:
        self.items: list[tuple] = []
        self.lines: dict[tuple[str, str, int], tuple] = {}

    def fund_event(self, domain_event: Any, fund_code: str, position: int) -> None:
        item = ledger_item(domain_event)
        if item is not None:
            record = item.record()
            self.items.append((fund_code, item.item_key, item.kind, item.direction, item.date.isoformat(),
                               item.amount_fen, item.reference, item.claim_id, item.program, record["payment_ref"],
                               record["recovery_id"], position))

    def statement_event(self, domain_event: Any, statement: BankStatement, position: int) -> None:
        state = domain_event.__dict__
        if "matches" in state:  # LinesMatched: an import's outcomes
            lines = [statement.line(outcome[0]) for outcome in (*state["matches"], *state["duplicates"])]
        elif "line_no" in state:  # an outcome as recorded before LinesMatched
            lines = [statement.line(state["line_no"])]
        else:
            lines = statement.lines
        for line in lines:
            match, duplicate_of = line["match"], line["duplicate_of"] or {}
            key = (statement.fund_code, statement.statement_id, line["line_no"])
            self.lines[key] = (*key, line["date"].isoformat(), line["direction"], line["amount_fen"],
                               line["reference"], line["counterparty"], line["status"],
                               match["how"] if match else None, match["item_key"] if match else None,
                               duplicate_of.get("statement_id"), duplicate_of.get("line_no"), position)

    def statements(self) -> list[tuple[str, list[tuple]]]:
        """(SQL, rows) pairs for ReadModelQueries.write_batch."""
        return [(statement, rows) for statement, rows in ((sql.INSERT_BANK_ITEM, self.items),
                                                          (sql.UPSERT_BANK_LINE, list(self.lines.values())))
                if rows]


_LINE = ("l.statement_id, l.line_no, l.line_date, l.direction, l.amount_fen, l.reference, l.counterparty, l.status,"
         " l.duplicate_of_statement, l.duplicate_of_line")
_ITEM = ("i.kind, i.item_date, i.amount_fen AS item_amount_fen, i.reference AS item_reference, i.claim_id,"
         " i.program, i.payment_ref, i.recovery_id")


def _matched(view: ReadModelQueries, fund_id: str, lo: str, hi: str, what: str) -> list[dict]:
    return view._rows(
        f"SELECT {what} FROM rm_bank_lines l JOIN rm_bank_items i ON i.fund_id = l.fund_id AND i.item_key = l.item_key"
        " WHERE l.fund_id = ? AND l.status IN ('matched', 'probable')"
        " AND ((l.line_date BETWEEN ? AND ?) OR (i.item_date BETWEEN ? AND ?))"
        + (" ORDER BY l.line_date, l.statement_id, l.line_no" if what != "COUNT(*) AS n" else ""),
        (fund_id, lo, hi, lo, hi))


def _unmatched_items(view: ReadModelQueries, fund_id: str, lo: str, hi: str, what: str) -> list[dict]:
    return view._rows(
        f"SELECT {what} FROM rm_bank_items i WHERE i.fund_id = ? AND i.item_date BETWEEN ? AND ?"
        " AND NOT EXISTS (SELECT 1 FROM rm_bank_lines l WHERE l.fund_id = i.fund_id AND l.item_key = i.item_key)"
        + (" ORDER BY i.item_date, i.position" if what != "COUNT(*) AS n" else ""),
        (fund_id, lo, hi))


def _unmatched_lines(view: ReadModelQueries, fund_id: str, lo: str, hi: str, what: str) -> list[dict]:
    return view._rows(
        f"SELECT {what} FROM rm_bank_lines l WHERE l.fund_id = ? AND l.line_date BETWEEN ? AND ?"
        " AND l.status IN ('unmatched', 'duplicate')"
        + (" ORDER BY l.line_date, l.statement_id, l.line_no" if what != "COUNT(*) AS n" else ""),
        (fund_id, lo, hi))


def _line(row: dict) -> dict:
    view = {"statement_id": row["statement_id"], "line_no": row["line_no"], "date": row["line_date"],
            "direction": row["direction"], "amount": format_money(int(row["amount_fen"])),
            "reference": row["reference"], "counterparty": row["counterparty"], "status": row["status"]}
    if row["duplicate_of_statement"] is not None:
        view["duplicate_of"] = {"statement_id": row["duplicate_of_statement"], "line_no": row["duplicate_of_line"]}
    return view


def _item(row: dict, amount_column: str = "amount_fen", reference_column: str = "reference") -> dict:
    return {"kind": row["kind"], "date": row["item_date"], "amount": format_money(int(row[amount_column])),
            "reference": row[reference_column], "claim_id": row["claim_id"], "program": row["program"],
            "payment_ref": row["payment_ref"], "recovery_id": row["recovery_id"]}


def reconciliation(view: ReadModelQueries, fund_id: str, date_from: dt.date, date_to: dt.date) -> dict:
    """The three lists of GET /v1/reconciliation (without `position`, which the caller adds)."""
    lo, hi = date_from.isoformat(), date_to.isoformat()
    matched = [{"how": "exact" if r["status"] == "matched" else "probable", "line": _line(r),
                "item": _item(r, "item_amount_fen", "item_reference")}
               for r in _matched(view, fund_id, lo, hi, f"{_LINE}, {_ITEM}")]
    unmatched_in_ledger = [_item(r) for r in _unmatched_items(
        view, fund_id, lo, hi, "i.kind, i.item_date, i.amount_fen, i.reference, i.claim_id, i.program,"
                               " i.payment_ref, i.recovery_id")]
    unmatched_in_bank = [_line(r) for r in _unmatched_lines(view, fund_id, lo, hi, _LINE)]
    return {"fund_id": fund_id, "from": lo, "to": hi, "matched": matched,
            "unmatched_in_ledger": unmatched_in_ledger, "unmatched_in_bank": unmatched_in_bank}


def reconciliation_summary(view: ReadModelQueries, fund_id: str, date_from: dt.date, date_to: dt.date) -> dict:
    """{"matched": n, "unmatched_in_ledger": n, "unmatched_in_bank": n}: the lengths of the
    lists `reconciliation()` gives for the same arguments."""
    lo, hi = date_from.isoformat(), date_to.isoformat()
    count = "COUNT(*) AS n"
    return {"matched": int(_matched(view, fund_id, lo, hi, count)[0]["n"]),
            "unmatched_in_ledger": int(_unmatched_items(view, fund_id, lo, hi, count)[0]["n"]),
            "unmatched_in_bank": int(_unmatched_lines(view, fund_id, lo, hi, count)[0]["n"])}
