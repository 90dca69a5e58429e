"""How far the read models trail the writer in this process: for each local commit, the
time from its being durable (the writer's commit listener) to the projector having written
its rows and tracking position. Kept for the last commits only (a bounded sample), read as
percentiles by the benchmarks and by whoever asks (ProjectionRunner.lag)."""
from __future__ import annotations

import threading
import time
from collections import deque

KEPT_SAMPLES = 100_000
KEPT_PENDING = 100_000


class LagMeter:
    def __init__(self, kept: int = KEPT_SAMPLES):
        self._lock = threading.Lock()
        self._pending: deque[tuple[int, float]] = deque(maxlen=KEPT_PENDING)
        self.samples: deque[float] = deque(maxlen=kept)  # seconds, oldest first
        self._projected = 0

    def committed(self, position: int) -> None:
        """The writer made everything up to `position` durable (called in its thread, after
        the commit: the projector may have read and projected it already)."""
        with self._lock:
            if position <= self._projected:
                self.samples.append(0.0)  # projected before the writer's listener ran
            else:
                self._pending.append((position, time.perf_counter()))

    def projected(self, position: int) -> None:
        """The read models now include everything up to `position`."""
        now = time.perf_counter()
        with self._lock:
            self._projected = max(self._projected, position)
            while self._pending and self._pending[0][0] <= position:
                self.samples.append(now - self._pending.popleft()[1])

    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
            self.samples.clear()  # samples only: what is projected stays so

    def percentiles(self, *ps: float) -> list[float | None]:
        """The given percentiles (0–100) of the kept samples, in seconds (nearest rank)."""
        with self._lock:
            ordered = sorted(self.samples)
        if not ordered:
            return [None for _ in ps]
        return [ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] for p in ps]
