"""The shipped parameters.toml against what a ledger recorded of it.

The file is a ledger's initial state: its first start records the file's versions in the
log (ShippedValuesRecorded), and the ledger resolves from the log from then on, so an edit
of the file never changes what a past date resolves to, nor the rule version a claim was
decided under. What an edited file means for a ledger that has started:

- a parameter the ledger has never had (a release adds one) enters as initial values:
  no decision can have used it;
- an added or changed version of a parameter the ledger has becomes a change proposed by
  "system", effective from the later of its own date and the day the edited file is first
  started (never retroactive), which an admin confirms or rejects like any other;
- a version removed from the file becomes a proposed removal from that day;
- an edit wholly in the past (a version that ended before that day) cannot apply without
  rewriting history: it is reported, not recorded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Difference:
    initial: list[dict] = field(default_factory=list)    # entries of parameters new to the ledger
    proposals: list[dict] = field(default_factory=list)  # {"region", "effective_from", "effective_to", "values"}
    past: list[dict] = field(default_factory=list)       # edits that ended before today: not applied


def _key(entry: dict) -> tuple:
    return entry["name"], entry["region"], entry["effective_from"]


def compare(recorded: list[dict], shipped: list[dict], known: set[str], today: dt.date) -> Difference:
    """What to record of `shipped` (the file's entries now) for a ledger that recorded
    `recorded` at its last start and has initial values for the parameters in `known`."""
    diff = Difference()
    grouped: dict[tuple, dict] = {}

    def propose(entry: dict, value: object) -> None:
        start = max(dt.date.fromisoformat(entry["effective_from"]), today)
        end = dt.date.fromisoformat(entry["effective_to"]) if entry["effective_to"] else None
        if end is not None and end <= start:
            diff.past.append(entry)
            return
        group = grouped.setdefault((entry["region"], start, end), {
            "region": entry["region"], "effective_from": start, "effective_to": end, "values": {}})
        group["values"][entry["name"]] = value

    shipped_keys = {_key(e) for e in shipped}
    for entry in shipped:
        if entry["name"] not in known:
            diff.initial.append(entry)
        elif entry not in recorded:
            propose(entry, entry["value"])
    for entry in recorded:
        if entry["name"] in known and _key(entry) not in shipped_keys:
            propose(entry, None)
    diff.proposals = list(grouped.values())
    return diff
