"""Bank statements of a fund's account and their reconciliation with the ledger.

A statement is imported once (its identity: the fund and a hash of its lines) and its
lines are matched to the ledger's items of that fund: payments (money out of the account:
a debit line), returned payments and recoveries (money in: a credit line).

- **exact**: a line whose reference is the item's reference (a payment's or returned
  payment's `payment_ref`, a recovery's `reference`) and whose amount is the item's;
- **probable**: a line without a reference, or whose reference names nothing in the
  fund, and an item of the same direction and amount whose business date is within
  `PROBABLE_WINDOW_DAYS` of the line's date; the closest dates pair first;
- a line identical (date, direction, amount, reference, counterparty) to an earlier line
  of the same statement is a **duplicate**: reported, never matched;
- a line identical to the line of an earlier statement that already matched the item it
  would match is an **overlap** (two statements covering the same days): the same bank
  transaction seen again, reported, not a discrepancy.

Each item is matched at most once across all statements: a `BankMatch` aggregate whose id
is derived from the fund and the item is created with the match, in the same transaction,
so two imports racing for one item cannot both take it."""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import Aggregate, event

from ..money import format_money
from .ids import derived_id

DIRECTIONS = ("debit", "credit")  # debit: money out of the fund's account; credit: money in
PROBABLE_WINDOW_DAYS = 3
ITEM_KINDS = ("payment", "returned_payment", "recovery")
# Fund events that are ledger items: event name -> (kind, direction in the bank account).
ITEM_EVENTS = {"Disbursed": ("payment", "debit"), "PaymentReturned": ("returned_payment", "credit"),
               "Recovered": ("recovery", "credit")}


def statement_aggregate_id(fund_code: str, content_hash: str) -> UUID:
    return derived_id("bank-statement", f"{fund_code}\n{content_hash}")


def bank_match_id(fund_code: str, item_key: str) -> UUID:
    return derived_id("bank-match", f"{fund_code}\n{item_key}")


def bank_account_id(fund_code: str) -> UUID:
    return derived_id("bank-account", fund_code)


def statement_label_key(fund_code: str, statement_id: str) -> str:
    """The uniqueness key (a ClaimLimit) of a statement id given by the caller."""
    return f"bank-statement-id:{fund_code}:{statement_id}"


@dataclass(frozen=True)
class StatementLine:
    line_no: int  # the line of the CSV file (the header is line 1, as a spreadsheet numbers rows)
    date: dt.date
    direction: str
    amount_fen: int
    reference: str | None
    counterparty: str | None

    @property
    def fingerprint(self) -> tuple:
        return (self.date.isoformat(), self.direction, self.amount_fen, self.reference, self.counterparty)

    def record(self) -> dict:
        return {"line_no": self.line_no, "date": self.date, "direction": self.direction,
                "amount_fen": self.amount_fen, "reference": self.reference, "counterparty": self.counterparty}

    @classmethod
    def of(cls, record: dict) -> "StatementLine":
        return cls(record["line_no"], record["date"], record["direction"], record["amount_fen"],
                   record["reference"], record["counterparty"])


def content_hash(lines: Iterable[StatementLine]) -> str:
    """The statement's identity within its fund: its lines, normalised and sorted, so the
    same statement exported again (another preamble, another order) is the same one."""
    # Each line's bytes copied to their size: orjson's own result keeps a ~4 KiB buffer, 400 MB
    # held at once for a statement of 100,000 lines.
    canonical = b"\n".join(sorted(memoryview(orjson.dumps(line.fingerprint)).tobytes() for line in lines))
    return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class LedgerItem:
    """A movement of the fund that the bank should show: a payment, a returned payment
    or a recovery, as the fund's event recorded it."""
    kind: str
    key: str  # payment_ref (unique per fund) or recovery_id
    direction: str
    amount_fen: int
    date: dt.date
    reference: str
    claim_id: str
    program: str
    order: int  # the fund event's version: ties are broken in log order

    @property
    def item_key(self) -> str:
        return f"{self.kind}:{self.key}"

    def record(self) -> dict:
        return {"kind": self.kind, "item_key": self.item_key, "claim_id": self.claim_id, "program": self.program,
                "payment_ref": self.key if self.kind != "recovery" else None,
                "recovery_id": self.key if self.kind == "recovery" else None,
                "reference": self.reference, "amount_fen": self.amount_fen, "date": self.date}


def ledger_item(fund_event: Any) -> LedgerItem | None:
    """The item a fund event is, or None for events the bank does not see."""
    name = type(fund_event).__qualname__.split(".")[-1]
    if name not in ITEM_EVENTS:
        return None
    kind, direction = ITEM_EVENTS[name]
    if kind == "recovery":
        key, reference, on = fund_event.recovery_id, fund_event.reference, fund_event.received_on
    else:
        key = reference = fund_event.payment_ref
        on = fund_event.paid_on if kind == "payment" else fund_event.returned_on
    return LedgerItem(kind=kind, key=key, direction=direction, amount_fen=fund_event.amount_fen, date=on,
                      reference=reference, claim_id=fund_event.claim_id, program=fund_event.program,
                      order=fund_event.originator_version)


