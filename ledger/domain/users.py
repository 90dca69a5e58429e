"""Users with roles and regions, and their credentials. A credential's id is derived
from the token's hash, so a token resolves to its user with one read and the token
itself is never stored."""
from __future__ import annotations

import hashlib
from uuid import UUID

from eventsourcing.domain import Aggregate, event

ROLES = ("admin", "clerk", "reviewer", "treasurer", "auditor")


def token_hash(token: str) -> str:
    # Tokens are 256-bit random values, so an unkeyed hash cannot be reversed.
    return hashlib.sha256(token.encode()).hexdigest()


class User(Aggregate):
    @event("Registered")
    def __init__(self, id: UUID, name: str, roles: list, regions: list, actor: str):
        self.name = name
        self.roles = roles
        self.regions = regions


class Credential(Aggregate):
    @event("Issued")
    def __init__(self, id: UUID, user_id: str, actor: str):
        self.user_id = user_id
