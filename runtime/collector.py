"""Python's cyclic garbage collector, set for a service that keeps a large heap.

The writer's memory of aggregates and the projector's of claims hold a few hundred thousand
long-lived objects. With Python's default first threshold (700 net allocations), every young
collection promotes the objects of the requests then in flight; they soon make a quarter of
the old generation's size, which starts a full collection: ~200 ms with the whole service
stopped (the GIL held), some twenty of them in ten seconds of POSTs, freeing nothing (the
pauses measured with a gc callback; docs/BENCHMARKS.md). A first threshold of 50,000 lets
requests finish before a young collection looks at them: no full collection in the same
run, p99 ~280 ms -> ~55 ms. The other two thresholds stay Python's."""
from __future__ import annotations

import gc


def set_collector(young_threshold: int) -> None:
    """`young_threshold`: allocations between young collections; 0 leaves Python's own."""
    if young_threshold <= 0:
        return
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)