@dataclass(frozen=True)
class Taker:
    """The line that matched an item: which statement, which line, and what it said."""
    statement_id: str
    line_no: int
    fingerprint: tuple


@dataclass(frozen=True)
class Decision:
    line_no: int
    how: str  # "exact", "probable" or "overlap"
    item: LedgerItem
    overlap_of: Taker | None = None


def find_duplicates(lines: Sequence[StatementLine]) -> dict[int, int]:
    """Line number -> the earlier identical line of the same statement it repeats."""
    first: dict[tuple, int] = {}
    duplicates = {}
    for line in lines:
        earlier = first.setdefault(line.fingerprint, line.line_no)
        if earlier != line.line_no:
            duplicates[line.line_no] = earlier
    return duplicates


def plan_matches(statement_id: str, lines: Sequence[StatementLine], items: Sequence[LedgerItem],
                 taken: Callable[[str], Taker | None]) -> list[Decision]:
    """Matches for the open lines of a statement (neither matched nor duplicates), given the
    fund's items and `taken(item_key)`: the line that already matched an item, if any.
    Pure: the caller records the decisions."""
    taken_here: set[str] = set()
    known: dict[str, Taker | None] = {}

    def taker(item: LedgerItem) -> Taker | None:
        if item.item_key not in known:
            known[item.item_key] = taken(item.item_key)
        return known[item.item_key]

    def free(item: LedgerItem) -> bool:
        return item.item_key not in taken_here and taker(item) is None

    def overlap(line: StatementLine, candidates: Iterable[LedgerItem]) -> Decision | None:
        for item in candidates:
            was = taker(item)
            if was is not None and was.statement_id != statement_id and was.fingerprint == line.fingerprint:
                return Decision(line.line_no, "overlap", item, was)
        return None

    by_reference: dict[str, list[LedgerItem]] = {}
    by_amount: dict[tuple[str, int], list[LedgerItem]] = {}
    for item in items:
        by_reference.setdefault(item.reference, []).append(item)
        by_amount.setdefault((item.direction, item.amount_fen), []).append(item)

    decisions: list[Decision] = []
    by_amount_only: list[StatementLine] = []
    for line in lines:
        named = by_reference.get(line.reference, []) if line.reference else []
        if not named:
            by_amount_only.append(line)
            continue
        # The reference names an item: only that item can be this line's (same direction
        # and amount), never another one by amount.
        same = sorted((i for i in named if i.direction == line.direction and i.amount_fen == line.amount_fen),
                      key=lambda i: (abs((i.date - line.date).days), i.order))
        chosen = next((i for i in same if free(i)), None)
        if chosen is not None:
            taken_here.add(chosen.item_key)
            decisions.append(Decision(line.line_no, "exact", chosen))
        elif (seen := overlap(line, same)) is not None:
            decisions.append(seen)

    window = dt.timedelta(days=PROBABLE_WINDOW_DAYS)
    pairs = []
    for line in by_amount_only:
        near = [i for i in by_amount.get((line.direction, line.amount_fen), ()) if abs(i.date - line.date) <= window]
        if (seen := overlap(line, near)) is not None:
            decisions.append(seen)
            continue
        pairs += [(abs((i.date - line.date).days), line.line_no, i.order, i) for i in near if free(i)]
    decided: set[int] = set()
    for _, line_no, _, item in sorted(pairs, key=lambda p: p[:3]):
        if line_no not in decided and item.item_key not in taken_here:
            decided.add(line_no)
            taken_here.add(item.item_key)
            decisions.append(Decision(line_no, "probable", item))
    return sorted(decisions, key=lambda d: d.line_no)


def _lean(line: dict) -> list:
    """A line as the Imported event stores it: what matching and the reconciliation need
    (line number, date, direction, amount, reference, counterparty), positionally."""
    day = line["date"]
    return [line["line_no"], day.isoformat() if isinstance(day, dt.date) else day, line["direction"],
            line["amount_fen"], line["reference"], line["counterparty"]]


def _outcome(line: dict) -> list | None:
    """A line's outcome as `BankStatement.outcomes` keeps it, from a keyed line of version 1."""
    if line["status"] == "unmatched":
        return None
    match, duplicate_of = line["match"] or {}, line["duplicate_of"] or {}
    return [line["status"], match.get("item_key"), match.get("how"), duplicate_of.get("statement_id"),
            duplicate_of.get("line_no")]


