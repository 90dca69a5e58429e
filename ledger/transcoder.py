"""How events become bytes and back. Encoding is exactly the library's JSONTranscoder, so
the stored bytes (and the hash chain over them) do not depend on this module; decoding,
which rebuilds and aggregate loads do for every event, uses orjson."""
from __future__ import annotations

import re
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


# orjson reads an integer beyond 64 bits as a float instead of refusing it; every integer
# of up to 18 digits fits, so only bytes with a longer run of digits take the slow path.
_LONG_DIGITS = re.compile(rb"\d{19}")


class LedgerTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        if _LONG_DIGITS.search(data):
            return super().decode(data)
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            # What orjson refuses but the library's encoder can write (NaN, Infinity): the
            # library's decoder reads it as it always did.
            return super().decode(data)
        return self._revive(obj)

    def _revive(self, obj: Any) -> Any:
        # Inner objects first, as json's object_hook sees them: a transcoded value's data
        # is already decoded when its own {"_type_", "_data_"} object is.
        if isinstance(obj, dict):
            for key, value in obj.items():
                if isinstance(value, (dict, list)):
                    obj[key] = self._revive(value)
            return self._decode_obj(obj)
        if isinstance(obj, list):
            for i, value in enumerate(obj):
                if isinstance(value, (dict, list)):
                    obj[i] = self._revive(value)
        return obj
