"""The projector reads claim and fund events from the stored JSON (projections/event_fields.py)
instead of the library's full decode: it must read them as the library would (events of
older class versions upcast by the library, integers beyond 64 bits kept whole, tagged values
at any depth), and the read models it writes must be those of the full decode, row for row."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent, Tracking

from ledger.money import format_money
from ledger.views import event_data, json_bytes, utc_text
from projections import event_fields
from projections.event_fields import EventReader, fields_class
from projections.sql import READ_MODEL_TABLES
from runtime.container import Runtime
from runtime.demo import load_demo_data
from tests.test_claim_patches import REVIEWERS, TREASURER

FIXTURES = Path(__file__).parent / "fixtures"


def _tables(rt: Runtime) -> dict:
    return {table: rt.views.all_rows(table) for table in READ_MODEL_TABLES}


def _read_models_through_the_library(rt: Runtime, monkeypatch) -> dict:
    """The read models rebuilt with every claim and fund event decoded by the library (the
    path old class versions take): no digit run is short enough to pass the plain decode."""
    with monkeypatch.context() as patched:
        patched.setattr(event_fields, "_LONG_NUMBER", b"")
        rt.runner.projection._known.clear()
        rt.views.drop_read_models()
        rt.runner.position = 0
        rt.runner.catch_up()
        return _tables(rt)


def _decoded_by_the_library(rt: Runtime, monkeypatch) -> list[str]:
    """Records the topics the application's mapper decodes from now on."""
    topics: list[str] = []
    decode = rt.app.mapper.to_domain_event

    def recorded(stored):
        topics.append(stored.topic)
        return decode(stored)

    monkeypatch.setattr(rt.app.mapper, "to_domain_event", recorded)
    return topics


def _a_clawback_and_a_rejection(rt: Runtime) -> None:
    """What the demo does not do: a clawback demanded and partly recovered, a rejection."""
    claims = [rt.app.repository.get(n.originator_id) for n in rt.app.recorder.select_notifications(
        start=1, limit=1_000_000, topics=("ledger.domain.claim:Claim.Submitted",))]
    paid = max(claims, key=lambda c: c.paid_fen)
    claim_id = str(paid.id)
    rt.ledger.demand_clawback(REVIEWERS[0], claim_id, {"amount": format_money(paid.paid_fen // 2),
                                                      "reason": "多发追回"})
    rt.ledger.recover(TREASURER, claim_id, {"amount": format_money(1000), "reference": "回收",
                                           "received_on": rt.ledger.clock.today().isoformat()})
    submitted = next(c for c in claims if c.status == "submitted")
    rt.ledger.reject(REVIEWERS[0], str(submitted.id), {"reason": "不符合条件"})


def _is_read_as_fields(topic: str) -> bool:
    return fields_class(topic) is not None


def _same(reader: EventReader, fields, domain_event) -> None:
    """`fields` is what the library's event reads as: same type name, same fields in the
    same order, same event data for rm_claim_events."""
    reference = reader.of_event(domain_event)
    assert type(fields).__qualname__ == type(domain_event).__qualname__
    assert list(fields.__dict__.items()) == list(reference.__dict__.items())
    assert json_bytes(fields.data()) == json_bytes(event_data(domain_event))
    assert list(fields.data()) == list(event_data(domain_event))


@pytest.mark.slow
def test_claim_and_fund_events_project_without_the_library_decode_as_through_it(settings, monkeypatch):
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        load_demo_data(rt.ledger, claims_per_city=4)
        _a_clawback_and_a_rejection(rt)
        decoded = _decoded_by_the_library(rt, monkeypatch)
        rt.runner.catch_up()
        projected = _tables(rt)
        topics = {n.topic for n in rt.app.recorder.select_notifications(start=1, limit=1_000_000)
                  if _is_read_as_fields(n.topic)}
        names = {topic.rsplit(".", 1)[-1] for topic in topics}
        # The demo holds the bulk of the log's kinds: submissions to recoveries, every fund movement.
        assert {"Submitted", "Approved", "NoticeOpened", "ObjectionReceived", "ObjectionResolved", "PaymentRecorded",
                "PaymentReturned", "Closed", "FactsRecorded", "Withdrawn", "Rejected", "ClawbackDemanded",
                "RecoveryRecorded", "Opened", "Allocated", "TransferredIn", "TransferredOut",
                "Reserved", "Disbursed", "Released", "Recovered"} <= names, sorted(names)
        assert not [t for t in decoded if _is_read_as_fields(t)]
        assert projected["rm_claims"] and projected["rm_claim_events"] and projected["rm_fund_movements"]

        decoded.clear()
        assert _read_models_through_the_library(rt, monkeypatch) == projected
        assert topics <= set(decoded)  # the comparison did go through the library
    finally:
        rt.close()


@pytest.mark.parametrize("fixture", ["claims_v1", "claims_v2", "statements_v1"])
def test_events_stored_in_older_shapes_read_and_project_as_the_library_upcasts_them(settings, fixture, monkeypatch):
    data = json.loads((FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))
    rt = Runtime(settings)
    rt.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]), originator_version=e["originator_version"],
                    topic=e["topic"], state=e["state"].encode()) for e in data["events"]])
    rt.close()
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        reader, mapper = EventReader(rt.app.mapper), rt.app.mapper
        upcast = 0
        for stored in rt.app.recorder.select_notifications(start=1, limit=1_000_000):
            if not _is_read_as_fields(stored.topic):
                continue
            event_class = fields_class(stored.topic).event_class
            older = orjson.loads(stored.state).get("class_version", 1) < getattr(event_class, "class_version", 1)
            upcast += older
            _same(reader, reader.read(stored), mapper.to_domain_event(stored))

        decoded = _decoded_by_the_library(rt, monkeypatch)
        rt.runner.catch_up()
        projected = _tables(rt)
        # Only the events of an older class version went through the library, to be upcast.
        assert len([t for t in decoded if _is_read_as_fields(t)]) == upcast
        assert upcast or fixture != "claims_v1"
        assert projected["rm_claims"]
        assert _read_models_through_the_library(rt, monkeypatch) == projected
    finally:
        rt.close()


