"""The input limits of API.md (Conventions: input limits; balance ceiling), each reproduction
of the security review refused at the edge with a clear 4xx and nothing recorded, and
what is already stored (by a release before the limits) never breaking a later read or
export."""
from __future__ import annotations

import asyncio
import datetime as dt
import zlib
from uuid import uuid4

import orjson
import pytest

from ledger.domain.fund import Fund
from ledger.domain.ids import fund_aggregate_id, program_parameters_aggregate_id
from ledger.domain.policy import ProgramParameters

from ..conftest import open_fund
from ..support import ADMIN_TOKEN, job_expansion_claim
from .helpers import assert_problem, fund_balance, skill_certificate_claim

KEY = {"Idempotency-Key": "limits-1"}


def raw_post(api, path: str, body: bytes, headers: dict | None = None):
    """A body sent as the bytes given: what a careless or hostile client sends, which a
    JSON library would refuse to produce (lone surrogates, numbers beyond 64 bits)."""
    return api.client.post(path, content=body, headers={**api._headers(headers), "Content-Type": "application/json"})


def head(client) -> int:
    return client.app.state.runtime.ledger.head_position()


def claim_json(**changes) -> bytes:
    """A job_expansion claim as JSON text, with fields replaced by raw JSON fragments."""
    text = orjson.dumps(job_expansion_claim()).decode()
    for name, fragment in changes.items():
        start = text.index(f'"{name}":') + len(name) + 3
        depth, end = 0, start
        while True:  # the end of the value that stands there now
            ch = text[end]
            if ch in "{[":
                depth += 1
            elif ch in "}]":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            elif ch == '"':
                end = text.index('"', end + 1)
            end += 1
        text = text[:start] + fragment + text[end:]
    return text.encode()


@pytest.mark.parametrize("fragment, field", [
    ('{"graduation_year": 100000000000000000000000000000, "contract_start": "2022-07-01", '
     '"unemployment_insured": true}', "facts.graduation_year"),
    ('{"graduation_year": 9007199254740992, "contract_start": "2022-07-01", "unemployment_insured": true}',
     "facts.graduation_year"),
    ('{"graduation_year": 2022.5, "contract_start": "2022-07-01", "unemployment_insured": true}',
     "facts.graduation_year"),  # 2022.0 is the integer 2022 (tests/api/test_schema_matches_service.py)
    ('{"graduation_year": 2022, "contract_start": "\\ud800", "unemployment_insured": true}', "body"),
    ('{"graduation_year": 2022, "contract_start": "2022-07-01\\u0000", "unemployment_insured": true}',
     "facts.contract_start"),
    ('{"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": true, "x":' + "[" * 300
     + "]" * 300 + "}", "facts.x"),
], ids=["int-10**30", "int-2**53", "float", "lone-surrogate", "nul", "nested-300"])
def test_hostile_facts_are_refused_and_the_refusal_kept_under_its_key(client, staff, fragment, field):
    before = head(client)
    body = claim_json(facts=fragment)
    first = assert_problem(raw_post(staff.clerk, "/v1/claims", body, KEY), 422, "validation_error")
    assert first["field"].startswith(field), first
    again = raw_post(staff.clerk, "/v1/claims", body, KEY)
    assert again.status_code == 422 and again.json()["detail"] == first["detail"]
    # The refusal is kept (a 422), and nothing else was recorded.
    assert head(client) - before <= 1
    assert_problem(raw_post(staff.clerk, "/v1/claims", claim_json(), KEY), 422, "idempotency_mismatch")


@pytest.mark.parametrize("fragment", ['"\\ud800"', '"\\udfff abc"', '"abc\\u0007"', '"\\t"', '"  "', '""',
                                      '"' + "长" * 201 + '"'])
def test_text_fields_refuse_lone_surrogates_controls_and_bad_lengths(client, staff, funds, fragment):
    before = head(client)
    body = ('{"amount": "10.00", "source": "central", "document_no": ' + fragment
            + ', "effective_date": "2022-06-20"}').encode()
    r = raw_post(staff.treasurer, f"/v1/funds/{funds['es']}/allocations", body, {"Idempotency-Key": "doc-1"})
    assert_problem(r, 422, "validation_error")
    assert fund_balance(staff.treasurer, funds["es"])["allocated"] == "200000.00"
    assert head(client) - before <= 1


