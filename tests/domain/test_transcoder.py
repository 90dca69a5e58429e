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


# Encoding ---------------------------------------------------------------------------------
# The orjson encoder writes exactly the library's bytes, so old and new events are one format.

@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_encodes_byte_for_byte_as_the_library(state):
    assert OURS.encode(state) == LIBRARY.encode(state)
    assert OURS.decode(OURS.encode(state)) == state


@given(st.dictionaries(st.text(max_size=8), st.one_of(values, st.floats(), st.fractions().map(str)), max_size=6))
def test_floats_and_odd_values_go_to_the_library_encoder_unchanged(state):
    assert OURS.encode(state) == LIBRARY.encode(state)


def test_types_stay_exact_through_a_round_trip():
    from fractions import Fraction

    state = {"id": UUID(int=5), "on": dt.date(2022, 7, 1), "at": dt.datetime(2022, 7, 1, 8, 30, tzinfo=dt.timezone.utc),
             "d": Decimal("1.10"), "share": str(Fraction(1, 3)), "nested": [{"u": UUID(int=9)}, (1, "二")],
             "big": 2**70, "f": 0.5, "none": None, "yes": True}
    decoded = OURS.decode(OURS.encode(state))
    assert decoded == {**state, "nested": [{"u": UUID(int=9)}, [1, "二"]]}
    assert type(decoded["id"]) is UUID and type(decoded["on"]) is dt.date and type(decoded["at"]) is dt.datetime
    assert type(decoded["d"]) is Decimal
    assert OURS.encode(state) == LIBRARY.encode(state)


def test_what_neither_can_encode_fails_as_with_the_library():
    import pytest
    from eventsourcing.persistence import TranscodingNotRegisteredError

    with pytest.raises(TranscodingNotRegisteredError):
        OURS.encode({"x": object()})
    with pytest.raises(UnicodeEncodeError):
        OURS.encode({"x": "lone \ud800 surrogate"})


def test_non_string_keys_and_enums_are_written_as_the_library_writes_them():
    import enum

    class Colour(str, enum.Enum):
        RED = "red"

    state = {"m": {1: "one", 2.5: "x"}, "c": Colour.RED, "i": True}
    assert OURS.encode(state) == LIBRARY.encode(state)


def test_stored_fixtures_of_old_releases_decode_and_re_encode_to_their_own_bytes():
    """The fixtures were written by the library's encoder (earlier releases): each decodes
    the same with both transcoders and encodes back to the very bytes stored."""
    import json
    from pathlib import Path

    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    ours, library = app.mapper.transcoder, JSONTranscoder()
    app.register_transcodings(library)
    checked = 0
    for name in ("claims_v1.json", "tokens_v1.json", "parameters_v1.json"):
        fixture = json.loads((Path(__file__).parents[1] / "fixtures" / name).read_text())
        for event in fixture["events"]:
            stored = event["state"].encode()
            decoded = ours.decode(stored)
            assert decoded == library.decode(stored)
            assert ours.encode(decoded) == stored
            checked += 1
    assert checked > 20


def test_every_event_the_demo_writes_round_trips_and_keeps_its_bytes(tmp_path):
    """A ledger loaded with the demo data (every program and status): each stored event
    decodes to the domain event it was, and encodes again to its stored bytes."""
    from ledger.transcoder import LedgerTranscoder as Ours
    from runtime.container import Runtime
    from runtime.demo import load_demo_data
    from runtime.settings import Settings

    rt = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/l.db", pii_key="ab" * 32, seal_key="cd" * 32,
                          chain_key="ce" * 32))
    rt.start(project=False)
    try:
        load_demo_data(rt.ledger, claims_per_city=12)
        mapper = rt.app.mapper
        assert isinstance(mapper.transcoder, Ours)
        library = JSONTranscoder()
        rt.app.register_transcodings(library)
        topics = set()
        for n in rt.ledger.stored_events():
            decoded = mapper.transcoder.decode(n.state)
            assert decoded == library.decode(n.state)
            assert mapper.transcoder.encode(decoded) == n.state
            event = mapper.to_domain_event(n)
            assert mapper.to_stored_event(event).state == n.state
            topics.add(n.topic)
        assert len(topics) >= 15
    finally:
        rt.close()
