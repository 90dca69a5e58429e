"""Snapshots bound to the chain with a MAC the database cannot make.

A snapshot is a shortcut: the state of an aggregate at a version, so that loading it need
not replay every event before. Stored as it is, anyone who can edit the database can edit
it (one row, plus 100,000,000.00 on a fund) and every command would trust the edit. The hash
chain does not help here: it is unkeyed, so an insider recomputes it after any edit.

So a snapshot is stored with an HMAC-SHA256 tag over

    "subsidy-ledger snapshot v1\\n" || originator_id (hex) || "\\n" || version || "\\n" ||
    topic || "\\n" || chain hash of the aggregate's event at that version || "\\n" || stored bytes

under a key derived from the PII key, which never lives in the database. Without the key no
edit can produce a valid tag; binding the tag to the chain hash of the event the snapshot
stands for means that a snapshot stays usable only while the chain up to that event is the
one it was taken from (a rewritten history makes it unusable, rather than a stale answer).

The stored bytes of an authenticated snapshot are MAGIC || tag (32 bytes) || the mapper's
bytes. Snapshots stored before tags existed have no MAGIC: they are never used."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from eventsourcing.persistence import StoredEvent

# Cannot begin a JSON document, zlib stream or anything the library's mapper writes unprefixed.
MAGIC = b"\x00ledger-snapshot-mac-v1\x00"
TAG_BYTES = 32
_KEY_LABEL = b"ledger/snapshots/mac"


class Verdict(Enum):
    TRUSTED = "trusted"
    UNTAGGED = "untagged"       # stored by an earlier version: never used
    FORGED = "forged"           # a tag that does not verify: edited, forged or moved
    UNCHAINED = "unchained"     # no chained event at the snapshot's version


@dataclass(frozen=True)
class Opened:
    verdict: Verdict
    stored: StoredEvent | None = None  # the mapper's bytes, when trusted

    @property
    def trusted(self) -> bool:
        return self.verdict is Verdict.TRUSTED


def _hex_id(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex


class SnapshotMac:
    def __init__(self, master_key: bytes):
        if len(master_key) < 32:
            raise ValueError("the snapshot key needs at least 32 bytes of key material")
        # A sub-key of its own: the PII key's other uses never produce a snapshot tag.
        self._key = hmac.new(master_key, _KEY_LABEL, hashlib.sha256).digest()

    def _tag(self, originator_id: UUID | str, version: int, topic: str, chain_hash: str, payload: bytes) -> bytes:
        head = f"subsidy-ledger snapshot v1\n{_hex_id(originator_id)}\n{version}\n{topic}\n{chain_hash}\n".encode()
        return hmac.new(self._key, head + payload, hashlib.sha256).digest()

    def tag(self, stored: StoredEvent, chain_hash: str) -> StoredEvent:
        """The stored snapshot with its tag, ready to insert."""
        payload = bytes(stored.state)
        tag = self._tag(stored.originator_id, stored.originator_version, stored.topic, chain_hash, payload)
        return StoredEvent(originator_id=stored.originator_id, originator_version=stored.originator_version,
                           topic=stored.topic, state=MAGIC + tag + payload)

    def open(self, stored: StoredEvent, chain_hash: str | None) -> Opened:
        """Checks a stored snapshot against the chain hash of the event at its version (None:
        there is no such event); returns the mapper's bytes only when the tag verifies."""
        state = bytes(stored.state)
        if not state.startswith(MAGIC) or len(state) < len(MAGIC) + TAG_BYTES:
            return Opened(Verdict.UNTAGGED)
        if chain_hash is None:
            return Opened(Verdict.UNCHAINED)
        tag, payload = state[len(MAGIC):len(MAGIC) + TAG_BYTES], state[len(MAGIC) + TAG_BYTES:]
        expected = self._tag(stored.originator_id, stored.originator_version, stored.topic, chain_hash, payload)
        if not hmac.compare_digest(tag, expected):
            return Opened(Verdict.FORGED)
        return Opened(Verdict.TRUSTED, StoredEvent(originator_id=stored.originator_id,
                                                   originator_version=stored.originator_version,
                                                   topic=stored.topic, state=payload))
