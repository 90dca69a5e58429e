"""`ledger chain adopt` and `ledger chain rotate`: operator runs, with the service stopped,
that give a store its MACs (ledger/audit/chain.py).

- adopt: for a store written before LEDGER_CHAIN_KEY existed. It first walks the public
  chain from the first event and checks it against the latest seal (its signature with the
  seal key's public half, and the chain's hash at the sealed position): MACs are written
  only over a log that this proves unchanged up to the seal. Events after the latest seal
  are vouched for by nothing signed: adopt names them and goes on only with
  `--accept-after-seal` (the operator has reviewed them). Done once: the adoption is
  recorded in the log, and a second one is refused (a row without a MAC after that is a
  forgery, not something to adopt).
- rotate: a new key. Every MAC must verify under the old key first; each is then replaced
  by the MAC under the new one (LEDGER_CHAIN_KEY), and the rotation is recorded.

Both write page by page, each row only if its hash (and old MAC) are still those checked,
and the first event's row last: start-up looks at that row, so an interrupted run leaves a
store the service refuses until the run is repeated (which resumes)."""
from __future__ import annotations

import logging
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from ledger.audit.chain import GENESIS, ChainMac, link, merge
from ledger.audit.seal import signature_valid

log = logging.getLogger(__name__)

PAGE = 5_000


class ChainKeyingRefused(Exception):
    """Why adopt or rotate did nothing."""


@dataclass
class _Walk:
    """The rows to (re)write: positions and their 32-byte hashes, compact (a store of a
    million events needs about 40 MB), with the old MAC kept only when rotating."""
    positions: array
    hashes: bytearray
    old_macs: list
    head_position: int = 0
    hash_at: dict | None = None

    def rows(self, new: ChainMac) -> list[tuple[int, str, str, str | None]]:
        out = []
        for i, position in enumerate(self.positions):
            digest = self.hashes[32 * i:32 * i + 32].hex()
            out.append((position, digest, new.mac(digest), self.old_macs[i] if self.old_macs else None))
        return out


def _walk(rt, *, keep: Callable[[dict, str], tuple[bool, str | None]], watch: set[int],
          progress: Callable[[int], None] | None) -> _Walk:
    """The public chain from the first event, recomputed; `keep(row, hash)` says whether a row
    is to be written and with which old MAC (or raises ChainKeyingRefused)."""
    walk = _Walk(array("q"), bytearray(), [], hash_at={})
    prev = GENESIS
    for position, event, row in merge(rt.ledger.stored_events(), rt.app.recorder.chain_rows()):
        if event is None or row is None or row["prev_hash"] != prev:
            raise ChainKeyingRefused(f"the public chain breaks at position {position}: run `ledger verify`; "
                                     "nothing was written")
        digest = link(prev, position, event.originator_id, event.originator_version, event.topic, event.state)
        if digest != row["hash"]:
            raise ChainKeyingRefused(f"the event at position {position} does not match its chain row: run "
                                     "`ledger verify`; nothing was written")
        wanted, old = keep(row, digest)
        if wanted:
            walk.positions.append(position)
            walk.hashes += bytes.fromhex(digest)
            walk.old_macs.append(old)
        if position in watch:
            walk.hash_at[position] = digest
        prev, walk.head_position = digest, position
        if progress is not None and position % PAGE == 0:
            progress(position)
    return walk


def _write(rt, rows: list[tuple[int, str, str, str | None]]) -> int:
    """Page by page, the first event's row last (see the module's docstring)."""
    first = [r for r in rows if r[0] == rows[0][0]] if rows else []
    rest = rows[1:] if first else rows
    written = 0
    for start in range(0, len(rest), PAGE):
        written += rt.app.recorder.write_macs(rest[start:start + PAGE])
    if first:
        written += rt.app.recorder.write_macs(first)
    return written


