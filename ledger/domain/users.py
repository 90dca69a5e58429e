"""Users with roles and regions, their tokens, and the bootstrap admin.

A token is 256 random bits, shown once; the store holds only its SHA-256. A credential's
id is derived from that hash, so a token resolves to its user with one read. What a
token is worth (expiry, revocation) is kept on the user, which a deactivation ends as a
whole. Nothing here, or anywhere, can compute a token from an id, a key or a stored value."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from ..errors import InvalidState, NotFound, ValidationFailed
from .ids import derived_id

ROLES = ("admin", "clerk", "reviewer", "treasurer", "auditor")
TOKEN_BYTES = 32  # 256 bits
BOOTSTRAP_ADMIN_ID = derived_id("bootstrap-admin", "the one pointer")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token_hash(value: object) -> bool:
    """A token's SHA-256 as `token_hash` spells it: 64 lower-case hex characters."""
    return (isinstance(value, str) and len(value) == 64
            and all(c in "0123456789abcdef" for c in value))


def check_token_sha256(value: object, field: str = "token_sha256") -> str:
    """The SHA-256 of a token a person made (`ledger token new`), kept lower-case."""
    digest = value.lower() if isinstance(value, str) else value
    if not is_token_hash(digest):
        raise ValidationFailed(f"{field} must be the SHA-256 of a token: 64 hex characters (ledger token new)",
                               field=field)
    return digest


def token_hash(token: str) -> str:
    # Unkeyed on purpose: no key can turn it back into a token or be used to mint one.
    # Issued tokens are 256-bit random; the bootstrap token is held to 32 characters or more.
    return hashlib.sha256(token.encode()).hexdigest()


class User(Aggregate):
    @event("Registered")
    def __init__(self, id: UUID, name: str, roles: list, regions: list, actor: str):
        self.name = name
        self.roles = roles
        self.regions = regions
        self.active = True
        # token_id -> {"issued_at", "expires_at" (None: the bootstrap token), "revoked"}
        self.tokens: dict[str, dict] = {}

    def check_active(self) -> None:
        if not self.active:
            raise InvalidState("the user is deactivated")

    def live_token_ids(self) -> list[str]:
        return [token_id for token_id, t in self.tokens.items() if not t["revoked"]]

    def token_valid(self, token_id: str | None, now: dt.datetime) -> bool:
        record = self.tokens.get(token_id) if token_id else None
        return (self.active and record is not None and not record["revoked"]
                and (record["expires_at"] is None or now < record["expires_at"]))

    def check_token(self, token_id: str) -> dict:
        record = self.tokens.get(token_id)
        if record is None:
            raise NotFound(f"token {token_id} not found")
        return record

    @event("TokenIssued")
    def issue_token(self, token_id: str, issued_at: dt.datetime, expires_at: dt.datetime | None, actor: str,
                    reason: str) -> None:
        self.tokens[token_id] = {"issued_at": issued_at, "expires_at": expires_at, "revoked": False}

    @event("TokenRevoked")
    def revoke_token(self, token_id: str, actor: str, reason: str) -> None:
        self.tokens[token_id] = {**self.tokens[token_id], "revoked": True}

    @event("Deactivated")
    def deactivate(self, actor: str, reason: str) -> None:
        # Past events keep naming the user as their actor; only its tokens stop working.
        self.active = False

    @event("RolesChanged")
    def change_roles(self, roles: list, regions: list, actor: str, reason: str) -> None:
        """New roles and regions, as two admins decided (ledger/domain/user_changes.py)."""
        self.roles = roles
        self.regions = regions

    @event("Reactivated")
    def reactivate(self, actor: str, reason: str) -> None:
        """Active again, as two admins decided; the tokens it had before were revoked first."""
        self.active = True


class Credential(Aggregate):
    """The hash of one token, pointing at the token record it stands for on its user."""

    class Issued(Aggregate.Created):
        """Version 2 names the user's token record. Version 1 (until 2026-11) stood for a
        token that was an HMAC of the user id under a key derived from LEDGER_PII_KEY:
        anyone holding that key could compute it, so it names no token record and never
        authenticates again (see README, "Rotating tokens and keys")."""

        user_id: str
        token_id: str | None
        actor: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["token_id"] = None

    @event(Issued)
    def __init__(self, id: UUID, user_id: str, token_id: str | None, actor: str):
        self.user_id = user_id
        self.token_id = token_id

    @event("Rekeyed")
    def rekey(self, token_id: str, actor: str, reason: str) -> None:
        """The configured bootstrap token, seen before, made current again under a new record."""
        self.token_id = token_id


class BootstrapAdmin(Aggregate):
    """Which user holds LEDGER_BOOTSTRAP_ADMIN_TOKEN and under which credential. Its id is
    fixed, so workers starting together cannot appoint two, or re-key twice."""

    @event("Appointed")
    def __init__(self, id: UUID, user_id: str, credential_id: UUID, token_id: str, actor: str, reason: str):
        self.user_id = user_id
        self.credential_id = credential_id
        self.token_id = token_id

    @event("Rekeyed")
    def rekey(self, user_id: str, credential_id: UUID, token_id: str, actor: str, reason: str) -> None:
        self.user_id = user_id
        self.credential_id = credential_id
        self.token_id = token_id