def test_what_the_plain_decode_cannot_give_exactly_goes_through_the_library(settings):
    """Long integers (orjson makes floats of them), tagged values below the event's own keys,
    floats, and parties nested in facts: each read as the library reads it."""
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        load_demo_data(rt.ledger, claims_per_city=1)
        submitted = next(n for n in rt.app.recorder.select_notifications(start=1, limit=1_000_000)
                         if n.topic.endswith("Claim.Submitted"))
        party = {"kind": "person", "ref": "r", "masked": "2101**********0012", "sealed": "x", "name": "张伟"}
        variants = {
            "long integer": {"big": 2 ** 70, "negative": -(2 ** 64)},
            "nested tags": {"on": {"_type_": "date_iso", "_data_": "2022-07-01"},
                            "ids": [{"_type_": "uuid_hex", "_data_": UUID(int=5).hex}],
                            "at": {"_type_": "datetime_iso", "_data_": "2022-07-01T08:00:00.000001+08:00"}},
            "float": {"hours": 7.5, "rate": 1e-05},
            "nested party": {"guarantor": party, "also": [party]},
            "the word sealed": {"status": "sealed"},
        }
        reader = EventReader(rt.app.mapper)
        for name, facts in variants.items():
            state = json.loads(submitted.state)
            state["facts"] = {**state["facts"], **facts}
            stored = StoredEvent(originator_id=submitted.originator_id, originator_version=submitted.originator_version,
                                 topic=submitted.topic, state=json.dumps(state, separators=(",", ":"),
                                                                         ensure_ascii=False).encode())
            domain_event = rt.app.mapper.to_domain_event(stored)
            fields = reader.read(stored)
            _same(reader, fields, domain_event)
            if name == "long integer":
                assert fields.facts["big"] == 2 ** 70 and type(fields.facts["big"]) is int
            if name == "nested party":
                assert "sealed" not in json_bytes(fields.data()).decode()
    finally:
        rt.close()


def test_library_events_given_to_process_event_project_as_stored_ones(settings):
    """The library's Projection interface hands over decoded events: they are read as the
    same fields (EventReader.of_event) and make the same rows."""
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        load_demo_data(rt.ledger, claims_per_city=1)
        rt.runner.catch_up()
        projected = _tables(rt)
        projection = rt.runner.projection
        projection._known.clear()
        rt.views.drop_read_models()
        for n in rt.app.recorder.select_notifications(start=1, limit=1_000_000, topics=projection.topics):
            projection.process_event(rt.app.mapper.to_domain_event(n), Tracking(rt.app.name, n.id))
        assert _tables(rt) == projected
    finally:
        rt.close()


def test_a_timestamp_is_written_as_utc_text_gives_it_with_or_without_microseconds():
    for moment in (dt.datetime(2022, 7, 1, 8, 0, 0, 1, tzinfo=dt.UTC), dt.datetime(2022, 7, 1, 8, tzinfo=dt.UTC),
                   dt.datetime(2022, 7, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        assert event_fields._utc_text(moment.isoformat()) == utc_text(moment)
