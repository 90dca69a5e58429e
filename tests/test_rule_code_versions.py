"""Each program's RULE_CODE_VERSION is part of the rule versions decided under it, so it
must change whenever what the rule module decides changes. This pins each module's source
(with the shared helpers of ledger/policy/programs/__init__.py) to its declared version:
an edit without a new version fails here.

After an edit: raise RULE_CODE_VERSION in the module if its decisions can differ, then
re-pin with `.venv/bin/python -m tests.test_rule_code_versions` (an edit that cannot change
a decision, e.g. a comment, is re-pinned without a new version)."""
from __future__ import annotations

import hashlib
import inspect
import json
import sys
from pathlib import Path

from ledger.policy import programs
from ledger.policy.programs import RULE_CODE_VERSIONS, RULE_MODULES

PINS = Path(__file__).parent / "fixtures" / "rule_code_versions.json"


def _source_digest(code: str) -> str:
    shared = inspect.getsource(programs)
    own = inspect.getsource(RULE_MODULES[code])
    return hashlib.sha256(f"{shared}\0{own}".encode()).hexdigest()


def current() -> dict:
    return {code: {"version": RULE_CODE_VERSIONS[code], "source_sha256": _source_digest(code)}
            for code in RULE_CODE_VERSIONS}


def test_every_rule_module_declares_its_version():
    assert RULE_CODE_VERSIONS.keys() == RULE_MODULES.keys()
    assert all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in RULE_CODE_VERSIONS.values())


def test_a_rule_module_changes_only_with_its_version():
    pinned = json.loads(PINS.read_text(encoding="utf-8"))
    now = current()
    stale = [f"{code}: source changed at RULE_CODE_VERSION {now[code]['version']} (pinned at "
             f"{pinned.get(code, {}).get('version')})" for code in now
             if pinned.get(code, {}).get("source_sha256") != now[code]["source_sha256"]]
    assert not stale, ("rule code changed without review of its version; raise RULE_CODE_VERSION where decisions "
                       "can differ, then re-pin (see this module's docstring):\n" + "\n".join(stale))
    lowered = [code for code in now if now[code]["version"] < pinned.get(code, {}).get("version", 0)]
    assert not lowered, f"a rule code version never goes down: {lowered}"


if __name__ == "__main__":
    PINS.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"pinned {len(RULE_CODE_VERSIONS)} rule modules in {PINS}", file=sys.stderr)
