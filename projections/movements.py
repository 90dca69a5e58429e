"""Fund movements: one row of `rm_fund_movements` per money event of a fund (every fund
event but `Opened`), with the date it counts on in business terms and the time the log's
hash chain recorded it; and `rm_fund_days`, those rows summed per fund, basis, day, kind and
detail (`day_rows`). Reports (projections/reports.py) read the sums, and the rows only for
a sum that moved after the position they are asked as of; they never replay the log.

| event | kind | business_date | detail columns |
| --- | --- | --- | --- |
| Allocated | allocated | effective_date | source, document_no |
| TransferredIn | transferred_in | effective_date | counterpart_fund (from), document_no |
| TransferredOut | transferred_out | effective_date | counterpart_fund (to), document_no |
| Reserved | reserved | approved_on | program, claim_id |
| Released | released | on | program, claim_id |
| Disbursed | disbursed | paid_on | program, claim_id, payment_ref |
| PaymentReturned | payment_returned | returned_on | program, claim_id, payment_ref |
| Recovered | recovered | received_on | program, claim_id, reference |
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from ledger.domain.periods import MOVEMENTS

# event type -> (kind, the attribute holding its business date): the table a period close
# adds up by too (ledger/domain/periods.py), so a report and a close count alike.
KINDS = MOVEMENTS


_MOVEMENT_EVENTS = frozenset(f"Fund.{name}" for name in KINDS)


def is_movement(domain_event: Any) -> bool:
    return type(domain_event).__qualname__ in _MOVEMENT_EVENTS


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def movement_row(domain_event: Any, fund_id: str, position: int, recorded_at: str) -> tuple:
    """The row in the column order of sql.INSERT_FUND_MOVEMENT."""
    kind, date_attribute = KINDS[type(domain_event).__qualname__.split(".")[-1]]
    get = domain_event.__dict__.get
    counterpart = get("from_fund") if kind == "transferred_in" else get("to_fund")
    return (fund_id, position, kind,
            _date(getattr(domain_event, date_attribute)), recorded_at, domain_event.amount_fen, get("source"),
            get("program"), counterpart, get("claim_id"), get("payment_ref"), get("reference"), get("document_no"))


def movement_rows(movements: Sequence[tuple[Any, int, str]], recorded_at: Callable[[list[int]], dict[int, str]]
                  ) -> list[tuple]:
    """Rows for (event, position, fund_id) triples; `recorded_at(positions)` gives the
    chain's recorded times of those positions, fetched once for them all."""
    if not movements:
        return []
    times = recorded_at([position for _, position, _ in movements])
    rows = []
    for domain_event, position, fund_id in movements:
        if position not in times:
            raise LookupError(f"the hash chain has no recorded time for position {position}")
        rows.append(movement_row(domain_event, fund_id, position, times[position]))
    return rows


def detail_of(row: tuple) -> str:
    """What a sum is broken down by: the allocation's source, else the program (as SQL's
    `COALESCE(source, program, '')` over the row)."""
    source, program = row[6], row[7]
    return source if source is not None else program if program is not None else ""


def day_rows(rows: Sequence[tuple]) -> list[tuple]:
    """The movement rows (sql.INSERT_FUND_MOVEMENT order, in log order) as additions to the
    day sums, in the column order of sql.UPSERT_FUND_DAY: one per sum they move."""
    sums: dict[tuple, list[int]] = {}
    for row in rows:
        fund_id, position, kind, business_date, recorded_at, amount = row[:6]
        detail = detail_of(row)
        for key in ((fund_id, "business", business_date, kind, detail), (fund_id, "recorded", recorded_at[:10], kind,
                                                                         detail)):
            moved = sums.get(key)
            if moved is None:
                sums[key] = [amount, position, position]
            else:
                moved[0] += amount
                moved[2] = position
    return [(*key, amount, first, last) for key, (amount, first, last) in sums.items()]
