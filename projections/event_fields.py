"""Claim and fund events as the projector reads them: the stored JSON decoded once by orjson
into a plain dict, dates kept as their ISO text and UUIDs as their text, since the read
models write them as text anyway (a claim's document, `rm_claim_events`, the movement and
reconciliation rows). The library's full decode (`Mapper.to_domain_event`) walks every
value of every event to revive its tagged ones into objects, most of which the projector
then turned straight back into text; the rows made from either are the same, byte for byte
(tests/test_event_fields.py).

An `EventFields` is shaped like the library's event for what the projector asks of it: its
class is named as the event class (`type(e).__qualname__` is "Claim.Approved"), `__dict__`
is the event's state with `originator_id` (a UUID) and `originator_version`, and
`timestamp` is the time as the read models write it (`utc_text`). The event itself, for an
event type without a patch (whose aggregate's mutator decides), is `domain_event()`.

What the plain decode cannot give exactly as the library would goes through the library's
decode, then to the same fields (`of_event`): events stored at an older class version (the
library upcasts them), integers beyond 64 bits (orjson reads them as floats;
ledger/transcoder.py gives those to the library too), JSON orjson refuses, and a store with
a cipher or a compressor. Values of other registered types (datetimes besides the
timestamp, decimals) are revived by their transcoding, as the library does."""
from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, find_id_convertor
from eventsourcing.utils import resolve_topic

from ledger.views import EVENT_METADATA, event_data, masked, utc_text

# The aggregates whose events the projector reads as fields: the bulk of the log. Bank
# statements, users and watch-list entries are rare, and their read models are views of
# the whole aggregate, which their events mutate: they keep the library's decode.
AGGREGATES = ("Claim", "Fund")
_DATE, _UUID, _DATETIME = "date_iso", "uuid_hex", "datetime_iso"
_TAG = b'"_type_"'
_SEALED = b'"sealed"'
# orjson reads an integer beyond 64 bits as a float, where the library's decode keeps the
# integer; such a number has 19 digits or more in a row (digits in text may match too: that
# only sends the event to the library's decode). Other floats read the same either way.
_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_NUMBER = b"0" * 19


class EventFields:
    """A claim's or a fund's event as the projector reads it (the module's docstring)."""

    __slots__ = ("__dict__", "_mapper", "_source")
    event_class: type = object

    def domain_event(self) -> Any:
        """The library's event, decoded from the stored event (for a patchless event type: rare)."""
        source = self._source
        return self._mapper.to_domain_event(source) if isinstance(source, StoredEvent) else source

    def data(self) -> dict:
        """`event_data` of the event: its fields, person parties masked. A party is a dict with
        a sealed copy, and every "sealed" key of the stored text is one: when the event's own
        keys hold them all, the nested values (facts, explanations) need no walk."""
        source = self._source
        if not isinstance(source, StoredEvent):
            return event_data(self)
        data = {k: v for k, v in self.__dict__.items() if k not in EVENT_METADATA}
        sealed = source.state.count(_SEALED)
        if sealed:
            parties = [k for k, v in data.items() if type(v) is dict and "sealed" in v]
            if len(parties) != sealed:
                return masked(data)
            for k in parties:
                data[k] = masked(data[k])
        return data


class _Undecided(Exception):
    """A stored state the plain decode does not give exactly as the library would."""


@cache
def fields_class(topic: str) -> type[EventFields] | None:
    """The fields' class of an event topic, None for an aggregate that is not in AGGREGATES."""
    cls = resolve_topic(topic)
    if cls.__qualname__.split(".")[0] not in AGGREGATES:
        return None
    return type(cls.__name__, (EventFields,), {"__slots__": (), "__qualname__": cls.__qualname__,
                                                "__module__": __name__, "event_class": cls})


