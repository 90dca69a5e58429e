"""Bank statements as CSV: the default columns, a mapping for a bank's own export, and
validation that names the line and the column of every refusal.

Default header (names are matched exactly, after trimming spaces):

    date,amount,direction,reference,counterparty

- `date`: YYYY-MM-DD (YYYY/MM/DD and YYYYMMDD too, as banks export them; a time after
  the date is ignored);
- `amount`: yuan with exactly two decimals, positive ("1500.00"), as everywhere in the API;
- `direction`: `debit` (money out of the fund's account: a payment) or `credit` (money
  in: a returned payment, a recovery);
- `reference` (optional column and value): the payment's `payment_ref` or the recovery's
  `reference`, as recorded in the ledger;
- `counterparty` (optional): the other party's name.

A bank's export is read through a mapping from these names to its headers, e.g.
`date:交易日期,amount:金额,direction:借贷标志,reference:摘要,counterparty:对方户名`, with the
values its direction column uses (`debit=借`, `credit=贷`; several values separated by
`|`). Exports with one column per side (借方发生额 / 贷方发生额) map `debit_amount` and
`credit_amount` instead of `amount` and `direction`: on each line exactly one of them holds
an amount (an empty cell or 0.00 is no amount). A preamble above the header (the bank's
name, account number, period), as Chinese banks export it, is skipped: the header is the
first line, among the first `MAX_SKIP_LINES + 1`, that names every required column (or
`skip_lines` says how many lines to skip). Lines with every cell empty are ignored."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping

from .domain.bank import DIRECTIONS, StatementLine
from .errors import ValidationFailed
from .limits import check_characters
from .money import parse_money

COLUMNS = ("date", "amount", "direction", "reference", "counterparty", "debit_amount", "credit_amount")
MAX_LINES = 100_000  # API.md, "Bounded work per request"
MAX_SKIP_LINES = 100
MAX_TEXT = 200
_DATE = re.compile(r"^([0-9]{4})([-/]?)([0-9]{2})\2([0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$")


def parse_columns(value: object) -> dict[str, str]:
    """A column mapping: {"date": "交易日期", ...} or the text "date:交易日期,amount:金额"."""
    if value is None:
        return {}
    if isinstance(value, str):
        pairs = {}
        for part in value.split(","):
            name, sep, header = part.partition(":")
            if not sep or not name.strip() or not header.strip():
                raise ValidationFailed(f"columns must look like 'date:交易日期,amount:金额', not {part!r}",
                                       field="columns")
            pairs[name.strip()] = header.strip()
        value = pairs
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValidationFailed("columns must map column names to the headers of the file", field="columns")
    unknown = sorted(set(value) - set(COLUMNS))
    if unknown:
        raise ValidationFailed(f"columns names unknown column(s) {', '.join(unknown)}; the columns are "
                               f"{', '.join(COLUMNS)}", field="columns")
    return {name: header.strip() for name, header in value.items()}


def parse_direction_values(value: object, direction: str) -> tuple[str, ...]:
    """The values a bank writes for a direction: "借" or "借|支出" (default: the name itself)."""
    if value is None:
        return (direction,)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{direction} must be the value(s) the direction column uses, e.g. 借|支出",
                               field=direction)
    values = tuple(v.strip().casefold() for v in value.split("|") if v.strip())
    if not values or any(len(v) > MAX_TEXT for v in values):
        raise ValidationFailed(f"{direction} must be the value(s) the direction column uses, e.g. 借|支出",
                               field=direction)
    return values


def read_statement(text: str, *, columns: Mapping[str, str] | None = None, debit: object = None,
                   credit: object = None, skip_lines: object = None,
                   latest: dt.date | None = None) -> list[StatementLine]:
    """Every line of the statement, or `422` naming the first bad line and column (and how
    many other lines are bad). `skip_lines` None: find the header below any preamble.
    `latest`: the last date a line may have (today: a bank records nothing in the future,
    and a line dated later could match a payment to come)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed("the statement is empty", field="csv")
    check_characters(text, field="csv", multiline=True)
    if skip_lines is not None and (not isinstance(skip_lines, int) or isinstance(skip_lines, bool)
                                   or not 0 <= skip_lines <= MAX_SKIP_LINES):
        raise ValidationFailed(f"skip_lines must be a whole number from 0 to {MAX_SKIP_LINES}", field="skip_lines")
    explicit = parse_columns(columns)
    values = {"debit": parse_direction_values(debit, "debit"), "credit": parse_direction_values(credit, "credit")}
    if set(values["debit"]) & set(values["credit"]):
        raise ValidationFailed("debit and credit must use different values", field="credit")
    if text.startswith("\ufeff"):
        text = text[1:]
    if skip_lines is None:
        skip_lines = _preamble(text, explicit)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for _ in range(skip_lines):
            next(reader, None)
        header = next(reader, None)
        if header is None:
            raise ValidationFailed("the statement has no header line", field="csv")
        layout = _layout(header, explicit, reader.line_num)
        lines, problems = [], []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(lines) + len(problems) >= MAX_LINES:
                raise ValidationFailed(f"a statement holds at most {MAX_LINES} lines; split it", field="csv")
            try:
                lines.append(_line(reader.line_num, cells, layout, values, latest))
            except ValidationFailed as exc:
                problems.append(exc)
    except csv.Error as exc:
        raise ValidationFailed(f"line {reader.line_num}: not valid CSV ({exc})", field=f"line {reader.line_num}") \
            from None
    if problems:
        first = problems[0]
        more = ""
        if len(problems) > 1:
            others = [p.field.split(",")[0] for p in problems[1:6]]
            more = f"; {len(problems) - 1} more line(s) are invalid too ({', '.join(others)}" + \
                   (", …)" if len(problems) > 6 else ")")
        raise ValidationFailed(first.detail + more, field=first.field)
    if not lines:
        raise ValidationFailed("the statement has no lines below its header", field="csv")
    return lines


