"""The checkout's var/ is a running demo's (scripts/serve): its database, keys and the staff's
tokens. No test may write there; the suite's controller compares var/ before and after the
run and fails the run when a test changed it (tests/conftest.py)."""
from __future__ import annotations

from pathlib import Path

CHECKOUT_VAR = Path(__file__).resolve().parents[1] / "var"
# A database a running demo serves from changes on its own: counted only when created or removed.
LIVE_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal")


def snapshot(directory: Path = CHECKOUT_VAR) -> dict[str, tuple[int, int]]:
    """Every file below `directory`: relative path -> (size, modification time)."""
    if not directory.is_dir():
        return {}
    found = {}
    for path in directory.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                found[str(path.relative_to(directory))] = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:  # removed meanwhile (a SQLite side file)
            continue
    return found


def changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """What changed between two snapshots, as lines naming each file."""
    lines = [f"created {name}" for name in sorted(after.keys() - before.keys())]
    lines += [f"removed {name}" for name in sorted(before.keys() - after.keys())
              if not name.endswith(LIVE_SUFFIXES[1:])]
    lines += [f"changed {name}" for name in sorted(before.keys() & after.keys())
              if before[name] != after[name] and not name.endswith(LIVE_SUFFIXES)]
    return lines
