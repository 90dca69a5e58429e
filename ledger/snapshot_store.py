"""Where snapshots are kept and how an aggregate is loaded from them: every snapshot is
checked (ledger/audit/snapshots.py) against the chained event it stands for before it is
used. One that fails is never used — the aggregate is rebuilt from its events — and the
incident is logged. Without a key no snapshot is written and none is trusted."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import AggregateRecorder, EventStore, Mapper, StoredEvent

from .audit.snapshots import Opened, SnapshotMac, Verdict

log = logging.getLogger(__name__)


class ChainLinks(Protocol):
    """What the event store's recorder adds (adapters/event_store.py) for snapshots."""

    def chain_links(self, originator_id: UUID, versions: Sequence[int]) -> dict[int, tuple[int, str]]:
        """{version: (log position, chain hash)} of the aggregate's events at these versions."""

    def snapshot_keys(self) -> Iterator[tuple[UUID, int]]:
        """(originator id, version) of every stored snapshot, grouped by aggregate."""


class CheckedSnapshotStore(EventStore):
    def __init__(self, mapper: Mapper, recorder: AggregateRecorder, *, links: Any, mac: SnapshotMac | None):
        super().__init__(mapper, recorder)
        # A recorder without chain look-ups (a bare library one) cannot bind snapshots.
        self._links: ChainLinks | None = links if hasattr(links, "chain_links") else None
        self._mac = mac

    @property
    def enabled(self) -> bool:
        return self._mac is not None and self._links is not None

    def put(self, domain_events: Sequence[Any], **kwargs: Any) -> list:
        if not self.enabled:
            return []
        tagged = []
        for snapshot in domain_events:
            stored = self.mapper.to_stored_event(snapshot)
            link = self._links.chain_links(stored.originator_id, [stored.originator_version]).get(
                stored.originator_version)
            if link is None:
                log.warning("no chained event of %s at version %d: snapshot not taken", stored.originator_id,
                            stored.originator_version)
                continue
            tagged.append(self._mac.tag(stored, link[1]))
        if tagged:
            self.recorder.insert_events(tagged, **kwargs)
        return []

    def get(self, originator_id: Any, *, gt: int | None = None, lte: int | None = None, desc: bool = False,
            limit: int | None = None) -> Iterator[Any]:
        """Only snapshots whose tag verifies; with `limit`, of the newest `limit` stored."""
        if not self.enabled:
            return iter(())
        rows = self.recorder.select_events(originator_id=originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        if not rows:
            return iter(())
        links = self._links.chain_links(originator_id, [r.originator_version for r in rows])
        trusted = []
        for row in rows:
            opened = self.open(row, links)
            if opened.trusted:
                trusted.append(self.mapper.to_domain_event(opened.stored))
            else:
                self._report(row, opened.verdict)
        return iter(trusted)

    def open(self, row: StoredEvent, links: dict[int, tuple[int, str]]) -> Opened:
        if self._mac is None:
            return Opened(Verdict.UNTAGGED)
        link = links.get(row.originator_version)
        return self._mac.open(row, link[1] if link else None)

    def stored(self, originator_id: UUID) -> Sequence[StoredEvent]:
        """Every stored snapshot of the aggregate, as stored (for verification)."""
        return self.recorder.select_events(originator_id=originator_id)

    @staticmethod
    def _report(row: StoredEvent, verdict: Verdict) -> None:
        if verdict is Verdict.UNTAGGED:
            log.info("snapshot of %s at version %d has no tag (stored by an earlier version): not used",
                     row.originator_id, row.originator_version)
        else:
            log.error("snapshot of %s at version %d failed its check (%s: edited, forged or its history "
                      "rewritten): not used, the aggregate is rebuilt from its events; run `ledger verify`",
                      row.originator_id, row.originator_version, verdict.value)


class CheckedRepository(Repository):
    """The library's repository, reading snapshots only through CheckedSnapshotStore, and
    telling the writer how many events a load had to replay (a long replay means the
    aggregate has no usable snapshot: the writer then takes one)."""

    def __init__(self, event_store: EventStore, snapshot_store: CheckedSnapshotStore | None):
        super().__init__(event_store=event_store, snapshot_store=snapshot_store)
        self._last_load = threading.local()

    def _reconstruct_aggregate(self, aggregate_id: Any, version: int | None, projector_func: Any) -> Any:
        snapshots = list(self.snapshot_store.get(aggregate_id, desc=True, limit=1, lte=version)) \
            if self.snapshot_store is not None else []
        gt = snapshots[0].originator_version if snapshots else None
        events = list(self.event_store.get(originator_id=aggregate_id, gt=gt, lte=version))
        aggregate = projector_func(None, chain(snapshots, events))
        if aggregate is None:
            raise AggregateNotFoundError(f"Aggregate {aggregate_id!r} version {version!r} not found.")
        self._last_load.replayed = (aggregate_id, len(events))
        return aggregate

    def events_replayed(self, aggregate_id: Any) -> int:
        """Events replayed by this thread's last load of `aggregate_id` (0 if it was not the last)."""
        last = getattr(self._last_load, "replayed", None)
        return last[1] if last and last[0] == aggregate_id else 0
