"""The eventsourcing application: one event log for every aggregate of the ledger, so a
command's events, its uniqueness keys and its idempotency record commit together."""
from __future__ import annotations

import datetime as dt

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoder, Transcoding

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

    def construct_transcoder(self) -> Transcoder:
        transcoder = LedgerTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
