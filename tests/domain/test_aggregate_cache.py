"""API.md, "Bounded work per request": the writer's memory of aggregates is bounded in bytes
(LEDGER_WRITER_CACHE_MB) as well as in count, so a few huge aggregates cannot hold memory
for as long as the process lives."""
from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate, event

from ledger.aggregate_cache import AggregateCache, approximate_size
from ledger.domain.ids import fund_aggregate_id
from ledger.writer import GroupCommitWriter
from runtime.settings import Settings, SettingsError

from .test_writer import F1, allocate_cmd, open_cmd

MiB = 2**20


class Bulky(Aggregate):
    """An aggregate with a lot of state, as a bank statement of 20,000 lines was."""

    @event("Filled")
    def __init__(self, lines: list[str]):
        self.lines = lines


def _lines(megabytes: float) -> list[str]:
    return [f"{i:08d},2022-11-30,ZF-{i:06d},1500.00,".ljust(100, "x") for i in range(int(megabytes * MiB / 150))]


def test_the_size_of_an_aggregate_grows_with_its_state():
    small, large = Bulky(_lines(0.01)), Bulky(_lines(2))
    assert approximate_size(large) > 2 * MiB > 100 * approximate_size(small)


def test_a_large_aggregate_is_evicted_and_small_ones_stay_within_the_bytes():
    cache = AggregateCache(max_count=1_000, max_bytes=1 * MiB)
    small = [Bulky(_lines(0.01)) for _ in range(20)]
    for aggregate in small:
        cache.put(aggregate.id, aggregate)
    cache.trim()
    assert len(cache) == 20 and 0 < cache.bytes <= MiB
    large = Bulky(_lines(2))
    cache.put(large.id, large)
    cache.trim()
    assert large.id not in cache  # larger than the whole allowance: never kept
    assert cache.bytes <= MiB
    # Medium ones push out the least recently used first.
    medium = [Bulky(_lines(0.3)) for _ in range(4)]
    for aggregate in medium:
        cache.put(aggregate.id, aggregate)
        cache.trim()
    assert cache.bytes <= MiB
    assert medium[-1].id in cache and small[0].id not in cache
    for aggregate_id in list(cache):
        cache.pop(aggregate_id)
    assert (len(cache), cache.bytes) == (0, 0)


def test_the_count_still_bounds_the_cache():
    cache = AggregateCache(max_count=5, max_bytes=1_000 * MiB)
    for _ in range(50):
        aggregate = Bulky([])
        cache.put(aggregate.id, aggregate)
        cache.trim()
    assert len(cache) == 5


def test_the_writer_forgets_a_large_aggregate_and_loads_it_again_when_needed(app):
    writer = GroupCommitWriter(app, max_cached_bytes=1 * MiB)
    try:
        writer.execute(open_cmd(F1))
        bulky_id = writer.execute(lambda uow: uow.add(Bulky(_lines(3))).id)[0]
        assert fund_aggregate_id(F1) in writer._cache
        assert bulky_id not in writer._cache and writer._cache.bytes <= MiB
        # Still there in the store, and usable by a command.
        assert writer.execute(lambda uow: len(uow.get(Bulky, bulky_id, "bulky").lines))[0] == len(_lines(3))
        assert bulky_id not in writer._cache
        assert writer.execute(allocate_cmd(F1, 500))[0][1] == 500
    finally:
        writer.close()


def test_the_setting_reaches_the_writer(client):
    runtime = client.app.state.runtime
    assert runtime.settings.writer_cache_mb == 256
    assert runtime.ledger.writer._cache.max_bytes == 256 * MiB


def test_the_variable_is_read_and_checked():
    assert Settings.from_env({"LEDGER_WRITER_CACHE_MB": "64"}).writer_cache_mb == 64
    for bad in ("0", "lots"):
        with pytest.raises(SettingsError, match="LEDGER_WRITER_CACHE_MB"):
            Settings.from_env({"LEDGER_WRITER_CACHE_MB": bad})