def _required(explicit: dict[str, str]) -> tuple[str, ...]:
    """The columns every statement has: a date and either an amount and a direction, or an
    amount column per side."""
    if "debit_amount" in explicit or "credit_amount" in explicit:
        return ("date", "debit_amount", "credit_amount")
    return ("date", "amount", "direction")


def _preamble(text: str, explicit: dict[str, str]) -> int:
    """How many lines stand above the header: those before the first line (among the first
    MAX_SKIP_LINES + 1) naming every required column. None does: 0, and the first line, read
    as the header, is refused naming the column it lacks."""
    wanted = {explicit.get(name, name) for name in _required(explicit)}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for skipped, cells in enumerate(reader):
            if skipped > MAX_SKIP_LINES:
                break
            if wanted <= {cell.strip().lstrip("\ufeff") for cell in cells}:
                return skipped
    except csv.Error:
        pass  # the strict reading that follows names the line
    return 0


def _layout(header: list[str], explicit: dict[str, str], line_no: int) -> dict[str, tuple[int, str]]:
    """Column name -> (its index in the file, its header there)."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.strip().lstrip("\ufeff")
        if name in found:
            raise ValidationFailed(f"line {line_no} (the header): the column {name!r} appears twice",
                                   field=f"line {line_no}")
        found[name] = index
    wanted = _required(explicit)
    layout = {}
    for name in (*wanted, "reference", "counterparty"):
        header_name = explicit.get(name, name)
        if header_name in found:
            layout[name] = (found[header_name], header_name)
        elif name in wanted or name in explicit:
            raise ValidationFailed(
                f"line {line_no} (the header) has no column {header_name!r} for {name}; its columns are "
                f"{', '.join(repr(h.strip()) for h in header)} (map them with columns=, see the README)",
                field=f"line {line_no}")
    return layout


def _cell(cells: list[str], layout: dict[str, tuple[int, str]], name: str) -> tuple[str, str]:
    index, header = layout[name]
    return (cells[index].strip() if index < len(cells) else ""), header


def _line(line_no: int, cells: list[str], layout: dict[str, tuple[int, str]],
          values: dict[str, tuple[str, ...]], latest: dt.date | None = None) -> StatementLine:
    def refuse(name: str, message: str) -> ValidationFailed:
        header = layout[name][1]
        column = header if header == name else f"{header} ({name})"
        return ValidationFailed(f"line {line_no}, column {column}: {message}", field=f"line {line_no}, {header}")

    raw, _ = _cell(cells, layout, "date")
    match = _DATE.match(raw)
    try:
        if match is None:
            raise ValueError
        date = dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        raise refuse("date", f"{raw!r} is not a real date YYYY-MM-DD") from None
    if latest is not None and date > latest:
        raise refuse("date", f"{date} is later than today ({latest}, China Standard Time)")

    if "debit_amount" in layout:
        sides = []
        for direction in DIRECTIONS:
            name = f"{direction}_amount"
            raw, _ = _cell(cells, layout, name)
            if raw:
                fen = _money(raw, refuse, name, allow_zero=True)
                if fen:
                    sides.append((direction, fen))
        if len(sides) != 1:
            raise refuse("debit_amount", "exactly one of the debit and credit amounts must be given")
        direction, amount_fen = sides[0]
    else:
        raw, _ = _cell(cells, layout, "amount")
        amount_fen = _money(raw, refuse, "amount")
        raw, _ = _cell(cells, layout, "direction")
        direction = next((d for d in DIRECTIONS if raw.casefold() in values[d]), None)
        if direction is None:
            expected = " or ".join(repr(v) for d in DIRECTIONS for v in values[d])
            raise refuse("direction", f"{raw!r} is not a direction ({expected})")
    reference = _text(cells, layout, "reference", refuse)
    counterparty = _text(cells, layout, "counterparty", refuse)
    return StatementLine(line_no, date, direction, amount_fen, reference, counterparty)


def _money(raw: str, refuse, name: str, *, allow_zero: bool = False) -> int:
    try:
        return parse_money(raw, field="amount", allow_zero=allow_zero)
    except ValidationFailed as exc:
        raise refuse(name, f"{exc.detail} (got {raw!r})") from None


def _text(cells: list[str], layout: dict[str, tuple[int, str]], name: str, refuse) -> str | None:
    if name not in layout:
        return None
    raw, _ = _cell(cells, layout, name)
    if len(raw) > MAX_TEXT:
        raise refuse(name, f"at most {MAX_TEXT} characters")
    return raw or None