def test_a_lone_surrogate_in_a_certificate_occupation_is_refused(client, staff):
    body = orjson.dumps(skill_certificate_claim(occupation="OCCUPATION")).replace(b"OCCUPATION", b"\\ud800")
    assert_problem(raw_post(staff.clerk, "/v1/claims", body), 422, "validation_error")
    body = orjson.dumps(skill_certificate_claim(occupation="OCCUPATION")).replace(b"OCCUPATION", b"\\u0001x")
    assert_problem(raw_post(staff.clerk, "/v1/claims", body), 422, "validation_error", "facts.occupation")


@pytest.mark.parametrize("query, field", [
    ({"submitted_from": "0001-01-01"}, "submitted_from"),
    ({"submitted_to": "9999-12-31T23:59:59Z"}, "submitted_to"),
    ({"limit": "1001"}, "limit"),
    ({"limit": "100000000000000000000000"}, "limit"),
    ({"region": "21010"}, "region"),
    ({"cursor": "\u0000"}, "cursor"),
    ({"program": "pension"}, "program"),
    ({"fund_id": "employment_subsidy:21010X"}, "fund_id"),
])
def test_query_filters_out_of_range_are_422(staff, query, field):
    assert_problem(staff.auditor.get("/v1/claims", **query), 422, "validation_error", field)


@pytest.mark.parametrize("path", ["/v1/funds", "/v1/funds/employment_subsidy:210100", "/v1/reports/payees",
                                  "/v1/programs/internship"])
def test_as_of_and_dates_outside_the_business_range_are_422(staff, path):
    for params in ({"as_of": "0001-01-01T00:00:00Z"}, {"as_of": "9999-12-31T00:00:00Z"}):
        r = staff.admin.get(path, **params)
        assert r.status_code in (422,), r.text


def test_control_characters_in_a_query_or_header_are_422(client, staff):
    r = staff.auditor.get("/v1/claims", program="job_expansion\u0001")
    assert_problem(r, 422, "validation_error", "program")
    r = client.get("/v1/claims?program=%FF%FE", headers=staff.auditor._headers(None))
    assert_problem(r, 422, "validation_error", "query")
    r = staff.clerk.post("/v1/claims", job_expansion_claim(), headers={"Idempotency-Key": "a\u0007b"})
    assert r.status_code == 422


def test_an_allocation_dated_outside_the_business_range_is_refused(staff, funds):
    for day in ("9999-12-31", "1999-12-31", "2100-01-01"):
        r = staff.treasurer.post(f"/v1/funds/{funds['es']}/allocations",
                                 {"amount": "10.00", "source": "central", "document_no": "X", "effective_date": day})
        assert_problem(r, 422, "validation_error", "effective_date")
    assert fund_balance(staff.treasurer, funds["es"])["allocated"] == "200000.00"


def test_parameter_values_outside_their_unit_range_are_refused(client, staff):
    before = head(client)
    body = (b'{"region": "210000", "effective_from": "2027-01-01", "values": {"max_term_months": '
            b'1000000000000000000000000000000}, "document_no": "X", "reason": "Y"}')
    r = client.put("/v1/programs/internship/parameters", content=body,
                   headers={**staff.admin._headers(None), "Content-Type": "application/json"})
    assert_problem(r, 422, "validation_error")
    r = staff.admin.put("/v1/programs/internship/parameters", {
        "region": "210000", "effective_from": "2027-01-01", "values": {"max_term_months": 121},
        "document_no": "X", "reason": "Y"})
    assert_problem(r, 422, "validation_error", "values.max_term_months")
    assert head(client) == before
    assert staff.admin.get("/v1/programs/internship").status_code == 200


# ---- sizes, authentication before parsing, media types --------------------------------


def asgi_call(app, method: str, path: str, headers: dict, body_chunks: list[bytes] | None):
    """Calls the ASGI application directly and notes whether it asked for the body at all."""
    asked = []
    chunks = list(body_chunks or [])

    async def receive():
        asked.append(True)
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.request", "body": b"", "more_body": False}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "scheme": "http", "server": ("test", 80), "client": ("127.0.0.1", 1234),
             "http_version": "1.1", "app": app,
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], orjson.loads(body), bool(asked)


