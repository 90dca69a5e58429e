"""/openapi.json refuses what the service refuses, where schemathesis found it looser: money
above zero, real calendar dates, months YYYY-MM, the usage reports' required period and
program, hashes of hex digits, facts named as the catalog names them, identifiers shaped as
GB 11643 / GB 32100 say; and what the schema admits the service takes (2091.0 is an integer;
an RFC 3339 zone's minutes are 00-59 on both sides)."""
from __future__ import annotations

import re

import pytest

from api.app import create_app
from api.schemas import IDENTITY_NUMBER_PATTERN

from ..support import credit_code, internship_claim, job_expansion_claim, person_id


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app().openapi()


def _parameters(document: dict, method: str, path: str) -> dict:
    """By name, with the members of a group of query parameters (api/openapi.py, QUERY_GROUPS)
    as parameters of their own."""
    found = {}
    for p in document["paths"][path][method]["parameters"]:
        if p.get("explode") and p["schema"].get("type") == "object":
            found.update({name: {"name": name, "schema": schema} for name, schema in p["schema"]["properties"].items()})
        else:
            found[p["name"]] = p
    return found


def _pattern(schema: dict) -> str:
    return next(s["pattern"] for s in schema.get("anyOf", [schema]) if "pattern" in s)


def test_money_is_above_zero_in_the_schema_as_in_the_service(document, staff):
    pattern = document["components"]["schemas"]["PaymentIn"]["properties"]["amount"]["pattern"]
    assert not re.fullmatch(pattern, "0.00") and not re.fullmatch(pattern, "00.10")
    assert all(re.fullmatch(pattern, m) for m in ("0.01", "0.10", "1500.00", "9999999999999.99"))
    r = staff.treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": "210100"})
    r = staff.treasurer.post(f"/v1/funds/{r.json()['fund_id']}/allocations", {
        "amount": "0.00", "source": "provincial", "document_no": "D-1", "effective_date": "2022-06-10"})
    assert r.status_code == 422 and r.json()["field"] == "amount"


def test_dates_are_real_calendar_days(document, staff):
    date = document["components"]["schemas"]["AllocationIn"]["properties"]["effective_date"]["pattern"]
    fact_date = document["components"]["schemas"]["JobExpansionFacts"]["properties"]["contract_start"]["pattern"]
    moment = _pattern(_parameters(document, "get", "/v1/funds")["as_of"]["schema"])
    for refused in ("2000-00-00", "2022-02-30", "2023-02-29", "2100-02-29", "2022-13-01", "2022-04-31"):
        assert not re.fullmatch(date, refused) and not re.fullmatch(fact_date, refused)
        assert not re.fullmatch(moment, refused + "T08:00:00+08:00")
    for taken in ("2000-02-29", "2024-02-29", "2022-12-31", "2099-12-31"):
        assert re.fullmatch(date, taken) and re.fullmatch(moment, taken + "T23:59:59.123456789Z")
    assert re.fullmatch(fact_date, "1952-02-29") and not re.fullmatch(fact_date, "1953-02-29")
    assert not re.fullmatch(moment, "2022-07-01T08:00:00+08:60")
    r = staff.auditor.get("/v1/funds", as_of="2022-07-01T08:00:00+08:60")  # Python would read +09:00
    assert r.status_code == 422 and r.json()["field"] == "as_of"


def test_the_period_close_month_and_the_verify_hash_have_their_shapes(document, staff):
    month = _parameters(document, "post", "/v1/periods/{fund_id}/{month}/close")["month"]["schema"]["pattern"]
    assert re.fullmatch(month, "2022-07") and not re.fullmatch(month, "2022-13") and not re.fullmatch(month, "2022-7")
    assert not re.fullmatch(month, "0000-01")
    r = staff.treasurer.post("/v1/periods/employment_subsidy:210100/0000-01/close", {})  # was a 500 (year 0)
    assert r.status_code == 422 and r.json()["field"] == "month"
    expect_hash = _pattern(_parameters(document, "get", "/v1/audit/verify")["expect_hash"]["schema"])
    assert re.fullmatch(expect_hash, "ab" * 32) and not re.fullmatch(expect_hash, "ab" * 31 + "a\n")
    r = staff.auditor.get("/v1/audit/verify", expect_position=1, expect_hash="a" * 63 + "\x01")
    assert r.status_code == 422 and r.json()["field"] == "expect_hash"


