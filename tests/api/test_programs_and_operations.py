"""GET /programs and GET /programs/{code} (region, on, rule_version), and the
operations endpoints at the root."""
from __future__ import annotations

import pytest

from ..support import ADMIN_TOKEN, internship_claim
from .helpers import assert_problem, skill_certificate_claim, submit

PROGRAMS = {"job_expansion", "internship", "apprenticeship", "skill_certificate"}


def test_every_program_with_its_parameters_in_force_today(staff):
    r = staff.clerk.get("/v1/programs")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert PROGRAMS <= {p["code"] for p in items}
    for program in items:
        assert {"code", "name_zh", "name_en", "clause", "fund_types", "payee_kind", "facts", "parameters"} \
            <= program.keys()
        assert program["fund_types"] and program["facts"]["type"] == "object"
    job = next(p for p in items if p["code"] == "job_expansion")
    assert job["name_zh"] == "一次性扩岗补助" and job["clause"] == "一.1"
    assert job["fund_types"] == ["unemployment_insurance"]
    assert job["parameters"]["per_hire"] == "1500.00"
    assert set(job["facts"]["properties"]) == {"graduation_year", "contract_start", "unemployment_insured"}
    skills = next(p for p in items if p["code"] == "skill_certificate")
    assert skills["parameters"]["min_contribution_months"] == 36  # today is after 2022
    apprenticeship = next(p for p in items if p["code"] == "apprenticeship")
    assert apprenticeship["fund_types"] == ["skill_upgrade_account", "employment_subsidy"]


def test_one_program_for_a_region_and_date(staff):
    r = staff.auditor.get("/v1/programs/internship", region="210100", on="2022-07-15")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == "internship" and body["rule_version"].startswith("internship@")
    assert body["parameters"] == {"living_allowance": "1000.00", "management_fee": "150.00", "max_term_months": 12,
                                  "prepay_share": "0.5", "full_term_rule_until": "2022-12-31", "publicity_days": 0}
    assert "months_served" in body["facts"]["properties"]
    # The same values in Dalian and at province level: the same rule version.
    assert staff.auditor.get("/v1/programs/internship", region="210200", on="2022-07-15").json()["rule_version"] \
        == body["rule_version"]
    assert staff.auditor.get("/v1/programs/internship", on="2022-07-15").json()["rule_version"] \
        == body["rule_version"]


def test_parameters_change_with_the_date(staff):
    in_2022 = staff.clerk.get("/v1/programs/skill_certificate", region="210100", on="2022-12-31").json()
    in_2023 = staff.clerk.get("/v1/programs/skill_certificate", region="210100", on="2023-01-01").json()
    assert in_2022["parameters"]["min_contribution_months"] == 12
    assert in_2023["parameters"]["min_contribution_months"] == 36
    assert in_2022["rule_version"] != in_2023["rule_version"]
    assert in_2022["parameters"]["intermediate"] == "1500.00"


def test_a_rule_version_returns_its_set_exactly(staff):
    claim = submit(staff.clerk, internship_claim(term_months=3))
    by_date = staff.clerk.get("/v1/programs/internship", region="210100", on="2022-07-15").json()
    assert claim["rule_version"] == by_date["rule_version"]
    r = staff.clerk.get("/v1/programs/internship", rule_version=claim["rule_version"])
    assert r.status_code == 200, r.text
    assert r.json()["rule_version"] == claim["rule_version"]
    assert r.json()["parameters"] == by_date["parameters"]


def test_a_rule_version_shown_by_the_catalog_resolves_before_any_claim_used_it(staff):
    shown = staff.clerk.get("/v1/programs/skill_certificate", region="210200", on="2023-03-01").json()
    r = staff.clerk.get("/v1/programs/skill_certificate", rule_version=shown["rule_version"])
    assert r.status_code == 200, r.text
    assert r.json()["parameters"] == shown["parameters"]


def test_two_claims_under_the_same_values_share_a_rule_version(staff):
    one = submit(staff.clerk, skill_certificate_claim(application_date="2022-07-12"))
    two = submit(staff.clerk, skill_certificate_claim(application_date="2022-12-30"))
    assert one["rule_version"] == two["rule_version"]


@pytest.mark.parametrize("params, status, code", [
    ({"region": "21010"}, 422, "validation_error"),
    ({"on": "2022-02-30"}, 422, "validation_error"),
    ({"on": "yesterday"}, 422, "validation_error"),
    ({"rule_version": "internship@000000000000"}, 404, "not_found"),
    ({"rule_version": "nonsense"}, 404, "not_found"),
])
def test_bad_program_queries(staff, params, status, code):
    assert_problem(staff.clerk.get("/v1/programs/internship", **params), status, code)


def test_a_rule_version_of_another_program_is_not_found(staff):
    claim = submit(staff.clerk, internship_claim())
    assert_problem(staff.clerk.get("/v1/programs/job_expansion", rule_version=claim["rule_version"]),
                   404, "not_found")


def test_an_unknown_program_is_not_found(staff):
    assert_problem(staff.clerk.get("/v1/programs/pension_top_up"), 404, "not_found")


# ---- operations -----------------------------------------------------------------------


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_readyz_reports_the_database_and_each_projection(client, staff):
    submit(staff.clerk, internship_claim())
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["database"] == "reachable"
    assert body["projections"]
    for projection in body["projections"]:
        assert {"name", "position", "lag"} <= projection.keys()
        assert projection["lag"] >= 0 and projection["position"] >= 0


def test_metrics_in_prometheus_text_format(client, admin):
    admin.get("/v1/users/me")
    client.get("/v1/users/me")  # no token: 401, refused by the gate before routing, counted by route all the same
    admin.get("/v1/no-such-thing")
    assert client.get("/v1/no-such-thing").status_code == 401  # deny by default: no map of endpoints for strangers
    r = client.get("/metrics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert "# TYPE ledger_http_requests_total counter" in r.text
    assert 'ledger_http_requests_total{method="GET",route="/v1/users/me",status="200"}' in r.text
    assert 'ledger_http_requests_total{method="GET",route="/v1/users/me",status="401"} 1.0' in r.text
    assert 'ledger_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in r.text
    assert 'ledger_http_request_seconds_count{method="GET",route="/v1/users/me"}' in r.text
    assert "ledger_projection_lag_events" in r.text


def test_openapi_describes_the_contract(client, admin):
    r = client.get("/openapi.json", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.status_code == 200, r.text
    paths = r.json()["paths"]
    for path in ("/v1/users", "/v1/users/me", "/v1/funds", "/v1/funds/{fund_id}", "/v1/funds/{fund_id}/allocations",
                 "/v1/fund-transfers", "/v1/programs", "/v1/programs/{code}", "/v1/claims", "/v1/claims/{claim_id}",
                 "/v1/claims/{claim_id}/events", "/v1/claims/{claim_id}/approve", "/v1/claims/{claim_id}/reject",
                 "/v1/claims/{claim_id}/withdraw", "/v1/claims/{claim_id}/facts", "/v1/claims/{claim_id}/payments",
                 "/v1/claims/{claim_id}/payments/{payment_ref}/return", "/v1/claims/{claim_id}/close",
                 "/v1/claims/{claim_id}/clawbacks", "/v1/claims/{claim_id}/clawbacks/{clawback_id}/confirm",
                 "/v1/claims/{claim_id}/recoveries", "/healthz", "/readyz", "/metrics"):
        assert path in paths, path
    assert "post" in paths["/v1/claims"] and "get" in paths["/v1/claims"]