def test_a_huge_body_is_413_before_a_byte_is_read(client):
    status, body, read = asgi_call(client.app, "POST", "/v1/claims",
                                   {"content-type": "application/json", "content-length": str(50 << 20)}, None)
    assert (status, body["code"], read) == (413, "payload_too_large", False)
    # With a valid token too, and for a statement beyond its own 16 MiB.
    status, body, read = asgi_call(client.app, "POST", "/v1/bank-statements",
                                   {"content-type": "text/csv", "content-length": str(17 << 20),
                                    "authorization": f"Bearer {ADMIN_TOKEN}"}, None)
    assert (status, body["code"], read) == (413, "payload_too_large", False)


def test_no_token_is_401_before_the_body_is_read_or_parsed(client):
    status, body, read = asgi_call(client.app, "POST", "/v1/claims",
                                   {"content-type": "application/json", "content-length": "900000"}, None)
    assert (status, body["code"], read) == (401, "unauthenticated", False)


def test_a_streamed_body_without_a_length_is_413_once_it_outgrows_the_limit(client, staff):
    chunk = b" " * (256 << 10)
    status, body, _ = asgi_call(client.app, "POST", "/v1/claims",
                                {"content-type": "application/json", "transfer-encoding": "chunked",
                                 "authorization": f"Bearer {staff.clerk.token}"}, [chunk] * 5 + [b"{}"])
    assert (status, body["code"]) == (413, "payload_too_large")


@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "punycode", "unicode_escape", "utf-7",
                                     "no-such-charset"])
def test_a_statement_in_a_charset_that_is_not_a_text_encoding_is_415(client, staff, funds, charset):
    body = zlib.compress(b"date,amount,direction\n2022-07-20,1.00,debit\n") if charset == "zlib" else \
        b"date,amount,direction\n2022-07-20,1.00,debit\n"
    r = client.post("/v1/bank-statements", params={"fund_id": funds["ui"]}, content=body,
                    headers={**staff.treasurer._headers(None), "Content-Type": f"text/csv; charset={charset}"})
    assert_problem(r, 415, "unsupported_media_type", "Content-Type")


def test_a_statement_with_control_characters_is_422_and_gbk_is_read(client, staff, funds):
    r = client.post("/v1/bank-statements", params={"fund_id": funds["ui"]},
                    content=b"date,amount,direction\n2022-07-20,1.00,debit\x00\n",
                    headers={**staff.treasurer._headers(None), "Content-Type": "text/csv"})
    assert_problem(r, 422, "validation_error", "csv")
    text = "date,amount,direction,reference,counterparty\n2022-07-20,1.00,credit,,利息\n"
    r = client.post("/v1/bank-statements", params={"fund_id": funds["ui"]}, content=text.encode("gbk"),
                    headers={**staff.treasurer._headers(None), "Content-Type": "text/csv; charset=GBK"})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1", "application/xml"])
def test_a_json_endpoint_refuses_other_media_types_with_415(client, staff, content_type):
    r = client.post("/v1/claims", content=orjson.dumps(job_expansion_claim()),
                    headers={**staff.clerk._headers(None), "Content-Type": content_type})
    assert_problem(r, 415, "unsupported_media_type", "Content-Type")


# ---- the balance ceiling ---------------------------------------------------------------

MAX = "9999999999999.99"


def test_no_balance_component_passes_the_ceiling(client, staff):
    fund = open_fund(staff.treasurer, "employment_subsidy", "210300")
    body = {"amount": MAX, "source": "central", "document_no": "最大", "effective_date": "2022-06-20"}
    assert staff.treasurer.post(f"/v1/funds/{fund}/allocations", body).status_code == 201
    before = head(client)
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", {**body, "amount": "0.01"}), 409,
                   "limit_exceeded")
    assert head(client) == before
    assert fund_balance(staff.treasurer, fund)["allocated"] == MAX


