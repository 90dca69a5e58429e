"""A hypothesis-driven fuzz over every POST, PUT and DELETE endpoint and every query of the
OpenAPI schema, on SQLite and PostgreSQL, with what schema-driven tools do not produce by
default: lone surrogates and control characters in any string, integers beyond 64 bits,
floats, deep nesting, huge and empty bodies, odd charsets, dates at the edges of time.

Each request starts from a well-formed call of its endpoint (tests/api/test_authorization_
matrix.py's World) and has one part replaced by something hostile, or is sent as hostile
bytes altogether. Asserted: never a 5xx; a refused request records nothing (at most the
idempotency record of a kept refusal). After the run: the chain and every seal and
snapshot verify, the read models equal a rebuild, and every aggregate of the log loads."""
from __future__ import annotations

import copy
import json
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.routes import all_routes
from api.throttle import Throttle
from runtime.replay import replay_and_compare

from .api.test_authorization_matrix import ROUTES, World
from .conftest import Staff
from .profiles import search
from .support import ADMIN_TOKEN, Api, token_pair

EXAMPLES = search(800, 4000)

# Strings no schema-driven generator sends by default.
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "a\x07b", "\t", "\n", "\r\n", "\x1b[31m", "", " ", "   ",
                     "长" * 201, "x" * 10_000, "0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01",
                     "2022-02-29", "2022-13-01", "2000-01-01", "2099-12-31", "2022-06-30T24:00:00Z",
                     "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "-1.00", "0.00", "1e3", "NaN",
                     "99999999999999.99", "1500.001", "=HYPERLINK(\"http://x\")", "../../etc/passwd",
                     "'; DROP TABLE stored_events; --", "\u202e", "\ufeff", "𠀀" * 3, "11010519491231002X"]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5),
)
HOSTILE_NUMBER = st.one_of(st.sampled_from([0, -1, 2**31, 2**53, 2**63, 2**64, 10**30, -10**30, 2**62 + 1]),
                           st.integers(), st.floats(allow_nan=True, allow_infinity=True))
HOSTILE_VALUE = st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER, st.none(), st.booleans(), st.just([]), st.just({}),
                          st.just([[[[[]]]]]), st.builds(lambda n: {"x": n}, HOSTILE_TEXT))
DEEP = st.integers(min_value=30, max_value=400).map(lambda n: "[" * n + "]" * n)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    yield path


def _replace(value, path, new):
    if not path:
        return new
    value = copy.deepcopy(value)
    target = value
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return value


@st.composite
def hostile_requests(draw, world: World, routes: list[tuple[str, str]]):
    method, path = draw(st.sampled_from(routes))
    concrete, query, body = world.request(method, path)
    headers = {}
    content = None
    how = draw(st.sampled_from(["body-leaf", "body-key", "query", "raw-bytes", "charset", "deep", "empty",
                                "path", "idempotency"]))
    if how == "body-leaf" and body is not None:
        leaf = draw(st.sampled_from(list(_leaves(body))))
        body = _replace(body, leaf, draw(HOSTILE_VALUE))
    elif how == "body-key" and isinstance(body, dict):
        body = {**body, draw(HOSTILE_TEXT): draw(HOSTILE_VALUE)}
    elif how == "query":
        name = draw(st.sampled_from([*query, "limit", "cursor", "as_of", "as_of_position", "from", "to", "region",
                                     "fund_id", "program", "status", "applicant_id", "after_position",
                                     "submitted_from", "on", "rule_version"]))
        query = {**query, name: draw(st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER.map(str)))}
    elif how == "raw-bytes" and method != "GET":
        content = draw(st.one_of(st.binary(max_size=200), st.just(b'{"a": "\\ud800"}'),
                                 st.just(b'{"a": 1' + b"0" * 400 + b"}"), st.just(b"\xff\xfe{}"),
                                 st.just(b'{"a": 1, "a": 2}'), st.just(b"[]"), st.just(b"null")))
    elif how == "charset" and method != "GET":
        charset = draw(st.sampled_from(["rot13", "base64", "zlib", "punycode", "unicode_escape", "utf-16", "gbk",
                                        "latin-1", "x-unknown", ""]))
        headers["Content-Type"] = draw(st.sampled_from(["application/json", "text/csv", "text/plain"])) + (
            f"; charset={charset}" if charset else "")
        content = (b"date,amount,direction\n2022-07-20,1.00,credit\n" if body is None or "csv" in str(body)
                   else json.dumps(body, ensure_ascii=True).encode())
    elif how == "deep" and method != "GET":
        content = ('{"facts": ' + draw(DEEP) + "}").encode()
    elif how == "empty" and method != "GET":
        content = b""
    elif how == "path":
        hostile = draw(st.sampled_from(["%00", "..", "%2e%2e", "a" * 300, "00000000-0000-0000-0000-000000000000",
                                        "11010519491231002X", "%F0%9F%98%80", "-1", "999999999999999999999"]))
        parts = concrete.split("/")
        i = draw(st.integers(min_value=2, max_value=len(parts) - 1)) if len(parts) > 2 else 1
        concrete = "/".join([*parts[:i], hostile, *parts[i + 1:]])
    elif how == "idempotency" and method != "GET":
        headers["Idempotency-Key"] = draw(st.sampled_from(["k-1", "k-1", "k-2", " ", "ä", "x" * 201]))
        if body is not None and draw(st.booleans()):
            leaf = draw(st.sampled_from(list(_leaves(body))))
            body = _replace(body, leaf, draw(HOSTILE_VALUE))
    return method, concrete, query, body, content, headers


