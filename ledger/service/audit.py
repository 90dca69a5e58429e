"""What auditors ask of the ledger: the events of their regions with their chain hashes,
and the head sealed with a key the database never holds. Verification is in
verification.py."""
from __future__ import annotations

import base64
import datetime as dt
import threading
from collections.abc import Iterator
from uuid import UUID, uuid4

from ..access import Actor
from ..audit.chain import GENESIS, merge
from ..audit.seal import SealKey, SealRecord
from ..domain.ids import derived_id, fund_aggregate_id
from ..domain.seals import ChainSeal
from ..errors import Forbidden, InvalidState, TooManyRequests
from ..views import event_data, event_type, utc_text
from .audit_scope import EventRegions, sees_everything
from .core import PAGE, LedgerCore

READ_AUDIT = ("auditor", "admin")
SEAL_TOPIC = f"{ChainSeal.__module__}:{ChainSeal.__qualname__}.Sealed"
# Seals are events, kept forever: one a minute at most, unless an admin forces one.
MIN_SEAL_INTERVAL_S = 60


def seal_id_after(previous: UUID | None) -> UUID:
    """The id a seal made after `previous` (None: the first) takes. Two processes sealing at
    once after the same seal create the same id: the store accepts only one of them, and the
    other's command is re-run, finds it and is refused. So the bound holds across processes."""
    return derived_id("seal-after", previous.hex if previous else "none")


# Data fields of events that name a fund by its code.
FUND_FIELDS = ("fund_code", "fund_id", "to_fund", "from_fund")


def _audit_filter(types: frozenset[str] | None, originator_id: str | None, fund_id: str | None):
    fund_originator = str(fund_aggregate_id(fund_id)) if fund_id else None

    def keep(record: dict) -> bool:
        if types and record["type"] not in types:
            return False
        if originator_id and record["originator_id"] != originator_id:
            return False
        if fund_id:
            data = record.get("data") or {}
            return record["originator_id"] == fund_originator or any(data.get(k) == fund_id for k in FUND_FIELDS)
        return True
    return keep


