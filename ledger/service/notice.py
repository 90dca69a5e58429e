"""Objections to a claim (公示, DOMAIN.md "Public notice and objections", and "Floors,
corrections, objections, texts"): approval opens the notice (ClaimCommands.approve); an
objection received during it, after it or after payment holds payment until a reviewer
other than the approver resolves it: dismissed, payment may go once the notice has ended;
upheld, the claim is closed, its reservation released and what was paid demanded back,
and it keeps its keys."""
from __future__ import annotations

from uuid import uuid4

from ..access import Actor
from ..errors import ValidationFailed
from ..views import claim_view
from .claims import ClaimCommands
from .core import Idem, Outcome, command, require_text

OUTCOMES = ("upheld", "dismissed")


class NoticeCommands(ClaimCommands):
    @command
    def object_to_claim(self, actor: Actor, claim_id: str, request: dict, *, if_match: int | None = None,
                        idem: Idem | None = None) -> Outcome:
        actor.require_role("clerk", "reviewer")
        reason = require_text(request.get("reason"), field="reason")
        dates = self.business_dates(request)
        received_on = dates.take("received_on", default_today=True)
        objection_id = str(uuid4())

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_objection(received_on)
            claim.receive_objection(objection_id=objection_id, reason=reason, received_on=received_on,
                                    actor=actor.user_id, backdate=dates.backdate)
            return Outcome(True, {"objection_id": objection_id, **claim_view(claim)})

        return self._run(actor.user_id, idem, command)[0]

    @command
    def resolve_objection(self, actor: Actor, claim_id: str, objection_id: str, request: dict, *,
                          if_match: int | None = None, idem: Idem | None = None) -> Outcome:
        actor.require_role("reviewer")
        outcome = request.get("outcome")
        if outcome not in OUTCOMES:
            raise ValidationFailed("outcome must be upheld or dismissed", field="outcome")
        reason = require_text(request.get("reason"), field="reason")

        def command(uow):
            claim = self._claim(uow, actor, claim_id, if_match)
            claim.check_resolve(objection_id, actor.user_id)
            on = self.today()
            claim.resolve_objection(objection_id=objection_id, outcome=outcome, reason=reason, actor=actor.user_id,
                                    on=on)
            if outcome == "upheld":
                # An upheld objection ends the claim as a close does: its reservation goes back
                # to the fund in this same transaction. It keeps its once-only keys and what it
                # took of caps and person-months, so the same party cannot claim again at once
                # (F14); and what was paid and not yet demanded is demanded back by the
                # reviewer who upheld it.
                why = f"objection {objection_id} upheld: {reason}"
                owed = claim.paid_fen - claim.clawback_demanded_fen
                if owed > 0:
                    claim.demand_clawback(clawback_id=str(uuid4()), amount_fen=owed, reason=why, actor=actor.user_id)
                self.close_claim(uow, claim, why, actor.user_id, on, keep_keys=True)
            return Outcome(False, claim_view(claim))

        return self._run(actor.user_id, idem, command)[0]