def _send(client, token, method, path, query, body, content, headers):
    """Sends what a client that does not care sends: query values and headers as the bytes
    their text makes (lone surrogates included), a body as JSON or as the bytes given."""
    raw = {"Authorization": f"Bearer {token}", **headers}
    raw_headers = {k: v.encode("utf-8", "surrogatepass") for k, v in raw.items()}
    if query:
        path += "?" + "&".join(f"{quote(str(k).encode('utf-8', 'surrogatepass'))}="
                               f"{quote(str(v).encode('utf-8', 'surrogatepass'))}" for k, v in query.items())
    if content is None and body is not None:
        # ensure_ascii: lone surrogates and other text as JSON escapes; NaN as JSON's non-standard NaN.
        content = json.dumps(body, ensure_ascii=True).encode()
    if content is not None:
        raw_headers.setdefault("Content-Type", b"application/json")
    return client.request(method, path, content=content, headers=raw_headers)


@pytest.fixture
def fuzzed(settings):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.app.state.throttle = Throttle(1_000_000, None)  # thousands of failures from one client, on purpose
        admin = Api(client, ADMIN_TOKEN)
        world = World(client, admin, Staff(admin))
        token, digest = token_pair()
        everyone = admin.post("/v1/users", {"name": "fuzz", "roles": ["admin", "clerk", "reviewer", "treasurer",
                                                                      "auditor"], "regions": ["000000"],
                                            "token_sha256": digest})
        assert everyone.status_code == 201, everyone.text
        yield client, world, token


@pytest.mark.slow
def test_hostile_requests_never_break_the_ledger(fuzzed):
    client, world, token = fuzzed
    rt = client.app.state.runtime
    routes = sorted((m, p) for (m, p), rule in ROUTES.items() if rule.roles is not None)
    assert {(m, p) for m, p in routes} <= {(m, r.path) for r in all_routes(client.app)
                                           for m in (getattr(r, "methods", None) or ())}
    seen: dict[int, int] = {}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(request=hostile_requests(world, routes))
    def one(request):
        method, path, query, body, content, headers = request
        before = rt.ledger.head_position()
        r = _send(client, token, method, path, query, body, content, headers)
        seen[r.status_code] = seen.get(r.status_code, 0) + 1
        assert r.status_code < 500 or r.status_code == 503, (method, path, query, body, content, r.text[:500])
        if r.status_code >= 400 and method != "GET":
            added = [rt.app.mapper.to_domain_event(n) for n in rt.ledger.stored_events(after=before)]
            # A refusal records nothing (its idempotency record is kept outside the log);
            # other callers' writes do not exist here.
            assert added == [], (method, path, r.status_code, added)

    one()
    assert sum(seen.values()) >= EXAMPLES, seen   # the run happened
    assert seen.get(503, 0) == 0, seen
    print(sorted(seen.items()))
    # Afterwards the ledger is whole: chain, seals, snapshots, read models, every aggregate.
    rt.reads.wait_consistent()
    check = rt.ledger.verify_chain()
    assert check["ok"], check
    assert replay_and_compare(rt)["differences"] == []
    ids = {n.originator_id for n in rt.ledger.stored_events()}
    for aggregate_id in ids:
        rt.app.repository.get(aggregate_id)
    # And it still takes commands.
    staff = world.staff
    r = staff.treasurer.post(f"/v1/funds/{world.es}/allocations", {"amount": "1.00", "source": "central",
                                                                   "document_no": "after", "effective_date":
                                                                   "2022-07-03"})
    assert r.status_code == 201, r.text
