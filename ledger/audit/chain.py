"""The hash chain over the whole log. Each stored event is linked to the one before it:

    hash(n) = SHA-256( prev_hash_hex(ascii) || "\\n" || position || "\\n" || originator_id ||
                       "\\n" || originator_version || "\\n" || topic || "\\n" || state )

where `state` is the event's stored bytes exactly as the event store keeps them (after any
compression or encryption, before any upcasting), numbers are decimal ASCII, the
originator id is its 32-character hex form, and the first event's prev_hash is 64 zeros.
Changing any byte of any stored event, deleting, inserting or reordering events changes
every hash from there on. scripts/verify_export.py implements the same formula with the
standard library alone."""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

GENESIS = "0" * 64


def link(prev_hash: str, position: int, originator_id: UUID | str, originator_version: int, topic: str,
         state: bytes) -> str:
    oid = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)
    head = f"{prev_hash}\n{position}\n{oid}\n{originator_version}\n{topic}\n".encode()
    return hashlib.sha256(head + bytes(state)).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events_checked: int
    head_position: int
    head_hash: str
    first_bad_position: int | None
    problem: str | None = None
    # The recomputed hash at each watched position the walk reached (anchors are checked on it).
    watched: dict[int, str] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "events_checked": self.events_checked, "head_position": self.head_position,
                "head_hash": self.head_hash, "first_bad_position": self.first_bad_position, "problem": self.problem}


def verify(pairs: Iterable[tuple[int, object | None, dict | None]], watch: Collection[int] = ()) -> ChainCheck:
    """Walk (position, notification or None, chain row or None) in position order and
    report the first position where the stored log and its chain disagree; keeps the
    recomputed hash at each position in `watch`."""
    prev, checked, head_position, watched = GENESIS, 0, 0, {}

    def failed(position: int, problem: str) -> ChainCheck:
        return ChainCheck(False, checked, head_position, prev, position, problem, watched)

    for position, event, row in pairs:
        if event is None:
            return failed(position, "an event was deleted")
        if row is None:
            return failed(position, "an event was inserted")
        if row["prev_hash"] != prev:
            return failed(position, "the chain was broken or reordered")
        expected = link(prev, position, event.originator_id, event.originator_version, event.topic, event.state)
        if expected != row["hash"]:
            return failed(position, "an event's stored bytes changed")
        prev, head_position = row["hash"], position
        if position in watch:
            watched[position] = prev
        checked += 1
    return ChainCheck(True, checked, head_position, prev, None, None, watched)


def merge(events: Iterator, rows: Iterator[dict]) -> Iterator[tuple[int, object | None, dict | None]]:
    """Pair events and chain rows by position, showing either side missing."""
    event, row = next(events, None), next(rows, None)
    while event is not None or row is not None:
        if row is None or (event is not None and event.id < row["position"]):
            yield event.id, event, None
            event = next(events, None)
        elif event is None or row["position"] < event.id:
            yield row["position"], None, row
            row = next(rows, None)
        else:
            yield event.id, event, row
            event, row = next(events, None), next(rows, None)
