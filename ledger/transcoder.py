"""How events become bytes and back, with orjson both ways.

Encoding writes exactly the bytes the library's JSONTranscoder writes (compact separators,
UTF-8 as is, `{"_type_": name, "_data_": ...}` for every registered type: UUIDs as hex,
datetimes and dates as ISO text, Decimals as text), so events stored before this module
encoded with orjson, the hash chain over them and events stored after are all one format,
and decoding reads both. orjson alone would change types: it writes a UUID, a datetime or a
date as a plain string, which decodes as a `str`. So the state is first walked once in
Python, registered types replaced by their tagged form, and what the walk does not
recognise as certainly byte-identical goes to the library's encoder instead: floats (orjson
formats some differently, e.g. 1e+16), integers beyond 64 bits, dict keys that are not
`str`, subclasses of str/int (enums), unregistered types (the library's own error), and
strings orjson refuses (lone surrogates)."""
from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class _MaybeMisread(Exception):
    pass


class _NotPlain(Exception):
    """A value the orjson path cannot write byte-identically: the library's encoder does it."""


_PLAIN = (str, int, bool, type(None))  # exact types written the same by orjson and json


class LedgerTranscoder(JSONTranscoder):
    def encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(self._tag(obj))
        except (_NotPlain, orjson.JSONEncodeError, TypeError, RecursionError):
            return super().encode(obj)

    def _tag(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is dict:
            out = {}
            for key, value in obj.items():
                if type(key) is not str:
                    raise _NotPlain
                out[key] = value if type(value) in _PLAIN else self._tag(value)
            return out
        if kind is list or kind is tuple:
            return [value if type(value) in _PLAIN else self._tag(value) for value in obj]
        if kind in _PLAIN:
            return obj
        transcoding = self.types.get(kind)
        if transcoding is None:
            raise _NotPlain  # floats, subclasses, unregistered types
        data = transcoding.encode(obj)
        return {"_type_": transcoding.name, "_data_": data if type(data) in _PLAIN else self._tag(data)}

    def decode(self, data: bytes) -> Any:
        try:
            return self._revive(orjson.loads(data))
        except (orjson.JSONDecodeError, _MaybeMisread):
            # What orjson refuses but the library's encoder can write (NaN, Infinity), and
            # any float: orjson reads an integer beyond 64 bits as one, where the library
            # gives the integer. Money is integer fen, so floats are rare in events.
            return super().decode(data)

    def _revive(self, obj: Any) -> Any:
        # Inner objects first, as json's object_hook sees them: a transcoded value's data
        # is already decoded when its own {"_type_", "_data_"} object is. orjson makes
        # plain dicts and lists only, so exact type checks suffice.
        if type(obj) is dict:
            for key, value in obj.items():
                kind = type(value)
                if kind is dict or kind is list:
                    obj[key] = self._revive(value)
                elif kind is float:
                    raise _MaybeMisread
            return self._decode_obj(obj)
        if type(obj) is list:
            for i, value in enumerate(obj):
                kind = type(value)
                if kind is dict or kind is list:
                    obj[i] = self._revive(value)
                elif kind is float:
                    raise _MaybeMisread
        elif type(obj) is float:
            raise _MaybeMisread
        return obj