class BankStatement(Aggregate):
    """One imported statement of a fund's bank account, its lines and what each matched."""

    class Imported(Aggregate.Created):
        """Version 2 stores each line as a short array (`_lean`), not a keyed object with a
        typed date: a statement's event is what matching needs, not a copy of the file."""

        fund_code: str
        statement_id: str
        content_hash: str
        lines: list
        actor: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["lines"] = [_lean(line) for line in state["lines"]]

    # In memory as in the event: a statement's lines are `rows` (each the event's short array:
    # line number, date as text, direction, amount, reference, counterparty, in file order so
    # line numbers ascend) and `outcomes`, beside them: None while a line is unmatched, else
    # [status, item_key, how, duplicate_of statement, duplicate_of line]. A line as a keyed
    # object (`line()`, `lines`) is made when asked for, so a statement of 100,000 lines holds
    # a few small lists each, not a dictionary each. Version 2 of the aggregate (snapshots):
    # version 1 kept a dictionary per line.
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        lines = state.pop("lines")
        state["rows"] = [_lean(line) for line in lines]
        state["outcomes"] = [_outcome(line) for line in lines]

    @event(Imported)
    def __init__(self, id: UUID, fund_code: str, statement_id: str, content_hash: str, lines: list, actor: str):
        self.fund_code = fund_code
        self.statement_id = statement_id
        self.content_hash = content_hash
        self.rows = lines
        self.outcomes: list = [None] * len(lines)

    @classmethod
    def imported(cls, id: UUID, fund_code: str, statement_id: str, content_hash: str,
                 lines: Sequence[StatementLine], actor: str) -> "BankStatement":
        return cls(id=id, fund_code=fund_code, statement_id=statement_id, content_hash=content_hash,
                   lines=[[line.line_no, line.date.isoformat(), line.direction, line.amount_fen, line.reference,
                           line.counterparty] for line in lines], actor=actor)

    def _index(self, line_no: int) -> int:
        n = bisect.bisect_left(self.rows, line_no, key=lambda row: row[0])
        if n == len(self.rows) or self.rows[n][0] != line_no:
            raise KeyError(f"statement {self.statement_id} has no line {line_no}")
        return n

    def _line(self, n: int) -> dict:
        line_no, day, direction, amount_fen, reference, counterparty = self.rows[n]
        outcome = self.outcomes[n]
        status, item_key, how, of_statement, of_line = outcome if outcome is not None else ("unmatched",) + (None,) * 4
        return {"line_no": line_no, "date": dt.date.fromisoformat(day), "direction": direction,
                "amount_fen": amount_fen, "reference": reference, "counterparty": counterparty, "status": status,
                "match": None if item_key is None else {"item_key": item_key, "how": how},
                "duplicate_of": None if of_line is None else {"statement_id": of_statement, "line_no": of_line}}

    def line(self, line_no: int) -> dict:
        """The line as a keyed object: its fields, `status` (unmatched, matched (exact),
        probable, duplicate or overlap), `match` ({"item_key", "how"}) and `duplicate_of`."""
        return self._line(self._index(line_no))

    @property
    def lines(self) -> list[dict]:
        return [self._line(n) for n in range(len(self.rows))]

    def statuses(self) -> list[str]:
        return [outcome[0] if outcome is not None else "unmatched" for outcome in self.outcomes]

    def open_lines(self) -> list[StatementLine]:
        return [StatementLine.of(self._line(n)) for n, outcome in enumerate(self.outcomes) if outcome is None]

    def all_lines(self) -> list[StatementLine]:
        return [StatementLine.of(self._line(n)) for n in range(len(self.rows))]

    @event("LinesMatched")
    def record_outcomes(self, matches: list, duplicates: list, actor: str) -> None:
        """One import's outcomes in one event: `matches` [line_no, how, item_key] (how: exact
        or probable), `duplicates` [line_no, of_statement, of_line, overlap] (of_statement None:
        a line repeating an earlier one of this statement)."""
        for line_no, how, item_key in matches:
            self._matched(line_no, how, item_key)
        for line_no, of_statement, of_line, overlap in duplicates:
            self._duplicated(line_no, of_statement, of_line, overlap)

    def _matched(self, line_no: int, how: str, item_key: str) -> None:
        assert how in ("exact", "probable"), how
        n = self._index(line_no)
        assert self.outcomes[n] is None, self._line(n)
        self.outcomes[n] = ["matched" if how == "exact" else "probable", item_key, how, None, None]

    def _duplicated(self, line_no: int, of_statement: str, of_line: int, overlap: bool) -> None:
        n = self._index(line_no)
        assert self.outcomes[n] is None, self._line(n)
        self.outcomes[n] = ["overlap" if overlap else "duplicate", None, None, of_statement or self.statement_id,
                            of_line]

    # The outcomes as statements stored them before LinesMatched: an event per line.
    class LineMatched(Aggregate.Event):
        """Version 2 names the item by its key; version 1 copied the item's record."""

        line_no: int
        how: str
        item_key: str
        actor: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["item_key"] = state.pop("item")["item_key"]

    @event(LineMatched)
    def match_line(self, line_no: int, how: str, item_key: str, actor: str) -> None:
        self._matched(line_no, how, item_key)

    @event("LineDuplicated")
    def flag_duplicate(self, line_no: int, of_statement: str, of_line: int, overlap: bool, actor: str) -> None:
        self._duplicated(line_no, of_statement, of_line, overlap)


