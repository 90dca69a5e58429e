"""How events become bytes and back. Encoding is exactly the library's JSONTranscoder, so
the stored bytes (and the hash chain over them) do not depend on this module; decoding,
which rebuilds and aggregate loads do for every event, uses orjson."""
from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class _MaybeMisread(Exception):
    pass


class LedgerTranscoder(JSONTranscoder):
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
