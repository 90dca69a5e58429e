"""Who is calling: a token checked against the store, and remembered only briefly.

A token's worth can change in another process at any moment (revoked, its user
deactivated), so what this process remembers of a check is trusted for FRESH_S only,
counted from before the store was read: any change committed later than that read is
seen by the first check after FRESH_S, in every process, with no message between them.
Within that half second a busy token is answered from memory, on the event loop."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from time import monotonic
from uuid import UUID

from ..access import Actor
from ..domain.ids import credential_aggregate_id
from ..domain.users import Credential, User, token_hash
from ..errors import NotFound, Unauthenticated
from .core import LedgerCore

# Well under the contract's one second, leaving room for a request already in flight.
FRESH_S = 0.5
# Every valid token in use fits many times over; a flood of valid tokens only evicts early.
MAX_SESSIONS = 10_000
NOT_VALID = "the token is not valid (unknown, expired or revoked, or its user is deactivated)"


@dataclass(frozen=True)
class _Session:
    actor: Actor
    expires_at: dt.datetime | None
    checked: float  # monotonic() before the store was read


class Authentication(LedgerCore):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sessions: dict[str, _Session] = {}
        self._sessions_lock = threading.Lock()
        # Bumped whenever this process changes a user's tokens: a check that began before
        # the change must not remember what it read.
        self._generation = 0

    @property
    def sessions_generation(self) -> int:
        """Moves on whenever this process changes a user's tokens: a check begun before cannot
        answer for a request that came after."""
        return self._generation

    def now(self) -> dt.datetime:
        """UTC now, by the ledger's clock."""
        return self.clock.now()

    def known_actor(self, token: str | None) -> Actor | None:
        """The caller behind a token checked within FRESH_S and not expired since; no I/O."""
        if not token:
            return None
        session = self._sessions.get(token_hash(token))
        if session is None or monotonic() - session.checked > FRESH_S:
            return None
        if session.expires_at is not None and self.now() >= session.expires_at:
            return None
        return session.actor

    def authenticate(self, token: str | None) -> Actor:
        if not token:
            raise Unauthenticated("send Authorization: Bearer <token>")
        digest = token_hash(token)
        checked, generation = monotonic(), self._generation
        try:
            credential = self.load(Credential, credential_aggregate_id(digest), "credential")
            user = self.load(User, UUID(credential.user_id), "user")
        except NotFound:  # a store that is down is not a bad token: that error goes on up
            raise Unauthenticated(NOT_VALID) from None
        if not user.token_valid(credential.token_id, self.now()):
            raise Unauthenticated(NOT_VALID)
        actor = Actor(str(user.id), user.name, frozenset(user.roles), tuple(user.regions))
        self._remember(digest, _Session(actor, user.tokens[credential.token_id]["expires_at"], checked), generation)
        return actor

    def _remember(self, digest: str, session: _Session, generation: int) -> None:
        with self._sessions_lock:
            if generation != self._generation:
                return
            if len(self._sessions) >= MAX_SESSIONS:
                now = monotonic()
                self._sessions = {d: s for d, s in self._sessions.items() if now - s.checked <= FRESH_S}
                if len(self._sessions) >= MAX_SESSIONS:
                    self._sessions = {}
            self._sessions[digest] = session

    def forget_sessions(self, user_id: str) -> None:
        """After this process changed a user's tokens: its next request is checked again."""
        with self._sessions_lock:
            self._generation += 1
            self._sessions = {d: s for d, s in self._sessions.items() if s.actor.user_id != user_id}
