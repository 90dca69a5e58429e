"""The table of refusals kept under Idempotency-Keys (adapters/refusals.py): outside the log,
a key's first refusal wins, rows expire after KEEP_FOR and expired rows are deleted as new
ones come in, so the table does not grow without end either."""
from __future__ import annotations

from uuid import uuid4

from adapters.refusals import KEEP_FOR, KeptRefusals


def _rows(refusals: KeptRefusals) -> int:
    with refusals._datastore.transaction(commit=False) as c:
        c.execute(f"SELECT COUNT(*) AS n FROM {refusals._table_name}")
        row = c.fetchone()
    return row["n"] if isinstance(row, dict) else row[0]


def test_refusals_are_kept_once_expire_and_are_deleted(client, clock):
    rt = client.app.state.runtime
    refusals = KeptRefusals(rt.app.recorder, clock.now)
    head = rt.ledger.head_position()
    first, second = uuid4(), uuid4()
    refusals.keep([(first, "h1", {"error": {"code": "validation_error", "detail": "a"}})])
    refusals.keep([(first, "h2", {"error": {"code": "not_found", "detail": "b"}})])  # the first stays
    assert refusals.find([first, second]) == {first: ("h1", {"error": {"code": "validation_error", "detail": "a"}})}
    before = _rows(refusals)
    clock.advance(days=KEEP_FOR.days + 1)
    assert refusals.find([first]) == {}  # expired: the key is free again
    refusals.keep([(second, "h3", {"error": {"code": "not_found", "detail": "c"}})])
    assert _rows(refusals) <= before  # the expired rows went as the new one came in
    assert refusals.find([second]) == {second: ("h3", {"error": {"code": "not_found", "detail": "c"}})}
    assert rt.ledger.head_position() == head  # none of it is in the log
