"""The eventsourcing application: one event log for every aggregate of the ledger, so a
command's events, its uniqueness keys and its idempotency record commit together."""
from __future__ import annotations

import datetime as dt

from eventsourcing.application import Application, Repository
from eventsourcing.persistence import EventStore, JSONTranscoder, Transcoder, Transcoding
from eventsourcing.utils import Environment

from .audit.chain import ChainMac
from .audit.snapshots import SnapshotMac
from .snapshot_store import CheckedRepository, CheckedSnapshotStore
from .transcoder import LedgerTranscoder


class DateAsISO(Transcoding):
    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


class LedgerApplication(Application):
    name = "Ledger"
    # The writer takes fund snapshots itself from the aggregates it holds in memory;
    # the library's own snapshotting would re-read each fund from the store.
    is_snapshotting_enabled = True

    def __init__(self, env: dict | None = None, *, snapshot_key: bytes | None = None,
                 chain_key: bytes | None = None):
        """`snapshot_key`: key material kept outside the database (the runtime passes the PII
        key) that authenticates snapshots; without it none is taken and none is trusted.
        `chain_key`: LEDGER_CHAIN_KEY, handed to the event store's recorder, which writes a
        MAC with every event and checks them when an aggregate is loaded (adapters/event_store.py)."""
        self._snapshot_mac = SnapshotMac(snapshot_key) if snapshot_key else None
        super().__init__(env)
        if chain_key is not None:
            if not hasattr(self.recorder, "chain_mac"):
                raise ValueError("a chain key needs the ledger's own event-store recorder")
            self.recorder.chain_mac = ChainMac(chain_key)

    def construct_env(self, name: str, env: dict | None = None) -> Environment:
        """The store is configured by `env` alone (the runtime's Settings), never by the process
        environment: the library would otherwise take options from it (POSTGRES_ENABLE_DB_FUNCTIONS,
        LEDGER_APPLICATION_RECORDER_TOPIC...) that insert events by a path without the chain."""
        values = dict(type(self).env)
        values["IS_SNAPSHOTTING_ENABLED"] = "y"
        values.update(env or {})
        return Environment(name, values)

    def construct_snapshot_store(self) -> EventStore:
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        return CheckedSnapshotStore(self.mapper, recorder, links=self.recorder, mac=self._snapshot_mac)

    def construct_repository(self) -> Repository:
        return CheckedRepository(self.events, self.snapshots)

    def construct_transcoder(self) -> Transcoder:
        transcoder = LedgerTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
