"""A statement holds at most 100,000 lines (API.md, "Bounded work per request"): the
100,000th is read, the 100,001st refused before anything is recorded."""
from __future__ import annotations

import pytest

from ledger.errors import ValidationFailed
from ledger.statements import MAX_LINES, read_statement

HEADER = "date,amount,direction,reference\n"


def statement(lines: int) -> str:
    return HEADER + "".join(f"2022-07-{1 + n % 28:02d},{1 + n}.00,debit,R{n}\n" for n in range(lines))


def test_a_statement_of_the_largest_size_is_read():
    assert MAX_LINES == 100_000
    lines = read_statement(statement(MAX_LINES))
    assert len(lines) == MAX_LINES and lines[-1].line_no == MAX_LINES + 1 and lines[-1].reference == "R99999"


def test_one_line_more_is_refused():
    with pytest.raises(ValidationFailed, match="at most 100000 lines") as refused:
        read_statement(statement(MAX_LINES + 1))
    assert refused.value.field == "csv"


def test_a_statements_identity_is_computed_without_holding_a_buffer_per_line():
    """orjson's result keeps a ~4 KiB buffer: kept for every line, a 100,000-line statement's
    hash held 400 MB at once."""
    import tracemalloc

    from ledger.domain.bank import content_hash

    lines = read_statement(statement(20_000))
    tracemalloc.start()
    try:
        content_hash(lines)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, f"{peak / 1e6:.0f} MB at the peak for 20,000 lines"
