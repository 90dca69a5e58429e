"""The PersonMonths aggregate (ledger/domain/months.py, DOMAIN.md "One subsidy per
person-month"): a month is held by one claim at a time; a claim's months are freed whole or
released the last first; what it records is what a replay gives back."""
from __future__ import annotations

import uuid

import pytest

from ledger.domain.months import PersonMonths
from ledger.errors import LimitExceeded


def months(*ms: str) -> list[str]:
    return list(ms)


def test_a_month_is_held_by_one_claim_and_the_clash_names_it():
    person = PersonMonths(id=uuid.uuid4(), key="person-months:ref")
    person.take(claim_id="a", program="social_insurance", months=months("2022-07", "2022-08"), month_fen=100_000)
    assert person.held_by_others("b") == {"2022-07": "a", "2022-08": "a"}
    assert person.held_by_others("a") == {}
    with pytest.raises(LimitExceeded) as clash:
        person.check_take("b", months("2022-08", "2022-09"), "one subsidy per person-month")
    assert "2022-08" in str(clash.value) and "claim a" in str(clash.value)
    person.check_take("b", months("2022-09"), "one subsidy per person-month")       # free: no error
    person.check_take("a", months("2022-07"), "one subsidy per person-month")       # its own months


def test_release_gives_back_the_last_months_first_and_free_all():
    person = PersonMonths(id=uuid.uuid4(), key="person-months:ref")
    person.take(claim_id="a", program="flexible_social_insurance", months=months("2022-09", "2022-07", "2022-08"),
                month_fen=60_000)
    assert person.months_to_release("a", 2) == ["2022-08", "2022-09"]
    assert person.months_to_release("a", 5) == ["2022-07", "2022-08", "2022-09"]
    assert person.months_to_release("unknown", 1) == []
    person.release(claim_id="a", months=["2022-08", "2022-09"], reason="clawback recovered")
    assert person.held["a"]["months"] == ["2022-07"]
    person.free(claim_id="a", reason="withdrawn")
    assert person.held == {}
    replayed = None
    for event in person.collect_events():
        replayed = event.mutate(replayed)
    assert replayed.held == {} and replayed.key == "person-months:ref"