class AuditCommands(LedgerCore):
    seal_key: SealKey | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._event_regions = EventRegions(self.app.mapper.to_domain_event, self.app.recorder.first_events)
        # The newest seal read from the log, and the position read up to (see _latest_seal_event).
        self._seals_lock = threading.Lock()
        self._seals_read_to = 0
        self._latest_seal: tuple[int, object] | None = None

    # Events ------------------------------------------------------------------------------
    def audit_events(self, actor: Actor, after: int = 0, limit: int | None = None, *,
                     types: frozenset[str] | None = None, originator_id: str | None = None,
                     fund_id: str | None = None) -> Iterator[dict]:
        """The log's events from `after` on, in order: those of funds and claims (and a fund's
        bank statements) in the caller's regions; every event for a caller scoped to 000000.
        Filters (all that are given must hold; `limit` counts the events that pass): `types`,
        the event types; `originator_id`, one aggregate; `fund_id`, the fund's own events and
        those that name it (a claim's approval, a transfer's other side)."""
        actor.require_role(*READ_AUDIT)
        everything = sees_everything(actor.regions)
        keep = _audit_filter(types, originator_id, fund_id)
        count = 0
        page: list = []
        for item in merge(self.stored_events(after), self.app.recorder.chain_rows(after)):
            page.append(item)
            if len(page) == PAGE:
                for record in self._visible(actor, everything, page):
                    if not keep(record):
                        continue
                    if limit is not None and count >= limit:
                        return
                    count += 1
                    yield record
                page = []
        for record in self._visible(actor, everything, page):
            if not keep(record):
                continue
            if limit is not None and count >= limit:
                return
            count += 1
            yield record

    def _visible(self, actor: Actor, everything: bool, page: list) -> Iterator[dict]:
        decoded: dict[int, object] = {}
        regions = {} if everything else self._event_regions.regions(
            [stored for _, stored, _ in page if stored is not None], decoded)
        for position, stored, row in page:
            if stored is None:
                continue  # a chain row without its event: /audit/verify names it
            if not everything:
                region = regions.get(position)
                if region is None or not actor.may_see(region):
                    continue
            yield self._event_record(position, stored, row, decoded.get(position))

    def _event_record(self, position: int, stored, row: dict | None, domain_event=None) -> dict:
        record = {"position": position, "originator_id": str(stored.originator_id),
                  "version": stored.originator_version, "topic": stored.topic,
                  "recorded_at": utc_text(row["recorded_at"]) if row else None,
                  "hash": row["hash"] if row else None, "prev_hash": row["prev_hash"] if row else None}
        try:
            domain_event = domain_event or self.app.mapper.to_domain_event(stored)
        except Exception:
            # Listed all the same, so the log can still be paged through; /audit/verify names it.
            return {**record, "type": "undecodable", "timestamp": None, "actor": None, "data": {}}
        data = event_data(domain_event)
        return {**record, "type": event_type(domain_event), "timestamp": utc_text(domain_event.timestamp),
                "actor": data.get("actor"), "data": data}

    def export_records(self) -> Iterator[dict]:
        """Every stored event as it is kept (state in base64) with its chain hashes: what an
        auditor's standalone verifier recomputes."""
        for position, stored, row in merge(self.stored_events(), self.app.recorder.chain_rows()):
            if stored is None or row is None:
                raise InvalidState(f"the log and its chain disagree at position {position}: run ledger verify")
            oid = stored.originator_id
            yield {"position": position, "originator_id": oid.hex if hasattr(oid, "hex") else str(oid),
                   "originator_version": stored.originator_version, "topic": stored.topic,
                   "state": base64.b64encode(bytes(stored.state)).decode(), "hash": row["hash"],
                   "prev_hash": row["prev_hash"], "recorded_at": utc_text(row["recorded_at"])}

    # Seals -------------------------------------------------------------------------------
    def chain_head(self) -> tuple[int, str]:
        last = None
        for last in self.app.recorder.chain_rows(max(0, self.head_position() - 1)):
            pass
        return (last["position"], last["hash"]) if last else (0, GENESIS)

    def seal(self, actor: Actor | str = "system", *, force: bool = False,
             now: dt.datetime | None = None) -> SealRecord:
        """Sign the chain's head now and record the seal in the log: refused (429) within
        MIN_SEAL_INTERVAL_S of the latest seal unless forced; only an admin forces over the API
        (`actor` given as a name is the ledger's own: the periodic sealer, the CLI)."""
        if isinstance(actor, Actor):
            actor.require_role("admin", "auditor")
            if force and "admin" not in actor.roles:
                raise Forbidden("only an admin may force a seal")
            actor_id = actor.user_id
        else:
            actor_id = actor
        if self.seal_key is None:
            raise InvalidState("no seal key is configured (LEDGER_SEAL_KEY)")
        now = now or dt.datetime.now(dt.timezone.utc)
        latest = self._latest_seal_event()
        if latest is not None and not force:
            self._refuse_if_recent(latest.sealed_at, now)
        position, head_hash = self.chain_head()
        record = self.seal_key.seal(position, head_hash, now)
        seal_id = uuid4() if force else seal_id_after(latest.originator_id if latest else None)

        def in_writer(uow):
            if not force:
                try:
                    sealed = uow.find(ChainSeal, seal_id)
                except Exception:
                    raise InvalidState("the latest seal in the log cannot be read: run `ledger verify`; an admin "
                                       "may force a seal") from None
                if sealed is not None:  # another process sealed after the same seal meanwhile
                    self._refuse_if_recent(sealed.sealed_at, now)
                    raise TooManyRequests("the log was sealed concurrently; retry", retry_after_s=1)
            uow.add(ChainSeal(id=seal_id, actor=actor_id, **record.as_dict()))
            return record

        self._run(actor_id, None, in_writer, expect=() if force else (seal_id,))
        return record

    @staticmethod
    def _refuse_if_recent(sealed_at: str, now: dt.datetime) -> None:
        try:
            then = dt.datetime.fromisoformat(sealed_at.replace("Z", "+00:00"))
        except ValueError:
            return  # an unreadable time says nothing about pace; /audit/verify reports the seal
        wait_s = MIN_SEAL_INTERVAL_S - (now - then).total_seconds()
        if wait_s > 0:
            raise TooManyRequests(f"the log was sealed at {sealed_at}; the next seal is possible "
                                  f"{MIN_SEAL_INTERVAL_S} seconds after it", retry_after_s=max(1, int(wait_s + 0.999)))

    def _latest_seal_event(self):
        """The newest readable seal of the log, read from the log (so every process agrees);
        remembered, so the next look reads only the seals recorded after it."""
        with self._seals_lock:
            for stored in self.stored_events(after=self._seals_read_to, topics=(SEAL_TOPIC,)):
                self._seals_read_to = stored.id
                try:
                    self._latest_seal = (stored.id, self.app.mapper.to_domain_event(stored))
                except Exception:
                    continue  # an undecodable seal: /audit/verify names it
            return self._latest_seal[1] if self._latest_seal else None

    def latest_seal(self) -> dict | None:
        e = self._latest_seal_event()
        if e is None:
            return None
        return {"position": e.position, "hash": e.hash, "sealed_at": e.sealed_at, "signature": e.signature,
                "public_key": e.public_key, "recorded_at_position": self._latest_seal[0]}
