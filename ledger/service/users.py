"""Users, tokens and authentication."""
from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID, uuid4

from ..access import Actor
from ..domain.ids import credential_aggregate_id
from ..domain.users import ROLES, Credential, User, token_hash
from ..errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from ..regions import COUNTRY, validate_region
from .core import Idem, LedgerCore, Outcome, command, require_text


class UserCommands(LedgerCore):
    _actors: dict[str, Actor]

    def _issue_token(self, user_id: str) -> str:
        # Derived, not stored: a repeated POST /users can answer with the same token while
        # the store holds only the token's hash.
        key = hmac.new(self.pii.keyed_digest(b"ledger/tokens").encode(), user_id.encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(key.digest()).decode().rstrip("=")

    @command
    def create_user(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")
        name = require_text(request.get("name"), field="name")
        roles = request.get("roles")
        if not isinstance(roles, list) or not roles or any(r not in ROLES for r in roles):
            raise ValidationFailed(f"roles must be a non-empty list of {', '.join(ROLES)}", field="roles")
        regions = request.get("regions")
        if not isinstance(regions, list) or not regions:
            raise ValidationFailed("regions must be a non-empty list of region codes", field="regions")
        regions = [validate_region(r, field="regions") for r in regions]
        user_id = str(uuid4())
        token = self._issue_token(user_id)

        def command(uow):
            user = uow.add(User(id=UUID(user_id), name=name, roles=sorted(set(roles)), regions=sorted(set(regions)),
                                actor=actor.user_id))
            uow.add(Credential(id=credential_aggregate_id(token_hash(token)), user_id=user_id, actor=actor.user_id))
            return Outcome(True, {"user_id": user_id, "name": user.name, "roles": user.roles,
                                  "regions": user.regions})

        outcome, _ = self._run(actor.user_id, idem, command)
        # The token is re-derived rather than kept in the idempotency record.
        return Outcome(outcome.created, {**outcome.body, "token": self._issue_token(outcome.body["user_id"])})

    def ensure_admin(self, token: str, name: str = "bootstrap admin") -> str:
        """Create (or keep) the admin holding `token`; safe when several processes race."""
        credential_id = credential_aggregate_id(token_hash(token))

        def command(uow):
            credential = uow.find(Credential, credential_id)
            if credential is not None:
                return Outcome(False, {"user_id": credential.user_id})
            user = uow.add(User(id=uuid4(), name=name, roles=["admin"], regions=[COUNTRY], actor="system"))
            uow.add(Credential(id=credential_id, user_id=str(user.id), actor="system"))
            return Outcome(True, {"user_id": str(user.id)})

        try:
            outcome, _ = self._run("system", None, command)
        except Conflict:
            return self.authenticate(token).user_id
        return outcome.body["user_id"]

    def known_actor(self, token: str | None) -> Actor | None:
        """The caller behind a token this process has authenticated before; no I/O."""
        return self._actors.get(token_hash(token)) if token else None

    def authenticate(self, token: str | None) -> Actor:
        if not token:
            raise Unauthenticated("send Authorization: Bearer <token>")
        digest = token_hash(token)
        actor = self._actors.get(digest)
        if actor is None:
            try:
                credential = self.load(Credential, credential_aggregate_id(digest), "credential")
                user = self.load(User, UUID(credential.user_id), "user")
            except NotFound:  # a store that is down is not a bad token: that error goes on up
                raise Unauthenticated("the token is not valid") from None
            actor = Actor(str(user.id), user.name, frozenset(user.roles), tuple(user.regions))
            self._actors[digest] = actor  # users do not change once registered
        return actor

    def user_view(self, actor: Actor) -> dict:
        return {"user_id": actor.user_id, "name": actor.name, "roles": sorted(actor.roles),
                "regions": list(actor.regions)}
