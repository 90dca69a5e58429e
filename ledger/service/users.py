"""Users' own tokens (rotation, revocation), revocation by an admin, the user document, and
the bootstrap admin. Changes of who may act (new users, roles, reactivation, tokens for
another user, deactivation) are in ledger/service/user_changes.py. An admin manages only
users whose regions all lie within its own; anyone may rotate or revoke their own tokens."""
from __future__ import annotations

import datetime as dt
from uuid import UUID, uuid4

from ..access import Actor
from ..domain.ids import credential_aggregate_id
from ..domain.users import (BOOTSTRAP_ADMIN_ID, BootstrapAdmin, Credential, User, check_token_sha256, new_token,
                            token_hash)
from ..errors import Conflict, Duplicate, InvalidState, NotFound, ValidationFailed
from ..regions import COUNTRY
from ..views import user_view, utc_text
from .authentication import Authentication
from .core import Idem, Outcome, command, parse_uuid
from .later import always, then

DEFAULT_TOKEN_TTL = dt.timedelta(days=90)
BOOTSTRAP_TOKEN_CHANGED = "LEDGER_BOOTSTRAP_ADMIN_TOKEN changed"
ENSURE_ADMIN_ATTEMPTS = 5


class UserCommands(Authentication):
    token_ttl: dt.timedelta = DEFAULT_TOKEN_TTL

    def register_token(self, uow, user: User, digest: str, actor_id: str, reason: str) -> dict:
        """A token of `user`, known by its SHA-256 only, in this unit of work: its record
        (user_id, token_id, expires_at)."""
        token_id, issued = str(uuid4()), self.now()
        expires = issued + self.token_ttl
        user.issue_token(token_id=token_id, issued_at=issued, expires_at=expires, actor=actor_id, reason=reason)
        uow.add(Credential(id=credential_aggregate_id(digest), user_id=str(user.id), token_id=token_id,
                           actor=actor_id))
        return {"user_id": str(user.id), "token_id": token_id, "expires_at": utc_text(expires)}

    def _new_credential(self, uow, user: User, actor_id: str, reason: str) -> tuple[str, dict]:
        """Issue a token to `user` in this unit of work: (the token, the answer without it)."""
        token = new_token()
        # The token itself goes back to the caller only, never into an event or an idempotency record.
        return token, {**self.register_token(uow, user, token_hash(token), actor_id, reason), "token": None}

    @staticmethod
    def _with_token(outcome: Outcome, issued: dict) -> Outcome:
        """The answer with the token when this call issued it; a replay answers `"token": null`."""
        if issued and outcome.body.get("token_id") == issued["body"]["token_id"]:
            return Outcome(outcome.created, {**outcome.body, "token": issued["token"]})
        return Outcome(outcome.created, {"token": None, **outcome.body})

    def _target(self, actor: Actor, user_id: str) -> tuple[UUID, bool]:
        """The user a token command acts on, and whether it is the caller itself."""
        target = parse_uuid(actor.user_id if user_id == "me" else user_id, "user")
        own = str(target) == actor.user_id
        if not own:
            actor.require_role("admin")
        return target, own

    @command
    def issue_token(self, actor: Actor, user_id: str, request: dict, *, idem: Idem | None = None) -> Outcome:
        """A new token for oneself (rotation), shown to its owner only; with `token_sha256`,
        one the caller made, registered by its hash. For another user, a change that takes
        two admins (ledger/service/user_changes.py). `revoke_others` ends every other one."""
        target, own = self._target(actor, user_id)
        if not own:
            # A change of who may act: UserChangeCommands.propose_token (ledger/service/user_changes.py).
            return self.propose_token(actor, target, request, idem)
        revoke_others = request.get("revoke_others", False)
        if not isinstance(revoke_others, bool):
            raise ValidationFailed("revoke_others must be true or false", field="revoke_others")
        digest = request.get("token_sha256")
        if digest is not None:
            digest = check_token_sha256(digest)
        issued: dict = {}

        def in_writer(uow):
            user = uow.get(User, target, "user")
            user.check_active()
            others = user.live_token_ids() if revoke_others else []
            if digest is None:
                token, body = self._new_credential(uow, user, actor.user_id, "rotated")
            else:
                if uow.find(Credential, credential_aggregate_id(digest)) is not None:
                    raise Duplicate("a token with this SHA-256 is already registered: make a new one")
                token, body = None, self.register_token(uow, user, digest, actor.user_id, "registered by its owner")
            for token_id in others:
                user.revoke_token(token_id=token_id, actor=actor.user_id, reason="rotated with revoke_others")
            if token is not None:
                issued.update(token=token, body=body)
            return Outcome(True, body)

        def forget() -> None:
            if revoke_others:
                self.forget_sessions(str(target))

        try:
            outcome = self._run(actor.user_id, idem, in_writer)[0]
        except BaseException:
            forget()
            raise
        if digest is not None:
            return always(outcome, forget)
        return then(always(outcome, forget), lambda outcome: self._with_token(outcome, issued))

    def revoke_token(self, actor: Actor, user_id: str, token_id: str) -> None:
        """That token stops working; revoking a revoked token changes nothing."""
        target, own = self._target(actor, user_id)

        def in_writer(uow):
            user = uow.get(User, target, "user")
            if not own:
                actor.require_regions(user.regions)
            if not user.check_token(token_id)["revoked"]:
                user.revoke_token(token_id=token_id, actor=actor.user_id, reason="revoked on request")
            return Outcome(False, {})

        try:
            done = self._run(actor.user_id, None, in_writer)
        except BaseException:
            self.forget_sessions(str(target))
            raise
        return then(always(done, lambda: self.forget_sessions(str(target))), lambda _done: None)

    def user_document(self, actor: Actor, user_id: str) -> dict:
        actor.require_role("admin")
        user = self.load(User, parse_uuid(user_id, "user"), f"user {user_id}")
        actor.require_regions(user.regions)
        return user_view(user)

    @staticmethod
    def me(actor: Actor) -> dict:
        return {"user_id": actor.user_id, "name": actor.name, "roles": sorted(actor.roles),
                "regions": list(actor.regions)}

    # The bootstrap admin -------------------------------------------------------------
    def bootstrap_actor(self) -> Actor | None:
        """The bootstrap admin as a caller, for the operator's own tools (the demo loader);
        None when the ledger has none, or it is deactivated."""
        try:
            pointer = self.load(BootstrapAdmin, BOOTSTRAP_ADMIN_ID, "bootstrap admin")
            user = self.load(User, UUID(pointer.user_id), "bootstrap admin")
        except NotFound:
            return None
        if not user.active:
            return None
        return Actor(str(user.id), user.name, frozenset(user.roles), tuple(user.regions))

    def ensure_admin(self, token: str, name: str = "bootstrap admin") -> dict:
        """Make `token` the bootstrap admin's current credential: appoint the admin on a new
        ledger, or re-key it when the configured token changed, revoking the previous one.
        Safe when several processes start together: the pointer's id is fixed, so all but
        one of them conflict and, re-run, find the work done. Returns {"user_id", "usable"}."""
        for _attempt in range(ENSURE_ADMIN_ATTEMPTS):
            try:
                return self._run("system", None, self._bootstrap_command(token, name),
                                 expect=(BOOTSTRAP_ADMIN_ID, credential_aggregate_id(token_hash(token))))[0].body
            except Conflict:
                continue
        raise Conflict("could not settle the bootstrap admin: other processes kept changing it")

    def _bootstrap_command(self, token: str, name: str):
        credential_id = credential_aggregate_id(token_hash(token))
        token_id, new_user_id, now = str(uuid4()), uuid4(), self.now()

        def in_writer(uow):
            pointer = uow.find(BootstrapAdmin, BOOTSTRAP_ADMIN_ID)
            credential = uow.find(Credential, credential_id)
            if pointer is not None and pointer.credential_id == credential_id:
                # Unchanged. A revocation or deactivation made since stands: only a new value undoes it.
                user = uow.get(User, UUID(pointer.user_id), "bootstrap admin")
                return Outcome(False, {"user_id": pointer.user_id, "usable": user.token_valid(pointer.token_id, now)})
            previous = uow.get(User, UUID(pointer.user_id), "bootstrap admin") if pointer is not None else None
            holder = previous if previous is not None and previous.active else None
            if pointer is None and credential is not None and credential.token_id is None:
                # A ledger from before random tokens whose bootstrap admin holds this very token.
                legacy = uow.find(User, UUID(credential.user_id))
                if legacy is not None and legacy.active and "admin" in legacy.roles and COUNTRY in legacy.regions:
                    holder = legacy
            if credential is not None and (holder is None or credential.user_id != str(holder.id)):
                raise InvalidState("LEDGER_BOOTSTRAP_ADMIN_TOKEN was a token of another user, or of a deactivated "
                                   "one; set a new value (ledger keygen)")
            if holder is None:
                holder = uow.add(User(id=new_user_id, name=name, roles=["admin"], regions=[COUNTRY], actor="system"))
            if previous is not None and pointer.token_id in previous.live_token_ids():
                previous.revoke_token(token_id=pointer.token_id, actor="system", reason=BOOTSTRAP_TOKEN_CHANGED)
            holder.issue_token(token_id=token_id, issued_at=now, expires_at=None, actor="system",
                               reason="LEDGER_BOOTSTRAP_ADMIN_TOKEN")
            if credential is None:
                uow.add(Credential(id=credential_id, user_id=str(holder.id), token_id=token_id, actor="system"))
            else:
                credential.rekey(token_id=token_id, actor="system", reason="LEDGER_BOOTSTRAP_ADMIN_TOKEN")
            if pointer is None:
                uow.add(BootstrapAdmin(id=BOOTSTRAP_ADMIN_ID, user_id=str(holder.id), credential_id=credential_id,
                                       token_id=token_id, actor="system", reason="LEDGER_BOOTSTRAP_ADMIN_TOKEN"))
            else:
                pointer.rekey(user_id=str(holder.id), credential_id=credential_id, token_id=token_id,
                              actor="system", reason=BOOTSTRAP_TOKEN_CHANGED)
            return Outcome(True, {"user_id": str(holder.id), "usable": True})

        return in_writer