def adopt(rt, operator: str, *, accept_after_seal: bool = False, progress=None) -> dict:
    """Verify the public chain against the latest seal, then write the missing MACs."""
    chain_mac: ChainMac = rt.app.recorder.chain_mac
    if rt.ledger.chain_keying() is not None:
        raise ChainKeyingRefused("the keyed chain was adopted already (it is recorded in the log): an event without "
                                 "a valid MAC now is a forgery, not something to adopt. Run `ledger verify`")
    head = rt.ledger.head_position()
    if head == 0:
        raise ChainKeyingRefused("the log is empty: nothing to adopt (new events get their MACs as they are written)")
    seal = rt.ledger.latest_seal()
    if seal is not None and not signature_valid(seal, rt.ledger.seal_key.public_key):
        raise ChainKeyingRefused(f"the latest seal (recorded at position {seal['recorded_at_position']}) does not "
                                 "verify with the seal key: nothing was written. Run `ledger verify`")

    def keep(row: dict, digest: str) -> tuple[bool, str | None]:
        if row.get("mac") is None:
            return True, None
        if not chain_mac.valid(digest, row["mac"]):  # an interrupted adoption wrote only valid ones
            raise ChainKeyingRefused(f"the event at position {row['position']} has a MAC that does not verify under "
                                     "LEDGER_CHAIN_KEY: nothing was written. Run `ledger verify`")
        return False, None

    walk = _walk(rt, keep=keep, watch={seal["position"]} if seal else set(), progress=progress)
    if seal is not None and walk.hash_at.get(seal["position"]) != seal["hash"]:
        raise ChainKeyingRefused(f"the chain's hash at the sealed position {seal['position']} differs from the seal: "
                                 "the log was rewritten at or before it. Nothing was written; run `ledger verify`")
    # The seal's own event carries its signature; what follows it is vouched for by nothing signed.
    covered = seal["recorded_at_position"] if seal else 0
    after_seal = walk.head_position - covered
    if after_seal and not accept_after_seal:
        raise ChainKeyingRefused(
            f"{after_seal} event(s) after the latest seal (positions {covered + 1} to {walk.head_position}) "
            "are vouched for by no signature: review them (`GET /v1/audit/events?after_position="
            f"{covered}`) and run again with --accept-after-seal. Nothing was written")
    written = _write(rt, walk.rows(chain_mac))
    adopted = {"through_position": walk.head_position, "sealed_position": seal["position"] if seal else None,
               "after_seal": after_seal, "macs_written": written}
    position = rt.ledger.record_chain_keying(operator, adopted=adopted)
    log.warning("keyed chain ADOPTED by %s: %d MACs written through position %d (seal at %s; %d event(s) after it "
                "accepted); recorded at log position %s", operator, written, walk.head_position,
                adopted["sealed_position"], after_seal, position)
    return {**adopted, "recorded_at_position": position}


def rotate(rt, operator: str, old_key: bytes, *, progress=None) -> dict:
    """Every MAC checked under `old_key`, then replaced by the MAC under LEDGER_CHAIN_KEY."""
    new: ChainMac = rt.app.recorder.chain_mac
    old = ChainMac(old_key)
    if old.mac(GENESIS) == new.mac(GENESIS):
        raise ChainKeyingRefused("the old key is LEDGER_CHAIN_KEY itself: set LEDGER_CHAIN_KEY to the new key")

    def keep(row: dict, digest: str) -> tuple[bool, str | None]:
        if old.valid(digest, row.get("mac")):
            return True, row["mac"]
        if new.valid(digest, row.get("mac")):  # an interrupted rotation got this far
            return False, None
        raise ChainKeyingRefused(f"the event at position {row['position']} has no valid MAC under the old key (nor "
                                 "the new): nothing was rewritten. Run `ledger verify` with the old key")

    walk = _walk(rt, keep=keep, watch=set(), progress=progress)
    written = _write(rt, walk.rows(new))
    rotated = {"through_position": walk.head_position, "macs_written": written}
    position = rt.ledger.record_chain_keying(operator, rotated=rotated)
    log.warning("LEDGER_CHAIN_KEY ROTATED by %s: %d MACs rewritten through position %d; recorded at log position %s",
                operator, written, walk.head_position, position)
    return {**rotated, "recorded_at_position": position}