def test_money_moved_in_circles_cannot_grow_a_fund_beyond_the_ceiling(client, staff):
    """9,230 maximal allocations once overflowed the read model's 64-bit integers; money
    moved back and forth between a province and a city would do the same to their summed
    movements. A fund's money received over its life is bounded too."""
    province = open_fund(staff.treasurer, "employment_subsidy", "210000")
    city = open_fund(staff.treasurer, "employment_subsidy", "210100")
    half = "5000000000000.00"
    staff.treasurer.post(f"/v1/funds/{province}/allocations", {"amount": half, "source": "central",
                                                                "document_no": "A", "effective_date": "2022-06-20"})
    move = {"amount": half, "document_no": "划拨", "effective_date": "2022-06-21"}
    assert staff.treasurer.post("/v1/fund-transfers", {**move, "from_fund": province, "to_fund": city}).status_code == 201
    r = staff.treasurer.post("/v1/fund-transfers", {**move, "from_fund": city, "to_fund": province})
    assert_problem(r, 409, "limit_exceeded")   # the province has received 5e12 + 5e12 > the ceiling
    assert fund_balance(staff.treasurer, city)["allocated"] == half
    assert staff.auditor.get("/v1/reports/fund-usage", fund_id=province, **{"from": "2022-06-01",
                                                                            "to": "2022-06-30"}).status_code == 200


# ---- what was stored before the limits never breaks a read or an export ----------------


def test_a_huge_integer_stored_by_an_older_release_breaks_no_read(client, staff):
    """`PUT parameters` with max_term_months 10**30 was once committed, and from then on
    /v1/audit/events, its NDJSON stream, parameter-versions and GET /programs failed."""
    ledger = client.app.state.runtime.ledger

    def legacy(uow):
        aggregate_id = program_parameters_aggregate_id("internship")
        parameters = uow.find(ProgramParameters, aggregate_id) or uow.add(
            ProgramParameters(id=aggregate_id, program="internship"))
        parameters.record_version(version_id=str(uuid4()), region="210100", effective_from=dt.date(2022, 6, 4),
                                  effective_to=None, values={"max_term_months": 10**30}, document_no=None,
                                  reason=None, actor="an older release", proposed_by="an older release",
                                  retroactive=None, rule_version=None)
    ledger.writer.execute(legacy)
    admin = staff.admin
    for path, params in (("/v1/audit/events", {"limit": 1000}), ("/v1/programs/internship/parameter-versions", {}),
                         ("/v1/programs/internship", {"region": "210100"}), ("/v1/programs", {})):
        r = admin.get(path, **params)
        assert r.status_code == 200, (path, r.text)
    assert "1000000000000000000000000000000" in admin.get("/v1/programs/internship/parameter-versions").text
    r = admin.get("/v1/audit/events", headers={"Accept": "application/x-ndjson"})
    assert r.status_code == 200 and r.text.count("\n") >= 1
    assert "1000000000000000000000000000000" in r.text


def test_a_far_date_stored_by_an_older_release_breaks_no_export(client, staff, tmp_path):
    """An allocation dated 9999-12-31 once broke `ledger export --format beancount` for good."""
    from projections.reads.journal import write_journal

    fund = open_fund(staff.treasurer, "employment_subsidy", "210400", "100.00")
    ledger = client.app.state.runtime.ledger

    def legacy(uow):
        uow.get(Fund, fund_aggregate_id(fund), fund).allocate(
            allocation_id=str(uuid4()), amount_fen=100, source="central", document_no="old", memo=None,
            effective_date=dt.date.max, actor="an older release")
    ledger.writer.execute(legacy)
    summary = write_journal(ledger, tmp_path / "journal.beancount")
    assert summary["transactions"] >= 2
    assert "9999-12-31" in (tmp_path / "journal.beancount").read_text()


def test_the_openapi_schema_publishes_the_limits(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    allocation = components["AllocationIn"]["properties"]
    assert allocation["document_no"]["maxLength"] == 200 and allocation["document_no"]["pattern"]
    assert allocation["effective_date"]["pattern"].startswith("^((20")
    claim = components["ClaimIn"]  # one named variant per program (api/openapi.py)
    variants = [components[v["$ref"].rsplit("/", 1)[1]] for v in claim["oneOf"]]
    assert len(variants) == 19 and {v["properties"]["program"]["const"] for v in variants} >= {
        "job_expansion", "skill_certificate"}
    assert components["JobExpansionFacts"]["properties"]["graduation_year"]["maximum"] == 2100
    assert components["EnterpriseApplicantIn"]["properties"]["id"]["format"] == "gb32100"
    params = {p["name"]: p for p in schema["paths"]["/v1/claims"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 1000 and params["limit"]["schema"]["minimum"] == 1
    assert params["fund_id"]["schema"]["anyOf"][0]["pattern"]
    path_params = {p["name"]: p for p in schema["paths"]["/v1/claims/{claim_id}"]["get"]["parameters"]}
    assert path_params["claim_id"]["schema"]["pattern"]
