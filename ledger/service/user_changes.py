"""Two admins for every change of who may act (API.md, "◆ Insiders and time").

Creating a user, changing a user's roles or regions, reactivating a user and registering a
token for another user are proposed by one admin and take effect only when another admin,
whose regions cover the change and who is neither its proposer nor the user it changes,
confirms it. Tokens for another user are registered by their SHA-256, made by the person
on their own machine (`ledger token new`): no admin ever holds a token of anyone else, so
no admin alone can make an identity, or confirm a change under a second one.

The bootstrap admin (the operator's root, from the environment) makes these changes alone,
to appoint the first admins. Who is acting is read again in the writer, as the store holds
it then (still an active admin, still covering the change), not as the token said up to
half a second earlier; and every change is recorded on the one register, so changes made at
the same moment in two processes are run one after the other."""
from __future__ import annotations

from uuid import UUID, uuid4

from ..access import Actor
from ..domain.ids import credential_aggregate_id
from ..domain.user_changes import (CREATE, DEACTIVATE, REACTIVATE, ROLES, STATUSES, TOKEN, USER_CHANGES_ID,
                                   UserChanges)
from ..domain.users import (BOOTSTRAP_ADMIN_ID, ROLES as ROLE_NAMES, BootstrapAdmin, Credential, User,
                            check_token_sha256)
from ..errors import Duplicate, Forbidden, InvalidState, NotFound, ValidationFailed
from ..regions import validate_region
from ..views import user_view
from .core import Idem, Outcome, command, parse_uuid, require_text
from .later import then
from .users import UserCommands

MAX_CHANGES_PAGE = 1000


def _roles(value: object) -> list[str]:
    if not isinstance(value, list) or not value or any(r not in ROLE_NAMES for r in value):
        raise ValidationFailed(f"roles must be a non-empty list of {', '.join(ROLE_NAMES)}", field="roles")
    return sorted(set(value))


