"""Verification of the whole log, for every auditor: the hash chain, the seals recorded in
it, anchors kept elsewhere, and every snapshot replayed against the events it stands for.
What it reports are counts, positions, hashes and fixed texts: nothing of any event's data,
so an auditor bound to a region learns nothing of the others from it."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import groupby

from eventsourcing.domain import Snapshot

from ..audit.anchors import Anchor, check_anchor
from ..audit.chain import NO_MAC, ChainCheck
from ..audit.seal import load_public_key, signature_valid
from ..audit.snapshots import Verdict
from ..errors import TooManyRequests
from .audit import SEAL_TOPIC, AuditCommands

MAX_LISTED = 100  # undecodable positions listed; all are counted
NOT_CHECKED_WITHOUT_ANCHOR = ("anchors: none given, so a log whose tail was cut off, or which was rewritten "
                              "together with its seals, cannot be told from an intact one")


class VerificationCommands(AuditCommands):
    # One verification over the API at a time among the ledger's processes (the runtime sets
    # it: a file lock or an advisory lock, with try_lead() and resign()); None: this process only.
    verification_lock = None

    def verify_chain(self, public_key_text: str | None = None, anchors: Sequence[Anchor] = (),
                     snapshots: bool = True, progress: Callable[[int], None] | None = None, *,
                     full: bool = True, wait: bool = True) -> dict:
        """The chain from the first event to the head with every MAC, every seal recorded in
        it, each anchor, and (unless `snapshots` is false) every snapshot. `ok` only when all of
        them hold; `chain_ok` is the public chain's own verdict, `macs_ok` the keyed chain's.
        `full=False`: on from the last head this process found good (seals recorded since,
        anchors; snapshots only in a pass from the first event). One pass at a time: with `wait=False` a call
        while one runs is refused (TooManyRequests). `progress(position)` is told along the walk."""
        if not self._walk_lock.acquire(blocking=wait):
            raise TooManyRequests("a verification is running; retry when it is done", retry_after_s=5)
        # Among processes too, when asked not to wait (over the API): the ledger's other
        # workers hold this lock while they verify.
        among = self.verification_lock if not wait else None
        try:
            if among is not None and not among.try_lead():
                raise TooManyRequests("a verification is running in another process; retry when it is done",
                                      retry_after_s=5)
            try:
                return self._verify(public_key_text, anchors, snapshots, progress, full)
            finally:
                if among is not None:
                    among.resign()
        finally:
            self._walk_lock.release()

    def _verify(self, public_key_text, anchors, snapshots, progress, full) -> dict:
        key = load_public_key(public_key_text) if public_key_text else (
            self.seal_key.public_key if self.seal_key else None)
        begin = self.walk_start(full)
        start = begin[0]
        seals = [self._read_seal(stored) for stored in self.stored_events(after=start, topics=(SEAL_TOPIC,))]
        latest = self.latest_seal() if start else None
        if latest is not None and latest["recorded_at_position"] <= start:
            # A pass that goes on from a head found good still answers for the newest seal.
            seals.insert(0, {k: latest[k] for k in ("recorded_at_position", "position", "hash", "sealed_at",
                                                    "signature")})
        watch = {s["position"] for s in seals if s["position"] is not None} | {a.position for a in anchors}
        # Every event must load, or commands on its aggregate fail: one that cannot be decoded
        # (garbage bytes under a recomputed chain, an old shape without its upcaster) is named.
        undecodable = {"count": 0, "positions": []}
        check = self.walk_chain(begin, watch=watch, progress=progress,
                                events=lambda after: self._decoding(self.stored_events(after), undecodable))
        # Positions before the walk's start were found good by an earlier walk: their hashes
        # are read from the chain (a rewrite since would have made this walk start from the first event).
        earlier = sorted(p for p in watch if p <= start)
        if earlier:
            check.watched.update({r["position"]: r["hash"] for r in self.app.recorder.chain_rows(earlier[0] - 1, start)
                                  if r["position"] in watch})
        result = {**check.as_dict(), "chain_ok": check.ok, "undecodable": undecodable,
                  "full": start == 0, "from_position": start, "first_bad_mac_position": check.first_bad_mac,
                  "bad_macs": check.bad_macs}
        not_checked = []
        if check.macs_ok is None:
            not_checked.append("macs: no chain key configured (LEDGER_CHAIN_KEY)")
        result["seals"] = [self._check_seal(s, check, key) for s in seals
                           if check.ok or s["recorded_at_position"] < check.first_bad_position]
        if key is None and result["seals"]:
            not_checked.append("seals: no public key configured, signatures not checked")
        result["anchors"] = [check_anchor(a, check, key) for a in anchors]
        if not anchors:
            not_checked.append(NOT_CHECKED_WITHOUT_ANCHOR)
        # Snapshots stand for whole aggregates: checked by a pass from the first event only.
        result["snapshots"] = self.check_snapshots() if snapshots and start == 0 else None
        if not snapshots:
            not_checked.append("snapshots: not asked for")
        elif start:
            not_checked.append("snapshots: checked in a pass from the first event only (?full=true)")
        elif result["snapshots"]["not_checked"]:
            not_checked.append(f"snapshots: {result['snapshots']['not_checked']}")
        if start:
            not_checked.append(f"events up to position {start}: found good by an earlier pass of this process "
                               "(?full=true checks them again)")
        result["not_checked"] = not_checked
        # The signed evidence first: a seal names the position it sealed (the log was rewritten
        # at or before it), or the position it is recorded at when it cannot be decoded. Then
        # the keyed chain: the first event without a valid MAC.
        failures = [(s["position"] or s["recorded_at_position"], s["problem"]) for s in result["seals"] if not s["ok"]]
        if check.macs_ok is False:
            failures.append((check.first_bad_mac, f"the event at position {check.first_bad_mac} has no valid MAC "
                                                  f"({check.bad_macs} event(s) in all): {NO_MAC}"))
        failures += [(p, f"the event at position {p} cannot be decoded") for p in undecodable["positions"][:1]]
        failures += [(a["position"], a["problem"]) for a in result["anchors"] if not a["ok"]]
        failures += [(s["position"], s["problem"]) for s in (result["snapshots"] or {}).get("bad", ())]
        if check.ok and failures:
            result.update(ok=False, first_bad_position=failures[0][0], problem=failures[0][1])
        elif not check.ok:
            result["ok"] = False
        if result["ok"]:
            self.found_good(check)
        return result

    def _decoding(self, events: Iterator, undecodable: dict) -> Iterator:
        decode = self.app.mapper.to_domain_event
        for stored in events:
            try:
                decode(stored)
            except Exception:
                undecodable["count"] += 1
                if len(undecodable["positions"]) < MAX_LISTED:
                    undecodable["positions"].append(stored.id)
            yield stored

    # Seals -------------------------------------------------------------------------------
    def _read_seal(self, stored) -> dict:
        record = {"recorded_at_position": stored.id, "position": None, "hash": None, "sealed_at": None,
                  "signature": None}
        try:
            e = self.app.mapper.to_domain_event(stored)
            record.update(position=int(e.position), hash=str(e.hash), sealed_at=str(e.sealed_at),
                          signature=str(e.signature))
        except Exception:
            record["unreadable"] = True
        return record

    @staticmethod
    def _check_seal(seal: dict, check: ChainCheck, key) -> dict:
        def outcome(problem: str | None, ok: bool | None = None) -> dict:
            out = {k: v for k, v in seal.items() if k != "unreadable"}
            return {**out, "ok": problem is None if ok is None else ok, "problem": problem}

        if seal.get("unreadable"):
            return outcome(f"the seal recorded at position {seal['recorded_at_position']} cannot be decoded")
        if key is None:
            return outcome("not checked: no public key configured", ok=True)
        if not signature_valid(seal, key):
            return outcome("the seal's signature does not verify")
        if check.watched.get(seal["position"]) != seal["hash"]:
            return outcome("the chain at the sealed position differs from the sealed hash: the log was rewritten "
                           "at or before it")
        return outcome(None)

    # Snapshots ---------------------------------------------------------------------------
    def check_snapshots(self) -> dict:
        """Every stored snapshot compared with its aggregate replayed from the events up to its
        version, after its tag is checked. Snapshots without a tag (stored by an earlier
        version, or made to look so) are never used; they are compared all the same, since
        one that differs was edited."""
        store = self.app.snapshots
        summary = {"checked": 0, "untagged": 0, "bad": [], "not_checked": None}
        if store is None or not getattr(store, "enabled", False):
            summary["not_checked"] = "no snapshot key configured, so no snapshot is ever used"
            return summary
        for aggregate_id, _ in groupby(self.app.recorder.snapshot_keys(), key=lambda k: k[0]):
            rows = store.stored(aggregate_id)
            links = self.app.recorder.chain_links(aggregate_id, [r.originator_version for r in rows])
            replay = _Replay(self.app, aggregate_id)
            for row in rows:
                version = row.originator_version
                link = links.get(version)
                opened = store.open(row, links)
                summary["checked"] += 1
                if opened.verdict is Verdict.UNTAGGED:
                    summary["untagged"] += 1
                    problem = replay.differs_at(version, row) if link else \
                        "a snapshot stands for an event the log does not have"
                elif opened.verdict is Verdict.UNCHAINED:
                    problem = "a snapshot stands for an event the log does not have"
                elif opened.verdict is Verdict.FORGED:
                    problem = "a snapshot's tag does not verify: it was edited or forged, or its history rewritten"
                else:
                    problem = replay.differs_at(version, opened.stored)
                if problem:
                    summary["bad"].append({"position": link[0] if link else None, "version": version,
                                           "problem": problem})
        return summary


class _Replay:
    """One aggregate replayed from its events, forward, version by version."""

    def __init__(self, app, aggregate_id):
        self._app = app
        self._id = aggregate_id
        self._events = None
        self._aggregate = None
        self._next = 0
        self._failed: str | None = None

    def differs_at(self, version: int, stored_snapshot) -> str | None:
        """Why the snapshot (its mapper bytes) does not match the events up to `version`; None if it does."""
        transcoder = self._app.mapper.transcoder
        try:
            snapshot = self._app.mapper.to_domain_event(stored_snapshot)
        except Exception:
            return "a snapshot cannot be decoded"
        if self._events is None:
            self._events = self._app.recorder.select_events(self._id)
        while self._failed is None and (self._aggregate is None or self._aggregate.version < version):
            if self._next >= len(self._events):
                return "a snapshot stands for an event the log does not have"
            stored = self._events[self._next]
            try:
                self._aggregate = self._app.mapper.to_domain_event(stored).mutate(self._aggregate)
            except Exception:
                link = self._app.recorder.chain_links(self._id, [stored.originator_version]).get(
                    stored.originator_version)
                self._failed = (f"the events a snapshot stands for cannot be replayed (position "
                                f"{link[0] if link else '?'} cannot be decoded or applied)")
            self._next += 1
        if self._failed:
            return self._failed
        replayed = transcoder.decode(transcoder.encode(Snapshot.take(self._aggregate).state))
        if replayed != snapshot.state:
            return "a snapshot differs from its events replayed: it was not made from them"
        return None
