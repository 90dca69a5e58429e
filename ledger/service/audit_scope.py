"""Which region an event of the log belongs to, for auditors and admins bound to regions.

An event of a fund, a claim, or a fund's bank statement or match belongs to the region of
its aggregate, which is in the aggregate's first event and never changes. So the region is
learnt once per aggregate (from its first event when the page holds it, else one query for
all of a page's aggregates not seen yet) and remembered; such an event never needs decoding
to be left out. A parameter version names its own region in its data (it is decoded, as
it would be to be shown), and so does a proposed or rejected change. Events of every
other aggregate (users, credentials, seals, idempotency records, uniqueness keys, rule
versions, the shipped parameters a ledger records at its first start, the watch list and
the parties' watches...) belong to no region: only a caller scoped to 000000 sees them."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from ..domain.bank import BankAccount, BankMatch, BankStatement
from ..domain.claim import Claim
from ..domain.fund import Fund
from ..domain.policy import ProgramParameters
from ..regions import COUNTRY

MAX_REMEMBERED = 200_000


def _fund_region(first: Any) -> str:
    return first.fund_code.rpartition(":")[2]


# The aggregates that have a region, and how their first event tells it.
_REGION_IN_FIRST_EVENT: dict[str, Callable[[Any], str]] = {
    get_topic(Fund): lambda first: first.region,
    get_topic(Claim): lambda first: first.region,
    get_topic(BankStatement): _fund_region,
    get_topic(BankMatch): _fund_region,
    get_topic(BankAccount): _fund_region,
}


# Events that name their own region (their aggregate spans regions).
_REGION_IN_EVENT: dict[str, Callable[[Any], str]] = {
    get_topic(ProgramParameters.VersionRecorded): lambda e: e.region,
    get_topic(ProgramParameters.ChangeProposed): lambda e: e.region,
    get_topic(ProgramParameters.ChangeRejected): lambda e: e.region,
}


def aggregate_topic(event_topic: str) -> str:
    """'ledger.domain.fund:Fund.Allocated' -> 'ledger.domain.fund:Fund'."""
    return event_topic.rpartition(".")[0]


def has_region(event_topic: str) -> bool:
    return aggregate_topic(event_topic) in _REGION_IN_FIRST_EVENT


def sees_everything(regions: Iterable[str]) -> bool:
    return COUNTRY in regions


class EventRegions:
    """Remembers each regional aggregate's region (bounded; forgetting only costs a query)."""

    def __init__(self, decode: Callable[[Any], Any], first_events: Callable[[list[UUID]], list]):
        self._decode = decode
        self._first_events = first_events
        self._known: OrderedDict[UUID, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def regions(self, page: list, decoded: dict[int, Any]) -> dict[int, str | None]:
        """The region of each stored event (notification) of a page, by position (None: it
        belongs to no region). Events decoded on the way are put in `decoded` (by position),
        so they are not decoded again to be shown."""
        missing: set[UUID] = set()
        for stored in page:
            if not has_region(stored.topic) or self._get(stored.originator_id, default=False) is not False:
                continue
            if stored.originator_version == 1:
                decoded[stored.id] = event = self._decode_or_none(stored)
                self._remember(stored.originator_id, self._region_of(stored.topic, event))
            else:
                missing.add(stored.originator_id)
        if missing:
            for stored in self._first_events(sorted(missing)):
                self._remember(stored.originator_id, self._region_of(stored.topic, self._decode_or_none(stored)))
                missing.discard(stored.originator_id)
            for aggregate_id in missing:  # no first event (deleted?): belongs to no region then
                self._remember(aggregate_id, None)
        found: dict[int, str | None] = {}
        for stored in page:
            if has_region(stored.topic):
                found[stored.id] = self._get(stored.originator_id, default=None)
            elif stored.topic in _REGION_IN_EVENT:
                decoded[stored.id] = event = self._decode_or_none(stored)
                found[stored.id] = _call(_REGION_IN_EVENT[stored.topic], event)
            else:
                found[stored.id] = None
        return found

    def _decode_or_none(self, stored: Any) -> Any:
        try:
            return self._decode(stored)
        except Exception:  # an undecodable event: /audit/verify names it
            return None

    @staticmethod
    def _region_of(topic: str, first: Any) -> str | None:
        return _call(_REGION_IN_FIRST_EVENT[aggregate_topic(topic)], first)

    def _get(self, aggregate_id: UUID, default: Any) -> Any:
        with self._lock:
            return self._known.get(aggregate_id, default)

    def _remember(self, aggregate_id: UUID, region: str | None) -> None:
        with self._lock:
            self._known[aggregate_id] = region
            if len(self._known) > MAX_REMEMBERED:
                self._known.popitem(last=False)


def _call(region_of: Callable[[Any], str], event: Any) -> str | None:
    if event is None:
        return None
    try:
        region = region_of(event)
    except (AttributeError, KeyError, TypeError):
        return None
    return region if isinstance(region, str) else None
