"""The keyed chain's own history, in the log: its adoption on a store written before
LEDGER_CHAIN_KEY existed, and each change of that key. Both are operator runs of
`ledger chain ...` (runtime/chain_keying.py); recording them makes them visible to auditors
and makes the adoption a one-time act (a second one would bless rows without a MAC)."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .ids import derived_id

CHAIN_KEYING_ID = derived_id("chain-keying", "ledger")


class ChainKeying(Aggregate):
    @event("Adopted")
    def __init__(self, id: UUID, actor: str, through_position: int, sealed_position: int | None,
                 after_seal: int, macs_written: int):
        self.adopted_through = through_position
        self.rotations = 0

    @event("KeyRotated")
    def rotate(self, actor: str, through_position: int, macs_written: int) -> None:
        self.rotations += 1
