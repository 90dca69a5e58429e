"""What auditors ask of the ledger: every event with its chain hashes, the chain checked
end to end, and the head sealed with a key the database never holds."""
from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

from ..access import Actor
from ..audit.chain import GENESIS, ChainCheck, merge, verify
from ..audit.seal import SealKey, SealRecord, load_public_key, signature_valid
from ..domain.seals import ChainSeal
from ..errors import InvalidState
from ..views import event_data, event_type, utc_text
from .core import LedgerCore

READ_AUDIT = ("auditor", "admin")
SEAL_TOPIC = f"{ChainSeal.__module__}:{ChainSeal.__qualname__}.Sealed"


class AuditCommands(LedgerCore):
    seal_key: SealKey | None = None

    def audit_events(self, actor: Actor, after: int = 0, limit: int | None = None) -> Iterator[dict]:
        actor.require_role(*READ_AUDIT)
        rows = self.app.recorder.chain_rows(after)
        for count, (position, stored, row) in enumerate(merge(self.stored_events(after), rows)):
            if limit is not None and count >= limit:
                return
            if stored is None:
                continue  # a chain row without its event: /audit/verify names it
            domain_event = self.app.mapper.to_domain_event(stored)
            data = event_data(domain_event)
            yield {"position": position, "originator_id": str(stored.originator_id),
                   "version": stored.originator_version, "type": event_type(domain_event),
                   "topic": stored.topic, "recorded_at": utc_text(row["recorded_at"]) if row else None,
                   "timestamp": utc_text(domain_event.timestamp), "actor": data.get("actor"), "data": data,
                   "hash": row["hash"] if row else None, "prev_hash": row["prev_hash"] if row else None}

    def verify_chain(self, public_key_text: str | None = None) -> dict:
        """The chain from the first event to the head, and every seal recorded in it."""
        check = verify(merge(self.stored_events(), self.app.recorder.chain_rows()))
        result = check.as_dict()
        result["seals"] = self._check_seals(check, public_key_text)
        bad = [s for s in result["seals"] if not s["ok"]]
        if check.ok and bad:
            result.update(ok=False, first_bad_position=bad[0]["position"], problem=bad[0]["problem"])
        return result

    def _check_seals(self, check: ChainCheck, public_key_text: str | None) -> list[dict]:
        key = load_public_key(public_key_text) if public_key_text else (
            self.seal_key.public_key if self.seal_key else None)
        hashes: dict[int, str] = {}
        seals = []
        for stored in self.stored_events(stop=check.head_position if check.ok else check.first_bad_position,
                                         topics=(SEAL_TOPIC,)):
            seals.append(self.app.mapper.to_domain_event(stored))
        wanted = {s.position for s in seals}
        for row in self.app.recorder.chain_rows():
            if row["position"] in wanted:
                hashes[row["position"]] = row["hash"]
        out = []
        for s in seals:
            record = {"position": s.position, "hash": s.hash, "sealed_at": s.sealed_at, "signature": s.signature}
            if key is None:
                out.append({**record, "ok": True, "problem": "not checked: no public key configured"})
            elif not signature_valid(record, key):
                out.append({**record, "ok": False, "problem": "the seal's signature does not verify"})
            elif hashes.get(s.position) != s.hash:
                out.append({**record, "ok": False,
                            "problem": "the chain at the sealed position differs from the sealed hash: the log "
                                       "was rewritten at or before it"})
            else:
                out.append({**record, "ok": True, "problem": None})
        return out

    def chain_head(self) -> tuple[int, str]:
        last = None
        for last in self.app.recorder.chain_rows(max(0, self.head_position() - 1)):
            pass
        return (last["position"], last["hash"]) if last else (0, GENESIS)

    def seal(self, actor_id: str = "system") -> SealRecord:
        """Sign the chain's head now and record the seal in the log."""
        if self.seal_key is None:
            raise InvalidState("no seal key is configured (LEDGER_SEAL_KEY)")
        position, head_hash = self.chain_head()
        record = self.seal_key.seal(position, head_hash)

        def in_writer(uow):
            uow.add(ChainSeal(id=uuid4(), actor=actor_id, **record.as_dict()))
            return record

        self._run(actor_id, None, in_writer)
        return record

    def latest_seal(self) -> dict | None:
        latest = None
        for latest in self.stored_events(topics=(SEAL_TOPIC,)):
            pass
        if latest is None:
            return None
        e = self.app.mapper.to_domain_event(latest)
        return {"position": e.position, "hash": e.hash, "sealed_at": e.sealed_at, "signature": e.signature,
                "public_key": e.public_key, "recorded_at_position": latest.id}

    def export_records(self) -> Iterator[dict]:
        """Every stored event as it is kept (state in base64) with its chain hashes: what an
        auditor's standalone verifier recomputes."""
        import base64

        for position, stored, row in merge(self.stored_events(), self.app.recorder.chain_rows()):
            if stored is None or row is None:
                raise InvalidState(f"the log and its chain disagree at position {position}: run ledger verify")
            oid = stored.originator_id
            yield {"position": position, "originator_id": oid.hex if hasattr(oid, "hex") else str(oid),
                   "originator_version": stored.originator_version, "topic": stored.topic,
                   "state": base64.b64encode(bytes(stored.state)).decode(), "hash": row["hash"],
                   "prev_hash": row["prev_hash"], "recorded_at": utc_text(row["recorded_at"])}
