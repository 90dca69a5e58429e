"""The hash chain over the whole log. Each stored event is linked to the one before it:

    hash(n) = SHA-256( prev_hash_hex(ascii) || "\\n" || position || "\\n" || originator_id ||
                       "\\n" || originator_version || "\\n" || topic || "\\n" || state )

where `state` is the event's stored bytes exactly as the event store keeps them (after any
compression or encryption, before any upcasting), numbers are decimal ASCII, the
originator id is its 32-character hex form, and the first event's prev_hash is 64 zeros.
Changing any byte of any stored event, deleting, inserting or reordering events changes
every hash from there on. scripts/verify_export.py implements the same formula with the
standard library alone.

The public chain has no key: whoever can write to the database can append an event and
compute its link (API.md, "A keyed chain"). So each chain row also carries a MAC,

    mac(n) = HMAC-SHA-256( LEDGER_CHAIN_KEY, hash(n) as 64 ASCII hex digits )   (hex)

written by the event store in the same transaction as the event. The hash covers the
previous hash, the position and the event's bytes, so a valid MAC vouches for all of them;
a row inserted or rewritten without the key has none."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

GENESIS = "0" * 64


def link(prev_hash: str, position: int, originator_id: UUID | str, originator_version: int, topic: str,
         state: bytes) -> str:
    oid = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)
    head = f"{prev_hash}\n{position}\n{oid}\n{originator_version}\n{topic}\n".encode()
    return hashlib.sha256(head + bytes(state)).hexdigest()


class ChainMac:
    """The keyed half of the chain: a MAC of each chain hash under LEDGER_CHAIN_KEY."""

    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("a chain key needs at least 32 bytes")
        # Keyed once: each MAC copies the keyed state (half the cost of keying it again, and
        # every event written and projected takes one).
        self._keyed = hmac.new(bytes(key), digestmod=hashlib.sha256)

    def mac(self, chain_hash: str) -> str:
        h = self._keyed.copy()
        h.update(chain_hash.encode("ascii"))
        return h.hexdigest()

    def valid(self, chain_hash: str, mac: str | None) -> bool:
        return isinstance(mac, str) and hmac.compare_digest(self.mac(chain_hash), mac)


NO_MAC = "an event has no valid MAC: it was inserted or rewritten by someone without the chain key"


def unauthenticated(chain_mac: ChainMac, position: int, event, row: dict | None) -> str | None:
    """Why the stored `event` at `position` is not vouched for by its chain row and that
    row's MAC (None when it is): the row must exist, its hash must be the link of the event's
    bytes to the row's previous hash, and the MAC of that hash must verify."""
    if row is None:
        return "an event has no chain row"
    expected = link(row["prev_hash"], position, event.originator_id, event.originator_version, event.topic,
                    event.state)
    if expected != row["hash"]:
        return "an event's stored bytes do not match its chain row"
    if not chain_mac.valid(row["hash"], row.get("mac")):
        return NO_MAC
    return None


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
    # The keyed chain: None when no key was given (not checked); else whether every row the
    # walk reached has a valid MAC, the first that has not, and how many have not.
    macs_ok: bool | None = None
    first_bad_mac: int | None = None
    bad_macs: int = 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "events_checked": self.events_checked, "head_position": self.head_position,
                "head_hash": self.head_hash, "first_bad_position": self.first_bad_position, "problem": self.problem,
                "macs_ok": self.macs_ok}


def verify(pairs: Iterable[tuple[int, object | None, dict | None]], watch: Collection[int] = (),
           chain_mac: ChainMac | None = None, start: tuple[int, str] = (0, GENESIS)) -> ChainCheck:
    """Walk (position, notification or None, chain row or None) in position order and
    report the first position where the stored log and its chain disagree; keeps the
    recomputed hash at each position in `watch`. With `chain_mac`, every row's MAC is
    checked too (the walk goes on past a bad MAC, so the public chain is still judged).
    `start`: the (position, hash) the walk continues from (an earlier verified head)."""
    prev, checked, head_position, watched = start[1], 0, start[0], {}
    first_bad_mac, bad_macs = None, 0

    def macs() -> dict:
        return {} if chain_mac is None else {"macs_ok": bad_macs == 0, "first_bad_mac": first_bad_mac,
                                             "bad_macs": bad_macs}

    def failed(position: int, problem: str) -> ChainCheck:
        return ChainCheck(False, checked, head_position, prev, position, problem, watched, **macs())

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
        if chain_mac is not None and not chain_mac.valid(expected, row.get("mac")):
            bad_macs += 1
            first_bad_mac = first_bad_mac or position
        prev, head_position = row["hash"], position
        if position in watch:
            watched[position] = prev
        checked += 1
    return ChainCheck(True, checked, head_position, prev, None, None, watched, **macs())


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