def test_the_usage_reports_require_their_period_and_program(document, staff):
    fund_usage = _parameters(document, "get", "/v1/reports/fund-usage")
    program_usage = _parameters(document, "get", "/v1/reports/program-usage")
    assert fund_usage["from"]["required"] and fund_usage["to"]["required"]
    assert program_usage["from"]["required"] and program_usage["to"]["required"] and program_usage["program"]["required"]
    r = staff.treasurer.get("/v1/reports/program-usage", **{"from": "2022-07-01", "to": "2022-07-31"})
    assert r.status_code == 422 and r.json()["field"] == "program"
    r = staff.treasurer.get("/v1/reports/fund-usage", fund_id="employment_subsidy:210100", to="2022-07-31")
    assert r.status_code == 422 and r.json()["field"] == "from"


def test_facts_are_named_as_the_catalog_names_them(document, staff, funds):
    names = document["components"]["schemas"]["FactsIn"]["properties"]["facts"]["properties"]
    assert "months_served" in names and not any(re.search(r"[\x00-\x1f]", n) for n in names)
    r = staff.clerk.post("/v1/claims", internship_claim())
    r = staff.clerk.post(f"/v1/claims/{r.json()['claim_id']}/facts", {"facts": {"months\x01": 1}})
    assert r.status_code == 422


def test_identifiers_are_shaped_as_the_ledger_checks_them(document):
    schemas = document["components"]["schemas"]
    person = schemas["PersonBeneficiaryIn"]["properties"]["id"]
    enterprise = schemas["EnterpriseApplicantIn"]["properties"]["id"]
    assert (person["format"], enterprise["format"]) == ("gb11643", "gb32100")
    assert re.fullmatch(person["pattern"], person_id()) and re.fullmatch(person["pattern"], person_id()[:-1] + "x")
    assert not re.fullmatch(IDENTITY_NUMBER_PATTERN, "210103" + "20230229" + "0011")  # no such birthday
    assert not re.fullmatch(IDENTITY_NUMBER_PATTERN, "21010320001301001X")
    assert re.fullmatch(enterprise["pattern"], credit_code()) and re.fullmatch(enterprise["pattern"], credit_code().lower())
    assert not re.fullmatch(enterprise["pattern"], "91210100MA0000001I")  # I is not in GB 32100's alphabet


def test_an_integer_written_with_a_zero_fraction_is_that_integer(staff, funds):
    claim = job_expansion_claim()
    claim["facts"]["graduation_year"] = 2022.0  # JSON Schema's integer, and so the schema's
    r = staff.clerk.post("/v1/claims", claim)
    assert r.status_code == 201, r.text
    assert r.json()["facts"]["graduation_year"] == 2022 and isinstance(r.json()["facts"]["graduation_year"], int)
    claim = job_expansion_claim()
    claim["facts"]["graduation_year"] = 2022.5
    r = staff.clerk.post("/v1/claims", claim)
    assert r.status_code == 422 and r.json()["field"] == "facts.graduation_year"


def test_fact_and_parameter_values_are_scalars_and_party_ids_either_kind(document):
    schemas = document["components"]["schemas"]
    facts = schemas["FactsIn"]["properties"]["facts"]
    assert facts["additionalProperties"] is False and facts["minProperties"] == 1
    assert {fact["type"] for fact in facts["properties"].values()} <= {"integer", "boolean", "string"}
    parameters = schemas["ParametersIn"]["properties"]["values"]
    assert "living_allowance" in parameters["properties"] and parameters["additionalProperties"] is False
    assert {alt["type"] for value in parameters["properties"].values() for alt in value["anyOf"]} == {
        "integer", "string", "null"}
    party = schemas["WatchListIn"]["properties"]["party_id"]
    assert {alt["format"] for alt in party["anyOf"]} == {"gb11643", "gb32100"}
    assert re.fullmatch(party["pattern"], person_id()) and re.fullmatch(party["pattern"], credit_code())
    assert not re.fullmatch(party["pattern"], "2101032000010100IO")  # I and O: in neither
    on = _parameters(document, "get", "/v1/programs/{code}")["on"]["schema"]
    assert not re.fullmatch(_pattern(on), "2022-07-0\x1e")


