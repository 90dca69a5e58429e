"""The ledger's transcoder decodes every stored event exactly as the library's JSONTranscoder
would (the encoding is the library's own), including what orjson alone cannot read."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from uuid import UUID

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex
from hypothesis import given
from hypothesis import strategies as st

from ledger.application import DateAsISO, LedgerApplication
from ledger.transcoder import LedgerTranscoder


def _pair() -> tuple[JSONTranscoder, LedgerTranscoder]:
    library, ours = JSONTranscoder(), LedgerTranscoder()
    for t in (library, ours):
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
            t.register(transcoding)
    return library, ours


LIBRARY, OURS = _pair()

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False), st.text(), st.uuids(), st.dates(),
    st.datetimes(timezones=st.just(dt.timezone.utc)), st.decimals(allow_nan=False, allow_infinity=False))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                             max_size=4), max_leaves=30)


@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_decodes_whatever_the_library_encodes_exactly_as_the_library_decodes(state):
    data = LIBRARY.encode(state)
    assert OURS.decode(data) == LIBRARY.decode(data) == state


def test_integers_beyond_64_bits_and_nan_fall_back_to_the_library_decoder():
    state = {"big": 2**80, "nan": float("nan"), "when": dt.date(2022, 7, 1)}
    decoded = OURS.decode(LIBRARY.encode(state))
    assert decoded["big"] == 2**80 and math.isnan(decoded["nan"]) and decoded["when"] == dt.date(2022, 7, 1)


def test_nested_transcoded_values_are_revived_inside_lists_and_objects():
    state = {"a": [{"id": UUID(int=7), "amounts": [Decimal("1.50"), dt.date(2022, 1, 2)]}]}
    assert OURS.decode(LIBRARY.encode(state)) == state


def test_the_application_uses_it(tmp_path):
    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                 "SQLITE_DBNAME": str(tmp_path / "t.db")})
    assert isinstance(app.mapper.transcoder, LedgerTranscoder)
    app.close()
