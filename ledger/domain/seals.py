"""A seal of the chain's head, recorded in the log itself so that exports carry it and
later chain links cover it. The signature is made outside the writer, with a key the
database never holds."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class ChainSeal(Aggregate):
    @event("Sealed")
    def __init__(self, id: UUID, position: int, hash: str, sealed_at: str, signature: str, public_key: str,
                 actor: str):
        self.position = position
        self.hash = hash
        self.sealed_at = sealed_at
        self.signature = signature
        self.public_key = public_key