def test_fund_ids_and_region_filters_name_served_divisions(document, staff):
    """A fund id or a region filter outside the divisions the ledger serves is refused as
    malformed (schemathesis drew `employment_subsidy:100162` from `[0-9]{6}`): the schema
    publishes the same list."""
    fund_id = _pattern(_parameters(document, "get", "/v1/reconciliation")["fund_id"]["schema"])
    region = _pattern(_parameters(document, "get", "/v1/claims")["region"]["schema"])
    transfer = document["components"]["schemas"]["TransferIn"]["properties"]["from_fund"]["pattern"]
    for pattern in (fund_id, transfer):
        assert re.fullmatch(pattern, "employment_subsidy:210100") and not re.fullmatch(pattern, "employment_subsidy:100162")
    assert re.fullmatch(region, "210100") and not re.fullmatch(region, "999999")
    program_region = _parameters(document, "get", "/v1/programs/{code}")["region"]["schema"]["pattern"]
    assert re.fullmatch(program_region, "210100") and not re.fullmatch(program_region, "999999")
    r = staff.clerk.get("/v1/programs/internship", region="999999")
    assert r.status_code == 422 and r.json()["field"] == "region"
    r = staff.treasurer.get("/v1/reconciliation", fund_id="employment_subsidy:100162")
    assert r.status_code == 422 and r.json()["code"] == "validation_error" and r.json()["field"] == "fund_id"
    r = staff.clerk.get("/v1/claims", region="999999")
    assert r.status_code == 422 and r.json()["field"] == "region"


def test_a_position_cursor_the_schema_admits_is_one_the_service_reads(document, admin, staff):
    """`cursor=1` matched the old `[A-Za-z0-9_-]{1,200}` and was refused ("not one this
    service issued"): lists paged by log position publish the base64 of "v1:<digits>"."""
    pattern = _pattern(_parameters(document, "get", "/v1/users")["cursor"]["schema"])
    r = admin.get("/v1/users", limit=1)
    cursor = r.json()["next_cursor"]
    assert cursor is not None and re.fullmatch(pattern, cursor)
    assert admin.get("/v1/users", limit=1, cursor=cursor).status_code == 200
    for refused in ("1", "duplicate", "djE6YQ"):  # "djE6YQ" is "v1:a", no position
        assert not re.fullmatch(pattern, refused)
        assert admin.get("/v1/users", cursor=refused).json()["code"] == "validation_error"


def _group(document: dict, method: str, path: str, name: str):
    import jsonschema_rs

    parameter = next(p for p in document["paths"][path][method]["parameters"] if p["name"] == name)
    assert parameter["in"] == "query" and parameter["style"] == "form" and parameter["explode"] is True
    return jsonschema_rs.validator_for(parameter["schema"]).is_valid


def test_query_parameters_tied_by_a_rule_are_published_as_one_object(document, staff):
    """Each alone matched its own schema and the service refused the mix: the rule is stated
    over a form-exploded object (sent as the same query)."""
    as_of = _group(document, "get", "/v1/funds", "as_of_point")
    assert as_of({"as_of_position": 1}) and not as_of({"as_of": "2022-07-01T08:00:00Z", "as_of_position": 1})
    r = staff.auditor.get("/v1/funds", as_of="2022-07-01T08:00:00Z", as_of_position=1)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    anchor = _group(document, "get", "/v1/audit/verify", "anchor")
    assert anchor({}) and anchor({"expect_position": 1, "expect_hash": "a" * 64})
    assert not anchor({"expect_position": 1}) and not anchor({"expect_hash": "a" * 64})
    assert staff.auditor.get("/v1/audit/verify", expect_position=1).status_code == 422
    scope = _group(document, "get", "/v1/reports/fund-usage", "scope")
    assert scope({"fund_id": "employment_subsidy:210100"}) and scope({"fund_type": "employment_subsidy",
                                                                      "region": "210100"})
    assert not scope({}) and not scope({"fund_type": "employment_subsidy"})
    assert not scope({"fund_id": "employment_subsidy:210100", "region": "210100"})
    period = {"from": "2022-07-01", "to": "2022-07-31"}
    assert staff.treasurer.get("/v1/reports/fund-usage", fund_type="employment_subsidy", **period).status_code == 422
    listing = _group(document, "get", "/v1/reports/payees", "listing")
    assert listing({"stage": "notice"}) and listing({"fund_id": "employment_subsidy:210100", **period})
    assert not listing({}) and not listing({"stage": "paid", **period})
    assert not listing({"fund_id": "employment_subsidy:210100", "from": "2022-07-01"})
    r = staff.treasurer.get("/v1/reports/payees", stage="paid", **period)
    assert r.status_code == 422 and r.json()["field"] == "fund_id"