class EventReader:
    """Stored events to what the projector reads: fields for AGGREGATES' events, the
    library's events for the others."""

    def __init__(self, mapper: Mapper):
        self.mapper = mapper
        self._names = mapper.transcoder.names
        self._plain_ok = mapper.cipher is None and mapper.compressor is None

    def read(self, stored: StoredEvent) -> Any:
        kind = fields_class(stored.topic)
        if kind is None:
            return self.mapper.to_domain_event(stored)
        data = stored.state
        if self._plain_ok and _LONG_NUMBER not in data.translate(_DIGITS):
            try:
                state = orjson.loads(data)
            except orjson.JSONDecodeError:
                state = None
            if type(state) is dict:
                try:
                    # An event's dates and its timestamp are values of its own keys: when
                    # every tag of the text is among them, the nested values (facts, parties,
                    # explanations) are already what the library's decode gives.
                    if self._top(state) != data.count(_TAG):
                        self._plain(state)
                except _Undecided:
                    pass
                else:
                    if state.pop("class_version", 1) >= getattr(kind.event_class, "class_version", 1):
                        state["timestamp"] = _utc_text(state["timestamp"])
                        state["originator_id"] = find_id_convertor(
                            kind.event_class, type(stored.originator_id))(stored.originator_id)
                        state["originator_version"] = stored.originator_version
                        return _made(kind, state, stored, self.mapper)
        return self.of_event(self.mapper.to_domain_event(stored), stored)

    def of_event(self, domain_event: Any, source: Any = None) -> Any:
        """The fields of a library's event (the decode's own, or given to process_event)."""
        kind = fields_class(f"{type(domain_event).__module__}:{type(domain_event).__qualname__}")
        if kind is None:
            return domain_event
        state = {}
        for key, value in domain_event.__dict__.items():
            if key == "timestamp":
                state[key] = utc_text(value)
            elif key == "originator_id":
                state[key] = value
            else:
                state[key] = _as_text(value)
        return _made(kind, state, domain_event if source is None else source, self.mapper)

    def _top(self, state: dict) -> int:
        """Replaces the tagged values of the state's own keys, as _plain does; returns how many."""
        count = 0
        for key, value in state.items():
            if type(value) is dict and len(value) == 2 and "_type_" in value and "_data_" in value:
                if key == "timestamp" and value["_type_"] == _DATETIME and type(value["_data_"]) is str:
                    state[key] = value["_data_"]  # made utc_text by read()
                else:
                    state[key] = self._untag(value)
                count += 1
        return count

    def _plain(self, obj: Any) -> None:
        """Replaces, in place, each tagged value ({"_type_", "_data_"}) under `obj`: a date or a
        UUID by its text, another registered type by its object; inner values first, as the
        library's decode goes."""
        items = obj.items() if type(obj) is dict else enumerate(obj)
        for key, value in items:
            kind = type(value)
            if kind is dict:
                if len(value) == 2 and "_type_" in value and "_data_" in value:
                    obj[key] = self._untag(value)
                else:
                    self._plain(value)
            elif kind is list:
                self._plain(value)

    def _untag(self, tagged: dict) -> Any:
        name, data = tagged["_type_"], tagged["_data_"]
        if type(data) is dict or type(data) is list:
            self._plain(data)
            if type(data) is dict and len(data) == 2 and "_type_" in data and "_data_" in data:
                data = self._untag(data)
        if name == _DATE and type(data) is str:
            return data
        if name == _UUID and type(data) is str:
            return str(UUID(data))
        transcoding = self._names.get(name)
        if transcoding is None:
            raise _Undecided  # the library's decode says what is wrong
        return transcoding.decode(data)


def _utc_text(moment: Any) -> str:
    """utc_text of the timestamp, from the text the library stored where it can: an aware
    UTC datetime's isoformat with microseconds is 32 characters ending "+00:00"."""
    if type(moment) is str:
        if len(moment) == 32 and moment.endswith("+00:00") and moment[10] == "T":
            return moment[:26] + "Z"
        moment = dt.datetime.fromisoformat(moment)
    return utc_text(moment)


def _made(kind: type[EventFields], state: dict, source: Any, mapper: Mapper) -> EventFields:
    fields = object.__new__(kind)
    object.__setattr__(fields, "__dict__", state)
    fields._source, fields._mapper = source, mapper
    return fields


def _as_text(value: Any) -> Any:
    """A value of a library's event as the plain decode gives it: dates and UUIDs as text
    (what orjson writes of them), containers copied, the rest as it is."""
    kind = type(value)
    if kind is dt.date:
        return value.isoformat()
    if kind is UUID:
        return str(value)
    if kind is dict:
        return {k: _as_text(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_as_text(v) for v in value]
    return value
