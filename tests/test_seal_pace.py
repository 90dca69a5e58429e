"""Seals are events, kept forever: at most one a minute for the whole ledger (decided from the
latest seal in the log, so across processes too), unless an admin forces one. A refused
seal is 429 with Retry-After; the periodic sealer skips its turn instead of failing."""
from __future__ import annotations

import datetime as dt
import logging

import pytest

from ledger.access import Actor
from ledger.errors import Forbidden, TooManyRequests
from runtime.container import Runtime

from .support import make_user

AUDITOR = Actor("auditor", "auditor", frozenset({"auditor"}), ("210200",))
ADMIN = Actor("admin", "admin", frozenset({"admin"}), ("000000",))
T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)


def _seals(rt: Runtime) -> int:
    return sum(1 for _ in rt.ledger.stored_events(topics=("ledger.domain.seals:ChainSeal.Sealed",)))


def test_one_seal_a_minute_over_the_api_unless_an_admin_forces_it(admin):
    auditor = make_user(admin, "auditor", ["auditor"], ["210200"])
    assert auditor.post("/v1/audit/seals").status_code == 201
    r = auditor.post("/v1/audit/seals")
    assert r.status_code == 429 and r.json()["code"] == "too_many_requests", r.text
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert auditor.post("/v1/audit/seals", {"force": True}).status_code == 403
    assert auditor.post("/v1/audit/seals?force=true").status_code == 403
    assert auditor.post("/v1/audit/seals", {"force": "yes"}).status_code == 422
    assert admin.post("/v1/audit/seals").status_code == 429
    assert admin.post("/v1/audit/seals", {"force": True}).status_code == 201
    assert admin.post("/v1/audit/seals?force=true").status_code == 201
    assert auditor.post("/v1/audit/seals").status_code == 429   # a forced seal counts as the latest
    assert len([s for s in auditor.get("/v1/audit/verify?full=true").json()["seals"] if s["ok"]]) == 3


def test_the_pace_is_the_ledgers_not_a_process(settings):
    first, second = Runtime(settings), Runtime(settings)   # two API processes on one database
    try:
        first.ledger.seal(AUDITOR)
        with pytest.raises(TooManyRequests) as refused:
            second.ledger.seal(AUDITOR)
        assert 1 <= refused.value.retry_after_s <= 60
        with pytest.raises(Forbidden):
            second.ledger.seal(AUDITOR, force=True)
        second.ledger.seal(ADMIN, force=True)
        assert _seals(first) == 2
    finally:
        first.close()
        second.close()


def test_two_processes_sealing_at_once_after_the_same_seal_record_one(settings, monkeypatch):
    """Both read the same latest seal, minutes old, and both go ahead: the seal made after a
    given seal has one id, so the store takes one of them and the other is refused."""
    first, second = Runtime(settings), Runtime(settings)
    try:
        first.ledger.seal("cli", force=True, now=T0)
        stale = second.ledger._latest_seal_event()   # what the second process read, before...
        first.ledger.seal(AUDITOR, now=T0 + dt.timedelta(minutes=2))   # ...the first sealed again
        monkeypatch.setattr(second.ledger, "_latest_seal_event", lambda: stale)
        with pytest.raises(TooManyRequests):
            second.ledger.seal(AUDITOR, now=T0 + dt.timedelta(minutes=2, seconds=1))
        assert _seals(first) == 2
    finally:
        first.close()
        second.close()


def test_the_periodic_sealer_skips_a_turn_after_a_recent_seal(settings, caplog):
    rt = Runtime(settings)
    try:
        rt.runner.leading = True   # as the projection leader, which the sealer runs in
        treasurer = Actor("t", "t", frozenset({"treasurer"}), ("000000",))
        rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210100"})
        sealed = rt.seal_if_grown(0)
        assert sealed == rt.ledger.head_position() and _seals(rt) == 1
        rt.ledger.allocate(treasurer, "employment_subsidy:210100", {"amount": "1.00", "source": "other",
                                                                    "document_no": "d", "effective_date": "2022-06-10"})
        with caplog.at_level(logging.INFO):
            assert rt.seal_if_grown(sealed) == sealed   # sealed less than a minute ago: next turn
        assert _seals(rt) == 1
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    finally:
        rt.close()