def test_the_applicant_filter_given_twice_applies_twice(document, staff, funds):
    """`applicant_id` and X-Applicant-Id each matched the schema, and two different ones were
    refused: both filters now apply, as every filter does, so they match no claim; and each
    carries the check character's format, as the ledger checks it."""
    claim = internship_claim()
    assert staff.clerk.post("/v1/claims", claim).status_code == 201
    applicant = claim["applicant"]["id"]
    header = {"X-Applicant-Id": applicant}
    r = staff.clerk.get("/v1/claims", headers=header, applicant_id=applicant)
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    r = staff.clerk.get("/v1/claims", headers=header, applicant_id=credit_code())
    assert r.status_code == 200 and r.json()["items"] == []
    parameters = _parameters(document, "get", "/v1/claims")
    for name in ("applicant_id", "X-Applicant-Id"):
        formats = {s.get("format") for s in parameters[name]["schema"]["anyOf"]}
        assert formats == {"gb11643", "gb32100"}
    assert parameters["X-Beneficiary-Id"]["schema"]["format"] == "gb11643"
    assert _parameters(document, "get", "/v1/watchlist")["party_id"]["schema"]["anyOf"][0]["format"] == "gb11643"


def test_period_start_is_a_first_of_month_in_the_schema_as_in_the_rules(document):
    """`facts.period_start` matched the date pattern on any day and the rules refuse all but
    the first (ledger/policy/programs, period_start)."""
    import datetime as dt

    from ledger.errors import ValidationFailed
    from ledger.policy.programs import period_start

    holders = {name: s["properties"]["period_start"] for name, s in document["components"]["schemas"].items()
               if name.endswith("Facts") and "period_start" in s.get("properties", {})}
    assert holders
    for schema in holders.values():
        assert re.fullmatch(schema["pattern"], "2022-07-01") and re.fullmatch(schema["pattern"], "1950-01-01")
        assert not re.fullmatch(schema["pattern"], "2022-07-15") and not re.fullmatch(schema["pattern"], "2022-13-01")
    assert period_start({"period_start": "2022-07-01"}) == dt.date(2022, 7, 1)
    with pytest.raises(ValidationFailed):
        period_start({"period_start": "2022-07-15"})


def test_a_founder_program_takes_the_founder_from_an_enterprise_only(document, staff, funds):
    """loan_interest and startup_venue had no `beneficiary` in the schema, yet an enterprise
    must name its founder there: the schema now asks for it from an enterprise and leaves it
    out for a person, as the ledger does."""
    import jsonschema_rs

    validator = jsonschema_rs.validator_for({"$ref": "#/components/schemas/LoanInterestClaimIn",
                                             "components": document["components"]})

    def about_beneficiary(claim: dict) -> bool:
        return any("beneficiary" in error.message or "beneficiary" in list(error.instance_path)
                   for error in validator.iter_errors(claim))

    enterprise = {"kind": "enterprise", "id": credit_code(), "name": "创业公司"}
    person = {"kind": "person", "id": person_id(), "name": "王五"}
    founder = {"id": person_id(), "name": "王五"}
    base = {"program": "loan_interest", "region": "210100", "facts": {}}
    assert not about_beneficiary({**base, "applicant": enterprise, "beneficiary": founder})
    assert about_beneficiary({**base, "applicant": enterprise})
    assert about_beneficiary({**base, "applicant": person, "beneficiary": founder})
    assert not about_beneficiary({**base, "applicant": person})
    r = staff.clerk.post("/v1/claims", {**base, "applicant": enterprise})
    assert r.status_code == 422 and r.json()["field"] == "beneficiary"


def test_settlement_facts_are_published_and_another_programs_is_the_claims_state(document, staff, funds):
    """The facts body took any program's fact names with any scalar, and the ledger refused
    all but the claim's program's settlement facts as malformed: the schema now lists the
    settlement facts with their types, and one of another program than the claim's is
    409 invalid_state (the claim's program is the ledger's to know)."""
    facts = document["components"]["schemas"]["FactsIn"]["properties"]["facts"]
    assert set(facts["properties"]) == {"months_served", "left_for_employment", "contribution_deferred", "completed"}
    assert facts["properties"]["months_served"]["type"] == "integer"
    claim_id = staff.clerk.post("/v1/claims", internship_claim()).json()["claim_id"]
    r = staff.clerk.post(f"/v1/claims/{claim_id}/facts", {"facts": {"completed": True}})
    assert r.status_code == 409 and r.json()["code"] == "invalid_state" and r.json()["field"] == "facts.completed"
    r = staff.clerk.post(f"/v1/claims/{claim_id}/facts", {"facts": {"term_months": 3}})  # not a settlement fact
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert staff.clerk.post(f"/v1/claims/{claim_id}/facts", {"facts": {"months_served": 2}}).status_code == 200
