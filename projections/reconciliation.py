"""The reconciliation read model: the ledger's side (`rm_bank_items`: every payment,
returned payment and recovery of a fund, from the fund's events) and the bank's side
(`rm_bank_lines`: every imported statement line with what it matched, from the
statements' events), written by the projector with its tracking position.

`reconciliation_page()` answers GET /v1/reconciliation a page at a time and
`reconciliation_summary()` counts the same three lists. For a period [from, to]:

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

import orjson

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
            # The projector's fund events hold their dates as ISO text (projections/event_fields.py).
            self.items.append((fund_code, item.item_key, item.kind, item.direction, item.date,
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


# Each list of GET /v1/reconciliation in its order, with the columns that order (and key) it.
_ORDERS = {"matched": ("l.line_date", "l.statement_id", "l.line_no"),
           "unmatched_in_ledger": ("i.item_date", "i.position"),
           "unmatched_in_bank": ("l.line_date", "l.statement_id", "l.line_no")}
SECTIONS = tuple(_ORDERS)


def _query(section: str, what: str) -> str:
    if section == "matched":
        return (f"SELECT {what} FROM rm_bank_lines l JOIN rm_bank_items i ON i.fund_id = l.fund_id"
                " AND i.item_key = l.item_key WHERE l.fund_id = ? AND l.status IN ('matched', 'probable')"
                " AND ((l.line_date BETWEEN ? AND ?) OR (i.item_date BETWEEN ? AND ?))")
    if section == "unmatched_in_ledger":
        return (f"SELECT {what} FROM rm_bank_items i WHERE i.fund_id = ? AND i.item_date BETWEEN ? AND ?"
                " AND NOT EXISTS (SELECT 1 FROM rm_bank_lines l WHERE l.fund_id = i.fund_id AND l.item_key = i.item_key)")
    return (f"SELECT {what} FROM rm_bank_lines l WHERE l.fund_id = ? AND l.line_date BETWEEN ? AND ?"
            " AND l.status IN ('unmatched', 'duplicate')")


def _bounds(section: str, fund_id: str, lo: str, hi: str) -> tuple:
    return (fund_id, lo, hi, lo, hi) if section == "matched" else (fund_id, lo, hi)


_WHAT = {"matched": "{line}, {item}, l.line_date AS k0, l.statement_id AS k1, l.line_no AS k2",
         "unmatched_in_ledger": "i.kind, i.item_date, i.amount_fen, i.reference, i.claim_id, i.program, i.payment_ref,"
                                " i.recovery_id, i.item_date AS k0, i.position AS k1",
         "unmatched_in_bank": "{line}, l.line_date AS k0, l.statement_id AS k1, l.line_no AS k2"}


def _rows(view: ReadModelQueries, section: str, fund_id: str, lo: str, hi: str, after: list | None,
          limit: int) -> list[dict]:
    """The section's rows after the key `after` (None: from its start), at most `limit`."""
    order = _ORDERS[section]
    what = _WHAT[section].format(line=_LINE, item=_ITEM)
    statement, args = _query(section, what), list(_bounds(section, fund_id, lo, hi))
    if after is not None:
        statement += f" AND ({', '.join(order)}) > ({', '.join('?' for _ in order)})"
        args += after
    return view._rows(f"{statement} ORDER BY {', '.join(order)} LIMIT ?", (*args, limit))


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


def _entry(section: str, row: dict) -> dict:
    if section == "matched":
        return {"how": "exact" if row["status"] == "matched" else "probable", "line": _line(row),
                "item": _item(row, "item_amount_fen", "item_reference")}
    return _item(row) if section == "unmatched_in_ledger" else _line(row)


def _key(section: str, row: dict) -> list:
    return [row["k0"], row["k1"]] if section == "unmatched_in_ledger" else [row["k0"], row["k1"], int(row["k2"])]


def reconciliation_page(view: ReadModelQueries, fund_id: str, date_from: dt.date, date_to: dt.date, *,
                        limit: int, after: tuple[int, list] | None, max_bytes: int) -> tuple[dict, tuple | None]:
    """One page of the three lists of GET /v1/reconciliation, read in turn (matched, then
    unmatched in the ledger, then in the bank), each in its order: at most `limit` entries
    and `max_bytes` of them as JSON (at least one). `after`: (list index, key) where the
    previous page stopped. Returns the lists and where this page stopped, None at the end."""
    lo, hi = date_from.isoformat(), date_to.isoformat()
    page: dict[str, list] = {section: [] for section in SECTIONS}
    first, key = after if after is not None else (0, None)
    left, used, last = limit, 0, None
    for index in range(first, len(SECTIONS)):
        section = SECTIONS[index]
        # One row beyond what fits says whether the page must stop here.
        for row in _rows(view, section, fund_id, lo, hi, key if index == first else None, left + 1):
            entry = _entry(section, row)
            size = len(orjson.dumps(entry)) + 1
            if left == 0 or (used and used + size > max_bytes):
                return page, last
            page[section].append(entry)
            used, left, last = used + size, left - 1, (index, _key(section, row))
    return page, None


def reconciliation_summary(view: ReadModelQueries, fund_id: str, date_from: dt.date, date_to: dt.date) -> dict:
    """{"matched": n, "unmatched_in_ledger": n, "unmatched_in_bank": n}: the lengths of the
    lists GET /v1/reconciliation pages through for the same period."""
    lo, hi = date_from.isoformat(), date_to.isoformat()
    return {section: int(view._rows(_query(section, "COUNT(*) AS n"), _bounds(section, fund_id, lo, hi))[0]["n"])
            for section in SECTIONS}
