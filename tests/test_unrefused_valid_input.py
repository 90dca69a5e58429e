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
