"""Events stored in an older shape still load: ClaimLimit.Opened version 1 (no `kind`) is
upcast on read, and limits opened then keep behaving as they did."""
from __future__ import annotations

import datetime as dt
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.access import Actor
from ledger.domain.ids import limit_aggregate_id
from ledger.domain.limits import ClaimLimit
from ledger.errors import Duplicate, LimitExceeded
from runtime.container import Runtime

from .support import person_id


def _store_v1_opened(rt: Runtime, key: str, limit: int) -> None:
    """Write the event exactly as the first release stored it: no `kind`, no class_version."""
    state = {"timestamp": dt.datetime(2022, 7, 1, tzinfo=dt.timezone.utc),
             "originator_topic": "ledger.domain.limits:ClaimLimit", "key": key, "limit": limit}
    rt.app.recorder.insert_events([StoredEvent(originator_id=limit_aggregate_id(key), originator_version=1,
                                               topic="ledger.domain.limits:ClaimLimit.Opened",
                                               state=rt.app.mapper.transcoder.encode(state))])


@pytest.fixture
def rt(settings):
    runtime = Runtime(settings)
    runtime.start(project=False)
    yield runtime
    runtime.close()


def test_old_shaped_limit_events_load_through_the_upcaster(rt):
    _store_v1_opened(rt, "old:once", 1)
    _store_v1_opened(rt, "old:count", 3)
    once = rt.app.repository.get(limit_aggregate_id("old:once"))
    count = rt.app.repository.get(limit_aggregate_id("old:count"))
    assert (once.kind, count.kind) == ("once", "count")
    once.take(claim_id="a")
    with pytest.raises(Duplicate):
        once.check_take("b", "old once-only key")
    for claim in ("a", "b", "c"):
        count.take(claim_id=claim)
    with pytest.raises(LimitExceeded):
        count.check_take("d", "old count key")
    rt.app.save(once, count)  # new events append to the old stream and reload together
    assert rt.app.repository.get(once.id).holders == ["a"]
    assert rt.app.repository.get(count.id).holders == ["a", "b", "c"]
    assert rt.ledger.verify_chain()["ok"]  # the chain covers the old-shaped bytes as stored


def test_a_count_limit_of_one_is_over_the_limit_not_a_duplicate(rt):
    """三.12: a city that allows one skill subsidy a year refuses the second as limit_exceeded."""
    admin = Actor("admin", "admin", frozenset({"admin"}), ("000000",))
    clerk = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
    rt.ledger.set_parameters(admin, "skill_certificate", {"region": "210100", "effective_from": "2022-06-04",
                                                          "values": {"max_per_year": 1}})
    number = person_id()

    def claim(occupation: str) -> dict:
        return {"program": "skill_certificate", "region": "210100",
                "applicant": {"kind": "person", "id": number, "name": "王五"},
                "facts": {"level": "primary", "occupation": occupation, "certificate_no": f"C-{uuid4().hex[:6]}",
                          "certificate_date": "2022-05-01", "ui_contribution_months": 24,
                          "receiving_ui_benefits": False}, "application_date": "2022-07-01"}

    rt.ledger.submit_claim(clerk, claim("电工"))
    with pytest.raises(LimitExceeded):
        rt.ledger.submit_claim(clerk, claim("焊工"))
    assert ClaimLimit.Opened.class_version == 2
