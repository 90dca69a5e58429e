"""The schemathesis check of tests/test_schemathesis.py, on requests made up here: a
schema-valid request refused as malformed fails it, unless it breaks one of the rules
/openapi.json cannot state (tests/unstated_rules.py) on the field refused."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from schemathesis.generation.meta import GenerationMode

from .test_schemathesis import unrefused_valid_input


def _case(method: str, path: str, *, query=None, body=None, path_parameters=None, mode=GenerationMode.POSITIVE):
    meta = SimpleNamespace(generation=SimpleNamespace(mode=mode))
    return SimpleNamespace(meta=meta, operation=SimpleNamespace(method=method, path=path), query=query, body=body,
                           path_parameters=path_parameters, media_type="application/json")


def _refused(code: str, field: str | None = None, status: int = 422):
    body = {"code": code, **({"field": field} if field else {})}
    return SimpleNamespace(status_code=status, json=lambda: body, text=str(body))


def test_a_schema_valid_request_refused_as_malformed_fails_the_check():
    with pytest.raises(AssertionError, match="validation_error"):
        unrefused_valid_input(None, _refused("validation_error", "cursor"), _case("GET", "/v1/funds",
                                                                                   query={"cursor": "1"}))


def test_business_refusals_and_negative_cases_pass():
    case = _case("POST", "/v1/claims", body={})
    assert unrefused_valid_input(None, _refused("not_eligible"), case) is None
    assert unrefused_valid_input(None, _refused("idempotency_mismatch"), case) is None
    negative = _case("POST", "/v1/claims", body={}, mode=GenerationMode.NEGATIVE)
    assert unrefused_valid_input(None, _refused("validation_error", "program"), negative) is None


def test_an_unstated_rule_excuses_only_a_request_that_breaks_it():
    swapped = _case("GET", "/v1/reports/program-usage", query={"from": "2022-08-01", "to": "2022-07-01"})
    in_order = _case("GET", "/v1/reports/program-usage", query={"from": "2022-07-01", "to": "2022-08-01"})
    assert unrefused_valid_input(None, _refused("validation_error", "from"), swapped) is None
    with pytest.raises(AssertionError):
        unrefused_valid_input(None, _refused("validation_error", "from"), in_order)
    related = {"from_fund": "employment_subsidy:210000", "to_fund": "employment_subsidy:210100"}
    with pytest.raises(AssertionError):
        unrefused_valid_input(None, _refused("validation_error", "to_fund"),
                              _case("POST", "/v1/fund-transfers", body=related))
    unrelated = {"from_fund": "employment_subsidy:210100", "to_fund": "employment_subsidy:210200"}
    assert unrefused_valid_input(None, _refused("validation_error", "to_fund"),
                                 _case("POST", "/v1/fund-transfers", body=unrelated)) is None
    calendar = {"days": [{"date": "2022-01-01", "kind": "holiday", "name_zh": "元旦"}]}
    with pytest.raises(AssertionError):
        unrefused_valid_input(None, _refused("validation_error", "days[0].date"),
                              _case("PUT", "/v1/holiday-calendar/{year}", body=calendar,
                                    path_parameters={"year": 2022}))
    assert unrefused_valid_input(None, _refused("validation_error", "days[0].date"),
                                 _case("PUT", "/v1/holiday-calendar/{year}", body=calendar,
                                       path_parameters={"year": 2030})) is None


def test_a_token_for_another_user_without_its_hash_is_excused_only_for_another_user():
    refused = _refused("validation_error", "token_sha256")
    other = _case("POST", "/v1/users/{user_id}/tokens", body={}, path_parameters={"user_id": "u-1"})
    assert unrefused_valid_input(None, refused, other) is None
    with pytest.raises(AssertionError):
        unrefused_valid_input(None, refused, _case("POST", "/v1/users/{user_id}/tokens", body={},
                                                   path_parameters={"user_id": "me"}))


def test_a_value_outside_the_paths_programs_bounds_is_excused_only_when_it_is():
    """The schema states a value's form by its unit; the bounds of the path's program and a
    floor are the ledger's to know."""
    def change(values: dict, code: str = "job_expansion"):
        return _case("PUT", "/v1/programs/{code}/parameters", body={"values": values},
                     path_parameters={"code": code})

    refused = _refused("validation_error", "values.publicity_days")
    assert unrefused_valid_input(None, refused, change({"publicity_days": 31})) is None
    with pytest.raises(AssertionError):
        unrefused_valid_input(None, refused, change({"publicity_days": 5}))
    floored = _refused("validation_error", "values.syb_amount")
    assert unrefused_valid_input(None, floored, change({"syb_amount": "900.00"}, "entrepreneurship_training")) is None


def test_parameter_values_are_published_in_their_units_form():
    """A count written as text, or money as a number, is refused by the schema itself (a
    nightly schemathesis run found `publicity_days` as text schema-valid and refused)."""
    from api.app import create_app
    from ledger.money import MONEY_PATTERN, RATE_PATTERN

    values = create_app().openapi()["components"]["schemas"]["ParametersIn"]["properties"]["values"]
    assert values["additionalProperties"] is False
    forms = {name: schema["anyOf"] for name, schema in values["properties"].items()}
    assert all({"type": "null"} in form for form in forms.values())
    assert {"type": "integer", "minimum": 0, "maximum": 30} in forms["publicity_days"]
    assert forms["per_hire"][0] == {"type": "string", "pattern": MONEY_PATTERN}
    assert forms["prepay_share"][0]["pattern"] == RATE_PATTERN
    assert forms["apply_until"][0]["type"] == "string"


def test_a_date_before_the_claims_own_is_excused_only_when_it_is(monkeypatch):
    """An approval before the claim's application date, a payment before its approval, a
    return before its payment: refused as malformed by the service, excused by the check
    only when the claim the path names holds the later date."""
    from . import unstated_rules

    claim = {"application_date": "2022-07-15", "approved_on": "2022-07-20",
             "payments": [{"payment_ref": "P1", "paid_on": "2022-08-01"}]}
    monkeypatch.setattr(unstated_rules, "claim_document", lambda claim_id: claim if claim_id == "c1" else None)

    def check(path, field, value, claim_id="c1", **path_parameters):
        case = _case("POST", path, body={field: value}, path_parameters={"claim_id": claim_id, **path_parameters})
        return unrefused_valid_input(None, _refused("validation_error", field), case)

    assert check("/v1/claims/{claim_id}/approve", "approved_on", "2022-07-14") is None
    assert check("/v1/claims/{claim_id}/payments", "paid_on", "2022-07-19") is None
    assert check("/v1/claims/{claim_id}/payments/{payment_ref}/return", "returned_on", "2022-07-31",
                 payment_ref="P1") is None
    for path, field, value, extra in (("/v1/claims/{claim_id}/approve", "approved_on", "2022-07-15", {}),
                                      ("/v1/claims/{claim_id}/payments", "paid_on", "2022-07-20", {}),
                                      ("/v1/claims/{claim_id}/payments/{payment_ref}/return", "returned_on",
                                       "2022-08-01", {"payment_ref": "P1"})):
        with pytest.raises(AssertionError):
            check(path, field, value, **extra)
    with pytest.raises(AssertionError):  # a claim the ledger does not hold excuses nothing
        check("/v1/claims/{claim_id}/approve", "approved_on", "2022-07-14", claim_id="other")
