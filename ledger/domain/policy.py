"""Parameter versions recorded by administrators, one stream per program: each version
is a new event (who, when, why, under which document), never an edit of an old one. The
policy catalog is the shipped data with these versions layered on top."""
from __future__ import annotations

import datetime as dt
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class ProgramParameters(Aggregate):
    @event("Opened")
    def __init__(self, id: UUID, program: str):
        self.program = program
        self.versions: list[dict] = []

    @event("VersionRecorded")
    def record_version(self, version_id: str, region: str, effective_from: dt.date, effective_to: dt.date | None,
                       values: dict, document_no: str | None, reason: str | None, actor: str) -> None:
        self.versions.append({"version_id": version_id, "region": region, "effective_from": effective_from,
                              "effective_to": effective_to, "values": values, "document_no": document_no,
                              "reason": reason, "actor": actor})
