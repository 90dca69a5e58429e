"""Claims: one claim (ready-made bytes from the read model, or as it stood at a position),
its events, and the filtered list."""
from __future__ import annotations

import datetime as dt

import orjson

from ledger.access import READ_CLAIMS, Actor
from ledger.domain.claim import Claim
from ledger.errors import NotFound, ValidationFailed
from ledger.identifiers import normalize_credit_code, normalize_identity_number
from ledger.limits import check_date_range
from ledger.regions import validate_region
from ledger.service.core import parse_uuid
from ledger.views import claim_view

from . import asof
from .core import ReadsCore
from .ready import Ready


class ClaimReads(ReadsCore):
    def _claim_row(self, actor: Actor, claim_id: str) -> dict:
        actor.require_role(*READ_CLAIMS)
        row = self.view.claim_row(str(parse_uuid(claim_id, "claim")))
        if row is None:
            raise NotFound(f"claim {claim_id} not found")
        actor.require_region(row["region"])
        return row

    async def claim(self, actor: Actor, claim_id: str) -> Ready:
        """GET /v1/claims/{id}: the claim's answer as the projector stored it (masked, with its
        version), once the read models hold every acknowledged write: on the event loop, one
        indexed row fetch, no decoding."""
        await self.consistency.wait_async()
        row = self._claim_row(actor, claim_id)
        doc = row["doc"]
        return Ready(doc if isinstance(doc, bytes) else doc.encode(), row["version"])

    def claim_at(self, actor: Actor, claim_id: str, as_of: str | None, as_of_position: int | None) -> dict:
        """The claim as it stood at `as_of` / `as_of_position`: its version then comes from the
        indexed claim events and the claim is loaded at that version (its own few events, never
        the log); a claim not yet submitted then is 404."""
        moment = asof.check(as_of, as_of_position)
        self.wait_consistent()
        row = self._claim_row(actor, claim_id)
        position = self.position(moment, as_of_position)
        version = self.view.claim_version_at(row["claim_id"], position)
        if version is None:
            raise NotFound(f"claim {claim_id} not found as of position {position}")
        claim = self.app.repository.get(parse_uuid(row["claim_id"], "claim"), version=version)
        if not isinstance(claim, Claim):
            raise NotFound(f"claim {claim_id} not found")
        return claim_view(claim)

    def claim_events(self, actor: Actor, claim_id: str) -> dict:
        self.wait_consistent()
        row = self._claim_row(actor, claim_id)
        rows = self.view.claim_events(row["claim_id"])
        items = [{"position": r["position"], "version": r["version"], "type": r["type"],
                  "recorded_at": r["recorded_at"], "actor": r["actor"], "data": orjson.loads(r["data"])}
                 for r in rows]
        return {"items": items, "next_cursor": None}

    def claims(self, actor: Actor, *, status: str | None, program: str | None, region: str | None,
               applicant_id: str | None, fund_id: str | None, submitted_from: str | None, submitted_to: str | None,
               after: tuple[int, int] | None, limit: int, sort: str = "submitted",
               beneficiary_id: str | None = None,
               header_applicant_id: str | None = None) -> tuple[list[dict], tuple[int, int] | None]:
        """A page of claims in the order `sort` names (by default the order they began in),
        and the (sort key, first position) to continue after (None: the last page).
        The applicant may be given twice (`applicant_id` and the X-Applicant-Id header): both
        filters apply, as every filter does, so two different applicants match no claim."""
        actor.require_role(*READ_CLAIMS)
        filters = {"status": status, "program": program, "fund_id": fund_id,
                   "region": validate_region(region) if region is not None else None,
                   "submitted_from": _time_bound(submitted_from, "submitted_from", end=False),
                   "submitted_to": _time_bound(submitted_to, "submitted_to", end=True)}
        refs = {self.ledger.pii.ref(_party_id(value, field)) for value, field in (
            (applicant_id, "applicant_id"), (header_applicant_id, "X-Applicant-Id")) if value is not None}
        if len(refs) > 1:
            return [], None
        if refs:
            filters["applicant_ref"] = refs.pop()
        if beneficiary_id is not None:
            filters["beneficiary_ref"] = self.ledger.pii.ref(
                normalize_identity_number(beneficiary_id, field="X-Beneficiary-Id"))
        self.wait_consistent()
        rows = self.view.claims(filters=filters, scopes=actor.regions, sort=sort, after=after, limit=limit + 1)
        items = [orjson.loads(r["doc"]) for r in rows[:limit]]
        last = rows[limit - 1] if len(rows) > limit else None
        return items, ((last["sort_key"], last["first_position"]) if last is not None else None)


def _time_bound(value: str | None, field: str, end: bool) -> str | None:
    """A date or an RFC 3339 time, as the UTC text the read model orders by."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min,
                                         tzinfo=dt.timezone(dt.timedelta(hours=8)))
        else:
            moment = asof.parse_moment(value, field)  # RFC 3339 with a zone, read as as_of is
    except ValueError:
        raise ValidationFailed(f"{field} must be a date or an RFC 3339 time with a zone", field=field) from None
    check_date_range(moment.date(), field=field)  # far dates would overflow on the way to UTC
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _party_id(value: str, field: str = "applicant_id") -> str:
    """Applicants are filtered by their id, whichever kind: a person's or a credit code."""
    try:
        return normalize_identity_number(value, field=field)
    except ValidationFailed:
        return normalize_credit_code(value, field=field)