class BankMatch(Aggregate):
    """An item of a fund matched to a bank line: exists once per item, ever."""

    @event("Made")
    def __init__(self, id: UUID, fund_code: str, item_key: str, statement_id: str, line_no: int,
                 fingerprint: list, how: str):
        self.fund_code = fund_code
        self.item_key = item_key
        self.statement_id = statement_id
        self.line_no = line_no
        self.fingerprint = fingerprint
        self.how = how

    def taker(self) -> Taker:
        return Taker(self.statement_id, self.line_no, tuple(self.fingerprint))


class BankAccount(Aggregate):
    """A fund's bank account as its statements show it: for each statement, how many of its
    lines dated in each month are still open (matched nothing, or repeat a line of the same
    statement). A period close reads these counts in the writer (ledger/domain/periods.py),
    so it never depends on a read model that may lag behind an import."""

    @event("Opened")
    def __init__(self, id: UUID, fund_code: str, actor: str):
        self.fund_code = fund_code
        self.open_lines: dict[str, dict[str, int]] = {}  # statement aggregate id -> {month: open lines}

    @event("StatementCounted")
    def count(self, statement: str, statement_id: str, open_by_month: dict, actor: str) -> None:
        self.open_lines = {**self.open_lines, statement: dict(open_by_month)}

    def unmatched_in(self, month: str) -> int:
        return sum(counts.get(month, 0) for counts in self.open_lines.values())


def open_by_month(statement: "BankStatement") -> dict[str, int]:
    """The statement's lines that count as unmatched in the bank, per month of their date."""
    counts: dict[str, int] = {}
    for row, status in zip(statement.rows, statement.statuses()):
        if status in ("unmatched", "duplicate"):
            month = row[1][:7]
            counts[month] = counts.get(month, 0) + 1
    return dict(sorted(counts.items()))


def line_view(line: dict, items: Mapping[str, "LedgerItem"]) -> dict:
    match = line["match"]
    return {
        "line_no": line["line_no"], "date": line["date"].isoformat(), "direction": line["direction"],
        "amount": format_money(line["amount_fen"]), "reference": line["reference"],
        "counterparty": line["counterparty"], "status": line["status"],
        "match": None if match is None else match_view(match, items),
        "duplicate_of": line["duplicate_of"],
    }


def match_view(match: dict, items: Mapping[str, "LedgerItem"]) -> dict:
    """The item a line matched, from the fund's items (a statement stored before lean lines
    holds the item's record itself)."""
    item = items.get(match["item_key"])
    return item_view(item.record() if item is not None else match, how=match["how"])


def item_view(item: dict, *, how: str | None = None) -> dict:
    view = {"kind": item["kind"], "claim_id": item["claim_id"], "program": item["program"],
            "payment_ref": item["payment_ref"], "recovery_id": item["recovery_id"], "reference": item["reference"],
            "amount": format_money(item["amount_fen"]),
            "date": item["date"].isoformat() if isinstance(item["date"], dt.date) else item["date"]}
    if how is not None:
        view["how"] = how
    return view


# An import answers with its first lines and the counts of all: its answer (kept whole under an
# Idempotency-Key) stays bounded however long the statement; GET /v1/reconciliation pages
# through every line.
LINES_SHOWN = 1_000


def statement_view(statement: BankStatement, items: Mapping[str, "LedgerItem"]) -> dict:
    """The statement with the outcome of each of its first LINES_SHOWN lines (`more_lines`:
    how many follow) and the counts of all; `items`: the fund's items by item_key."""
    counts = dict.fromkeys(("matched", "probable", "unmatched", "duplicate", "overlap"), 0)
    for status in statement.statuses():
        counts[status] += 1
    dates = [row[1] for row in statement.rows]  # ISO dates: text order is time order
    shown = min(len(statement.rows), LINES_SHOWN)
    return {
        "statement_id": statement.statement_id,
        "fund_id": statement.fund_code,
        "from": min(dates),
        "to": max(dates),
        "summary": {"lines": len(statement.rows), **counts},
        "lines": [line_view(statement._line(n), items) for n in range(shown)],
        "more_lines": len(statement.rows) - shown,
        "version": statement.version,
    }