def _regions(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationFailed("regions must be a non-empty list of region codes", field="regions")
    return sorted({validate_region(r, field="regions") for r in value})


class UserChangeCommands(UserCommands):
    # Proposals ---------------------------------------------------------------------------
    @command
    def create_user(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        """A new user with roles, regions and one token registered by its hash: proposed, or
        made at once by the bootstrap admin."""
        actor.require_role("admin")
        name = require_text(request.get("name"), field="name")
        roles, regions = _roles(request.get("roles")), _regions(request.get("regions"))
        digest = check_token_sha256(request.get("token_sha256"))
        reason = require_text(request.get("reason"), field="reason", optional=True)
        actor.require_regions(regions, "the new user")
        details = {"name": name, "roles": roles, "regions": regions, "token_sha256": digest, "reason": reason}
        return self._change(actor, idem, CREATE, str(uuid4()), details)

    @command
    def change_roles(self, actor: Actor, user_id: str, request: dict, *, idem: Idem | None = None) -> Outcome:
        """New roles and regions for a user (they replace the old ones)."""
        actor.require_role("admin")
        target = parse_uuid(user_id, "user")
        details = {"roles": _roles(request.get("roles")), "regions": _regions(request.get("regions")),
                   "reason": require_text(request.get("reason"), field="reason", optional=True)}
        actor.require_regions(details["regions"], "the user's new regions")
        return self._change(actor, idem, ROLES, str(target), details)

    @command
    def reactivate_user(self, actor: Actor, user_id: str, request: dict, *, idem: Idem | None = None) -> Outcome:
        """A deactivated user active again: its old tokens stay revoked; `token_sha256`
        registers a new one with the reactivation."""
        actor.require_role("admin")
        target = parse_uuid(user_id, "user")
        details = {"reason": require_text(request.get("reason"), field="reason")}
        if request.get("token_sha256") is not None:
            details["token_sha256"] = check_token_sha256(request.get("token_sha256"))
        return self._change(actor, idem, REACTIVATE, str(target), details)

    def propose_token(self, actor: Actor, target: UUID, request: dict, idem: Idem | None) -> Outcome:
        """A token for another user, registered by its hash (UserCommands.issue_token)."""
        actor.require_role("admin")
        revoke_others = request.get("revoke_others", False)
        if not isinstance(revoke_others, bool):
            raise ValidationFailed("revoke_others must be true or false", field="revoke_others")
        if request.get("token_sha256") is None:
            raise ValidationFailed("a token for another user is registered by its hash: send token_sha256, the "
                                   "SHA-256 the person made with their token (ledger token new)",
                                   field="token_sha256")
        details = {"token_sha256": check_token_sha256(request.get("token_sha256")), "revoke_others": revoke_others,
                   "reason": require_text(request.get("reason"), field="reason", optional=True)}
        return self._change(actor, idem, TOKEN, str(target), details)

    def _change(self, actor: Actor, idem: Idem | None, kind: str, user_id: str, details: dict) -> Outcome:
        change_id = str(uuid4())

        def in_writer(uow):
            acting, alone = self.acting_admin(uow, actor)
            if alone and user_id == actor.user_id:
                # Alone, the root could demote itself and leave no one to appoint admins.
                raise Forbidden("the bootstrap admin's own roles and regions are the operator's: they do not change")
            user = self._user_for(uow, kind, user_id)
            regions = self._reach(kind, user, details)
            acting.require_regions(regions, "the change")
            self._check_applies(uow, kind, user, details)
            # Only now, every check passed: a refused command must leave nothing behind.
            register = self._register(uow, actor.user_id)
            if not alone:
                register.propose(change_id=change_id, kind=kind, user_id=user_id, regions=regions, details=details,
                                 actor=actor.user_id)
                return Outcome(False, self.user_change_document(register.changes[change_id]))
            register.apply_alone(change_id=change_id, kind=kind, user_id=user_id, regions=regions,
                                 details=details, actor=actor.user_id)
            user, token = self._put_in_force(uow, kind, user_id, user, details, actor.user_id, change_id)
            return Outcome(kind in (CREATE, TOKEN), self._in_force_answer(register.changes[change_id], user, token))

        return self._forget_after(self._run(actor.user_id, idem, in_writer)[0])

    @command
    def deactivate_user(self, actor: Actor, user_id: str, request: dict, *, idem: Idem | None = None) -> Outcome:
        """Every token of the user stops working; the user and its past actions remain.
        One admin suffices (it takes power away), but never on itself. Nor can it leave a
        region without an active admin: the deactivating admin is read again in the writer
        (still active, still covering every region of the user) and is not the user, so it
        remains one; and the deactivation is recorded on the register of user changes, so two
        admins deactivating each other at the same moment, in any processes, are run one
        after the other and the second is refused."""
        actor.require_role("admin")
        reason = require_text(request.get("reason"), field="reason")
        target = parse_uuid(user_id, "user")
        if str(target) == actor.user_id:
            raise Forbidden("an admin does not deactivate itself: another admin does")
        change_id = str(uuid4())

        def in_writer(uow):
            user = uow.get(User, target, "user")
            actor.require_regions(user.regions)
            acting, _alone = self.acting_admin(uow, actor)
            acting.require_regions(user.regions)
            user.check_active()
            self._register(uow, actor.user_id).apply_alone(  # after every check
                change_id=change_id, kind=DEACTIVATE, user_id=str(target), regions=list(user.regions),
                details={"reason": reason}, actor=actor.user_id)
            user.deactivate(actor=actor.user_id, reason=reason)
            return Outcome(False, user_view(user))

        try:
            return self._run(actor.user_id, idem, in_writer)[0]
        finally:
            self.forget_sessions(str(target))

    # Deciding ----------------------------------------------------------------------------
    @command
    def confirm_user_change(self, actor: Actor, change_id: str, *, idem: Idem | None = None) -> Outcome:
        actor.require_role("admin")

        def in_writer(uow):
            register = self._existing_register(uow, change_id)
            # Who may act on it before what state it is in: another region's admin learns nothing.
            actor.require_regions(register.change(change_id)["regions"], "the change")
            acting, _alone = self.acting_admin(uow, actor)
            change = register.proposed_change(change_id)
            if change["proposed_by"] == actor.user_id:
                raise Forbidden("a change of who may act takes effect only when an admin other than its proposer "
                                "confirms it")
            if change["user_id"] == actor.user_id:
                raise Forbidden("a change to an admin's own user is confirmed by another admin")
            kind, user_id, details = change["kind"], change["user_id"], change["details"]
            user = self._user_for(uow, kind, user_id)
            acting.require_regions(self._reach(kind, user, details), "the change")
            self._check_applies(uow, kind, user, details)
            register.confirm(change_id=change_id, actor=actor.user_id)
            user, token = self._put_in_force(uow, kind, user_id, user, details, actor.user_id, change_id)
            return Outcome(False, self._in_force_answer(register.changes[change_id], user, token))

        return self._forget_after(self._run(actor.user_id, idem, in_writer)[0])

    @command
    def reject_user_change(self, actor: Actor, change_id: str, request: dict, *,
                           idem: Idem | None = None) -> Outcome:
        """Any admin whose regions cover the change, its proposer too (a withdrawal)."""
        actor.require_role("admin")
        reason = require_text(request.get("reason"), field="reason")

        def in_writer(uow):
            register = self._existing_register(uow, change_id)
            actor.require_regions(register.change(change_id)["regions"], "the change")
            self.acting_admin(uow, actor)
            register.proposed_change(change_id)
            register.reject(change_id=change_id, reason=reason, actor=actor.user_id)
            return Outcome(False, self.user_change_document(register.changes[change_id]))

        return self._run(actor.user_id, idem, in_writer)[0]

    # Reads -------------------------------------------------------------------------------
    def user_changes(self, actor: Actor, status: str | None = None, after: int | None = None,
                     limit: int = 100) -> tuple[list[dict], int | None]:
        """Changes whose regions all lie within the caller's, in the order proposed; the
        page and the `seq` to continue after (None: no more)."""
        actor.require_role("admin")
        if status is not None and status not in STATUSES:
            raise ValidationFailed(f"status must be one of {', '.join(STATUSES)}", field="status")
        try:
            register = self.load(UserChanges, USER_CHANGES_ID, "user changes")
        except NotFound:
            return [], None
        items = [self.user_change_document(c) for c in register.changes.values()
                 if (after is None or c["seq"] > after) and (status is None or c["status"] == status)
                 and actor.covers_all(c["regions"])]
        page = items[:min(limit, MAX_CHANGES_PAGE)]
        return page, (page[-1]["seq"] if len(items) > len(page) else None)

    @staticmethod
    def user_change_document(change: dict) -> dict:
        return {k: v for k, v in change.items() if k != "details"} | {
            k: change["details"].get(k) for k in ("name", "roles", "token_sha256", "revoke_others", "reason")
            if k in change["details"]} | {"new_regions": change["details"].get("regions")}

    # In the writer -----------------------------------------------------------------------
    def acting_admin(self, uow, actor: Actor) -> tuple[Actor, bool]:
        """The caller as the store holds it now: an active admin (else 403), with its
        current roles and regions; and whether it is the bootstrap admin."""
        try:
            user = uow.find(User, UUID(actor.user_id))
        except ValueError:
            user = None
        if user is None or not user.active or "admin" not in user.roles:
            raise Forbidden("this needs an active admin")
        pointer = uow.find(BootstrapAdmin, BOOTSTRAP_ADMIN_ID)
        current = Actor(actor.user_id, user.name, frozenset(user.roles), tuple(user.regions))
        return current, pointer is not None and pointer.user_id == actor.user_id

    def _register(self, uow, actor_id: str) -> UserChanges:
        register = uow.find(UserChanges, USER_CHANGES_ID)
        return register if register is not None else uow.add(UserChanges(id=USER_CHANGES_ID, actor=actor_id))

    @staticmethod
    def _existing_register(uow, change_id: str) -> UserChanges:
        register = uow.find(UserChanges, USER_CHANGES_ID)
        if register is None:
            raise NotFound(f"no user change {change_id}")
        return register

    @staticmethod
    def _user_for(uow, kind: str, user_id: str) -> User | None:
        if kind == CREATE:
            return None
        return uow.get(User, UUID(user_id), f"user {user_id}")

    @staticmethod
    def _reach(kind: str, user: User | None, details: dict) -> list[str]:
        """Every region the change reaches: the user's, before and after."""
        return sorted(set(user.regions if user is not None else []) | set(details.get("regions", [])))

    @staticmethod
    def _check_applies(uow, kind: str, user: User | None, details: dict) -> None:
        """Whether the change can be put in force now (checked when proposed, and again
        when confirmed)."""
        if kind == REACTIVATE:
            if user.active:
                raise InvalidState("the user is active")
        elif user is not None:
            user.check_active()
        digest = details.get("token_sha256")
        if digest is not None and uow.find(Credential, credential_aggregate_id(digest)) is not None:
            raise Duplicate("a token with this SHA-256 is already registered: the person makes a new one "
                            "(ledger token new)")

    def _put_in_force(self, uow, kind: str, user_id: str, user: User | None, details: dict, actor_id: str,
                      change_id: str) -> tuple[User, dict | None]:
        reason = f"user change {change_id}" + (f": {details['reason']}" if details.get("reason") else "")
        token = None
        if kind == CREATE:
            user = uow.add(User(id=UUID(user_id), name=details["name"], roles=details["roles"],
                                regions=details["regions"], actor=actor_id))
        elif kind == ROLES:
            user.change_roles(roles=details["roles"], regions=details["regions"], actor=actor_id, reason=reason)
        elif kind == REACTIVATE:
            for token_id in user.live_token_ids():
                user.revoke_token(token_id=token_id, actor=actor_id, reason=f"{reason} (tokens from before stay "
                                                                              "revoked)")
            user.reactivate(actor=actor_id, reason=reason)
        elif kind == TOKEN and details.get("revoke_others"):
            others = user.live_token_ids()
            token = self.register_token(uow, user, details["token_sha256"], actor_id, reason)
            for token_id in others:
                user.revoke_token(token_id=token_id, actor=actor_id, reason=f"{reason} (revoke_others)")
            return user, token
        if details.get("token_sha256") is not None:
            token = self.register_token(uow, user, details["token_sha256"], actor_id, reason)
        return user, token

    @staticmethod
    def _in_force_answer(change: dict, user: User, token: dict | None) -> dict:
        answer = {"change_id": change["change_id"], "kind": change["kind"], "status": change["status"],
                  **user_view(user)}
        if token is not None:
            answer.update(token_id=token["token_id"], expires_at=token["expires_at"])
        return answer

    def _forget_after(self, outcome):
        """Once durable: this process forgets what it remembered of the changed user (its
        roles, or tokens a reactivation or revoke_others ended)."""
        def forget(done: Outcome) -> Outcome:
            if done.body.get("status") == "in_force":
                self.forget_sessions(done.body["user_id"])
            return done

        return then(outcome, forget)
