"""The writer's memory of aggregates: least recently used first out, bounded in count and
in bytes (API.md, "Bounded work per request": LEDGER_WRITER_CACHE_MB). A count alone lets a
few huge aggregates (a bank statement of 20,000 lines) hold gigabytes for as long as the
process lives; bytes alone let millions of tiny ones cost a dictionary entry each.

An aggregate's size is measured by walking its state (`approximate_size`), which costs time
in proportion to it (70 µs for a claim: a tenth of a command's time in the writer), so it is
walked only when loaded from the store (which cost more), or once its estimate passes
WALK_ABOVE_BYTES and has doubled since it was last walked (amortised: a constant per byte
added). Otherwise its size grows by what its new events take in the store, times the ratio
measured for the ledger's aggregates in memory (4-6 bytes in memory per stored byte).
Whatever leaves the cache is loaded from the store when next needed: forgetting is always
safe, only slower."""
from __future__ import annotations

import sys
from collections import OrderedDict
from typing import Any, Iterator
from uuid import UUID

BYTES_IN_MEMORY_PER_STORED_BYTE = 5
WALK_ABOVE_BYTES = 64 * 1024
_ATOMS = (str, bytes, bytearray, int, float, bool, complex, type(None))
_NOT_STATE = (type, type(sys), type(len), type(lambda: None))  # classes, modules, functions: shared code


def approximate_size(root: Any) -> int:
    """The bytes an object holds, with everything it reaches (each object counted once)."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _NOT_STATE):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj, 64)
        if isinstance(obj, _ATOMS):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        else:
            state = getattr(obj, "__dict__", None)
            if state is not None:
                stack.append(state)
            for slot in getattr(type(obj), "__slots__", ()):
                value = getattr(obj, slot, None)
                if value is not None:
                    stack.append(value)
    return total


class AggregateCache:
    def __init__(self, max_count: int, max_bytes: int):
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._items: OrderedDict[UUID, Any] = OrderedDict()
        # id -> (bytes when last measured, bytes now as estimated)
        self._sizes: dict[UUID, tuple[int, int]] = {}
        self.bytes = 0

    def get(self, aggregate_id: UUID, default: Any = None) -> Any:
        return self._items.get(aggregate_id, default)

    def __getitem__(self, aggregate_id: UUID) -> Any:
        return self._items[aggregate_id]

    def __contains__(self, aggregate_id: object) -> bool:
        return aggregate_id in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[UUID]:
        return iter(self._items)

    def values(self) -> Iterator[Any]:
        return iter(self._items.values())

    def put(self, aggregate_id: UUID, aggregate: Any, *, added_bytes: int = 0, new: bool = False) -> None:
        """Keep (or refresh) an aggregate as the most recently used, unless it alone is larger
        than the allowance. `added_bytes`: the stored size of the events it took since it was
        last put; `new`: it has no other events (it was created since). The bounds are applied
        by `trim`, once for a batch."""
        self._items[aggregate_id] = aggregate
        self._items.move_to_end(aggregate_id)
        known = self._sizes.get(aggregate_id)
        if known is None and not new:
            size = approximate_size(aggregate)  # loaded from the store: costs less than the load did
            now = (size, size)
        else:
            walked, before = known if known is not None else (0, 0)
            estimate = before + added_bytes * BYTES_IN_MEMORY_PER_STORED_BYTE
            if estimate >= WALK_ABOVE_BYTES and estimate >= 2 * walked:
                estimate = walked = approximate_size(aggregate)
            now = (walked, estimate)
        self.bytes += now[1] - (known[1] if known is not None else 0)
        self._sizes[aggregate_id] = now
        if now[1] > self.max_bytes:
            self.pop(aggregate_id)  # larger than the whole allowance: it would only push the others out

    def pop(self, aggregate_id: UUID, default: Any = None) -> Any:
        aggregate = self._items.pop(aggregate_id, default)
        measured = self._sizes.pop(aggregate_id, None)
        if measured is not None:
            self.bytes -= measured[1]
        return aggregate

    def clear(self) -> None:
        self._items.clear()
        self._sizes.clear()
        self.bytes = 0

    def trim(self) -> None:
        """Forget the least recently used until within both bounds."""
        while self._items and (len(self._items) > self.max_count or self.bytes > self.max_bytes):
            self.pop(next(iter(self._items)))
