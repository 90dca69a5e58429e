"""Noisy neighbours (API.md, "Bounded work per request"; issue 18 §5): the reads' p99 alone
and beside one verify loop and one reconciliation loop, in interleaved rounds against one
server on a fresh SQLite store (the scenario of tests/test_noisy_neighbours.py). Prints
each round, the medians and their ratio against the contract's 3×.

    scripts/bench_noisy [--rounds 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.backends import sqlite_settings  # noqa: E402
from tests.test_noisy_neighbours import ALLOWED_FACTOR, measure  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-noisy-") as tmp:
        tmp_path = Path(tmp)
        figures = measure(sqlite_settings(tmp_path), tmp_path, rounds=args.rounds)
    alone, beside = statistics.median(figures["alone_ms"]), statistics.median(figures["beside_ms"])
    print("reads' p99 per round, alone:       " + ", ".join(f"{t:.1f}" for t in figures["alone_ms"]) + " ms")
    print("reads' p99 per round, beside loops: " + ", ".join(f"{t:.1f}" for t in figures["beside_ms"]) + " ms")
    print(f"loops: {figures['loop_calls']} calls, statuses {sorted(figures['loop_statuses'])}")
    ratio = beside / alone
    print(f"median p99 alone {alone:.1f} ms, beside {beside:.1f} ms: ratio {ratio:.2f} "
          f"({'within' if ratio <= ALLOWED_FACTOR else 'ABOVE'} the contract's {ALLOWED_FACTOR:.0f}x)")
    return 0 if ratio <= ALLOWED_FACTOR else 1


if __name__ == "__main__":
    sys.exit(main())
