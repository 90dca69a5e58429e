"""Anchors: heads of the chain kept off the ledger's machine (a WORM bucket, the finance
bureau's archive, the monthly close report). Seals live in the log, so whoever can rewrite
the log can delete them with it: cutting off its tail, or rewriting an amount, recomputing
the unkeyed chain and deleting every seal, leaves a log that checks out on its own. Only a
head recorded elsewhere tells: the log must still reach the anchored position and have the
anchored hash there.

An anchor file holds one JSON object per line, as `ledger seal --anchor FILE` appends them:
{"position": P, "hash": H, "sealed_at": T, "signature": S}. `sealed_at` and `signature` are
optional (an anchor copied by hand from a report has neither); when present, the signature
is checked with the seal key's public half, so a forged line is told from a real one."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .chain import ChainCheck
from .seal import SealRecord, signature_valid

HASH = re.compile(r"^[0-9a-f]{64}$")
MAX_POSITION = 2**62


@dataclass(frozen=True)
class Anchor:
    position: int
    hash: str
    sealed_at: str | None = None
    signature: str | None = None
    source: str | None = None  # where it came from, e.g. "anchors.jsonl line 3"

    @classmethod
    def from_seal(cls, seal: SealRecord) -> "Anchor":
        return cls(seal.position, seal.hash, seal.sealed_at, seal.signature)

    def line(self) -> str:
        return json.dumps({"position": self.position, "hash": self.hash, "sealed_at": self.sealed_at,
                           "signature": self.signature}) + "\n"


def parse_anchor(position: object, head_hash: object, *, source: str | None = None,
                 sealed_at: object = None, signature: object = None) -> Anchor:
    """An anchor from untrusted input; ValueError says what is wrong with it."""
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= MAX_POSITION:
        raise ValueError("position must be a log position (an integer from 1)")
    if not isinstance(head_hash, str) or not HASH.fullmatch(head_hash.lower()):
        raise ValueError("hash must be 64 hexadecimal characters")
    if sealed_at is not None and not isinstance(sealed_at, str):
        raise ValueError("sealed_at must be text")
    if signature is not None and not (isinstance(signature, str) and re.fullmatch(r"[0-9a-fA-F]{128}", signature)):
        raise ValueError("signature must be 128 hexadecimal characters")
    if signature is not None and sealed_at is None:
        raise ValueError("a signature needs the sealed_at it signs")
    return Anchor(position, head_hash.lower(), sealed_at, signature, source)


def read_anchor_file(text: str, name: str) -> tuple[list[Anchor], list[str]]:
    """The anchors of a file, and a problem for each line that is not one."""
    anchors, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            fields = json.loads(line)
            if not isinstance(fields, dict):
                raise ValueError("not a JSON object")
            anchors.append(parse_anchor(fields.get("position"), fields.get("hash"), source=where,
                                        sealed_at=fields.get("sealed_at"), signature=fields.get("signature")))
        except ValueError as exc:
            problems.append(f"{where}: not an anchor ({exc})")
    return anchors, problems


def check_anchor(anchor: Anchor, chain: ChainCheck, public_key: Ed25519PublicKey | None) -> dict:
    """The anchor against the chain as `chain` recomputed it (watching the anchor's position)."""
    result = {"position": anchor.position, "hash": anchor.hash, "source": anchor.source}

    def outcome(problem: str | None) -> dict:
        return {**result, "ok": problem is None, "problem": problem}

    if anchor.signature is not None and public_key is not None and not signature_valid(
            {"position": anchor.position, "hash": anchor.hash, "sealed_at": anchor.sealed_at,
             "signature": anchor.signature}, public_key):
        return outcome("the anchor's signature does not verify with the seal key: it is not a seal of this ledger")
    found = chain.watched.get(anchor.position)
    if found is not None:
        return outcome(None if found == anchor.hash else
                       f"the chain's hash at the anchored position {anchor.position} differs from the anchor: the "
                       f"log was rewritten at or before it")
    if not chain.ok and chain.first_bad_position <= anchor.position:
        return outcome(f"not checked: the chain breaks at position {chain.first_bad_position}, at or before the "
                       f"anchored position")
    if chain.ok and anchor.position > chain.head_position:
        return outcome(f"the log ends at position {chain.head_position}, before the anchored position "
                       f"{anchor.position}: its tail was removed")
    return outcome(f"the log has no event at the anchored position {anchor.position}: it was deleted or the log "
                   f"rewritten")
