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
from ..audit.chain import GENESIS, NO_MAC, ChainCheck, merge, verify
from ..audit.seal import SealKey, SealRecord
from ..domain.ids import derived_id, fund_aggregate_id
from ..domain.chain_keying import CHAIN_KEYING_ID, ChainKeying
from ..domain.seals import ChainSeal
from ..errors import Forbidden, InvalidState, NotFound, TooManyRequests
from ..views import event_data, event_type, utc_text
from .audit_scope import EventRegions, sees_everything
from .core import PAGE, LedgerCore

READ_AUDIT = ("auditor", "admin")
SEAL_TOPIC = f"{ChainSeal.__module__}:{ChainSeal.__qualname__}.Sealed"
# Seals are events, kept forever: one a minute at most, unless an admin forces one; and an
# admin forces at most this many in any hour (counted from the log, so across processes).
MIN_SEAL_INTERVAL_S = 60
MAX_FORCED_SEALS_PER_HOUR = 6
FORCED_SEAL_WINDOW = dt.timedelta(hours=1)


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
        # When each forced seal read from the log was made, oldest first (those of the last hour).
        self._forced_seals: list[dt.datetime] = []
        # The chain and its MACs are known good up to this (position, hash), in this process:
        # a later check walks on from there (see walk_chain). One walk at a time.
        self._verified: tuple[int, str] = (0, GENESIS)
        self._walk_lock = threading.Lock()

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
                   "prev_hash": row["prev_hash"], "recorded_at": utc_text(row["recorded_at"]), "mac": row.get("mac")}

    # The chain walk -----------------------------------------------------------------------
    def walk_start(self, full: bool) -> tuple[int, str]:
        """Where a walk starts: the first event (`full`), or the last head this process found
        good, unless its chain row has changed since (then the first event too). Call with
        `_walk_lock` held."""
        start = (0, GENESIS) if full else self._verified
        if start[0]:
            row = next(iter(self.app.recorder.chain_rows(start[0] - 1, start[0])), None)
            if row is None or row["hash"] != start[1]:
                start = (0, GENESIS)  # rewritten at or before it: only a full walk says where
        return start

    def walk_chain(self, start: tuple[int, str], *, watch=(), events=None, progress=None) -> ChainCheck:
        """The public chain and its MACs on from `start` (see walk_start) to the head."""
        stored = events(start[0]) if events is not None else self.stored_events(start[0])
        pairs = merge(stored, self.app.recorder.chain_rows(start[0]))
        if progress is not None:
            pairs = _told(pairs, progress)
        return verify(pairs, watch, chain_mac=getattr(self.app.recorder, "chain_mac", None), start=start)

    def found_good(self, check: ChainCheck) -> None:
        """The next walk may start at this check's head (chain and MACs hold up to it)."""
        if check.ok and check.macs_ok is not False and check.head_position >= self._verified[0]:
            self._verified = (check.head_position, check.head_hash)

    def verified_head(self) -> tuple[int, str]:
        """The head, once the chain and every MAC up to it hold; else InvalidState naming the
        first position that does not (nothing is sealed over it)."""
        with self._walk_lock:
            check = self.walk_chain(self.walk_start(full=False))
            if not check.ok:
                raise InvalidState(f"not sealed: the chain breaks at position {check.first_bad_position} "
                                   f"({check.problem}); run `ledger verify`")
            if check.macs_ok is False:
                raise InvalidState(f"not sealed: the event at position {check.first_bad_mac} has no valid MAC "
                                   f"({NO_MAC}); run `ledger verify`")
            self.found_good(check)
            return check.head_position, check.head_hash

    def record_chain_keying(self, actor: str, *, adopted: dict | None = None, rotated: dict | None = None) -> int:
        """Record the keyed chain's adoption (once) or a change of its key; its log position."""
        def in_writer(uow):
            keying = uow.find(ChainKeying, CHAIN_KEYING_ID)
            if adopted is not None:
                if keying is not None:
                    raise InvalidState("the keyed chain was adopted already")
                uow.add(ChainKeying(id=CHAIN_KEYING_ID, actor=actor, **adopted))
            else:
                if keying is None:
                    keying = uow.add(ChainKeying(id=CHAIN_KEYING_ID, actor=actor, through_position=0,
                                                 sealed_position=None, after_seal=0, macs_written=0))
                keying.rotate(actor=actor, **rotated)

        _, position = self.writer.execute(in_writer, expect=(CHAIN_KEYING_ID,))
        return position

    def chain_keying(self):
        """The keyed chain's history aggregate, None before any adoption or rotation."""
        try:
            return self.load(ChainKeying, CHAIN_KEYING_ID, "chain keying")
        except NotFound:
            return None

    # Seals -------------------------------------------------------------------------------
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
        if force and isinstance(actor, Actor):
            self._refuse_if_forced_too_often(now)
        position, head_hash = self.verified_head()
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

    def _refuse_if_forced_too_often(self, now: dt.datetime) -> None:
        with self._seals_lock:
            recent = [t for t in self._forced_seals if t > now - FORCED_SEAL_WINDOW]
        if len(recent) >= MAX_FORCED_SEALS_PER_HOUR:
            wait_s = (recent[-MAX_FORCED_SEALS_PER_HOUR] + FORCED_SEAL_WINDOW - now).total_seconds()
            raise TooManyRequests(f"{len(recent)} seals were forced in the last hour; at most "
                                  f"{MAX_FORCED_SEALS_PER_HOUR} may be (seals are kept forever)",
                                  retry_after_s=max(1, int(wait_s + 0.999)))

    def _latest_seal_event(self):
        """The newest readable seal of the log, read from the log (so every process agrees);
        remembered, so the next look reads only the seals recorded after it. A seal whose id is
        not the one derived from the seal before it was forced: their times are kept for the
        hourly bound."""
        with self._seals_lock:
            for stored in self.stored_events(after=self._seals_read_to, topics=(SEAL_TOPIC,)):
                self._seals_read_to = stored.id
                try:
                    event = self.app.mapper.to_domain_event(stored)
                except Exception:
                    continue  # an undecodable seal: /audit/verify names it
                previous = self._latest_seal[1].originator_id if self._latest_seal else None
                if event.originator_id != seal_id_after(previous):
                    self._note_forced(event.sealed_at)
                self._latest_seal = (stored.id, event)
            return self._latest_seal[1] if self._latest_seal else None

    def _note_forced(self, sealed_at: str) -> None:
        try:
            when = dt.datetime.fromisoformat(sealed_at.replace("Z", "+00:00"))
        except ValueError:
            return
        self._forced_seals.append(when)
        cutoff = max(self._forced_seals) - FORCED_SEAL_WINDOW
        self._forced_seals = sorted(t for t in self._forced_seals if t > cutoff)

    def latest_seal(self) -> dict | None:
        e = self._latest_seal_event()
        if e is None:
            return None
        return {"position": e.position, "hash": e.hash, "sealed_at": e.sealed_at, "signature": e.signature,
                "public_key": e.public_key, "recorded_at_position": self._latest_seal[0]}


def _told(pairs, progress):
    """`pairs`, telling `progress(position)` every PAGE of them."""
    for count, pair in enumerate(pairs, 1):
        if count % PAGE == 0:
            progress(pair[0])
        yield pair
