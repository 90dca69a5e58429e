"""Parameters versioned by region and date through the API (issue: the full policy
catalog): a version is an event; a claim is decided under the version in force on its
application date for its region and keeps it; GET answers any version, forever."""
from __future__ import annotations

from ledger.access import Actor
from runtime.container import Runtime

from ..conftest import open_fund
from ..support import job_expansion_claim
from .helpers import assert_problem

OVERRIDE = {"region": "210100", "effective_from": "2022-08-01", "values": {"per_hire": "2000.00"},
            "document_no": "沈人社〔2022〕88号", "reason": "Shenyang raises the job-expansion subsidy"}


def test_a_city_override_applies_to_later_claims_of_that_city_only(staff):
    """一.1: 具体标准由各市确定 — a city's value overrides the province's from its effective date."""
    open_fund(staff.treasurer, "unemployment_insurance", "210000", "100000.00")
    before = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    assert before["amounts"]["entitled"] == "1500.00"

    r = staff.admin.put("/v1/programs/job_expansion/parameters", OVERRIDE)
    assert r.status_code == 200, r.text
    new_version = r.json()["rule_version"]
    assert new_version != before["rule_version"]

    after = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    assert after["amounts"]["entitled"] == "2000.00" and after["rule_version"] == new_version
    early = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-07-31")).json()
    assert early["amounts"]["entitled"] == "1500.00" and early["rule_version"] == before["rule_version"]
    dalian = job_expansion_claim(region="210200", application_date="2022-08-15")
    r = staff.admin.post("/v1/users", {"name": "dl", "roles": ["clerk"], "regions": ["210200"]})
    from ..support import Api
    dalian_clerk = Api(staff.admin.client, r.json()["token"])
    assert dalian_clerk.post("/v1/claims", dalian).json()["amounts"]["entitled"] == "1500.00"

    # The earlier decision keeps its version and amount.
    kept = staff.clerk.get(f"/v1/claims/{before['claim_id']}").json()
    assert kept["amounts"]["entitled"] == "1500.00" and kept["rule_version"] == before["rule_version"]
    # Each version answers exactly what it said.
    old = staff.clerk.get("/v1/programs/job_expansion", rule_version=before["rule_version"]).json()
    new = staff.clerk.get("/v1/programs/job_expansion", rule_version=new_version).json()
    assert old["parameters"]["per_hire"] == "1500.00" and new["parameters"]["per_hire"] == "2000.00"
    assert new["parameter_sources"]["per_hire"]["region"] == "210100"
    on = staff.clerk.get("/v1/programs/job_expansion", region="210102", on="2022-08-01").json()
    assert on["parameters"]["per_hire"] == "2000.00" and on["rule_version"] == new_version
    on = staff.clerk.get("/v1/programs/job_expansion", region="210102", on="2022-07-31").json()
    assert on["parameters"]["per_hire"] == "1500.00"


def test_a_future_version_is_not_in_force_yet(staff):
    """三.12: min_contribution_months 12 until 2022-12-31, 36 from 2023-01-01 — dates decide."""
    r = staff.admin.put("/v1/programs/job_expansion/parameters",
                        {"region": "210000", "effective_from": "2030-01-01", "values": {"per_hire": "3000.00"}})
    assert r.status_code == 200, r.text
    claim = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-09-01")).json()
    assert claim["amounts"]["entitled"] == "1500.00"
    assert staff.clerk.get("/v1/programs/job_expansion", on="2030-01-01").json()["parameters"]["per_hire"] == "3000.00"


def test_versions_are_history_never_edits(staff):
    first = staff.admin.put("/v1/programs/job_expansion/parameters", OVERRIDE).json()
    second = staff.admin.put("/v1/programs/job_expansion/parameters",
                             {**OVERRIDE, "values": {"per_hire": "2100.00"}, "reason": "corrected figure"}).json()
    assert first["rule_version"] != second["rule_version"]
    history = staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"]
    assert [v["values"]["per_hire"] for v in history] == ["2000.00", "2100.00"]
    assert history[0]["document_no"] == "沈人社〔2022〕88号" and history[1]["reason"] == "corrected figure"
    assert all(v["actor"] for v in history)
    # Same date, same region: the later-recorded version is the one in force.
    on = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01").json()
    assert on["parameters"]["per_hire"] == "2100.00"


def test_only_an_admin_records_parameters_and_bad_ones_are_refused(staff):
    assert_problem(staff.reviewer.put("/v1/programs/job_expansion/parameters", OVERRIDE), 403, "forbidden")
    assert_problem(staff.admin.put("/v1/programs/job_expansion/parameters",
                                   {**OVERRIDE, "values": {"per_head": "1.00"}}), 422, "validation_error",
                   field="values.per_head")
    assert_problem(staff.admin.put("/v1/programs/job_expansion/parameters",
                                   {**OVERRIDE, "values": {"per_hire": 2000}}), 422, "validation_error",
                   field="values.per_hire")
    assert_problem(staff.admin.put("/v1/programs/job_expansion/parameters",
                                   {**OVERRIDE, "effective_to": "2022-07-01"}), 422, "validation_error",
                   field="effective_to")
    assert_problem(staff.admin.put("/v1/programs/no_such_program/parameters", OVERRIDE), 404, "not_found")
    assert staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"] == []


def test_another_process_decides_under_a_version_recorded_elsewhere(settings):
    """The version check happens in the writer, so a process with an old view still decides right."""
    admin = Actor("admin", "admin", frozenset({"admin"}), ("000000",))
    clerk = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
    first, second = Runtime(settings), Runtime(settings)
    first.start(project=False)
    second.start(project=False)
    assert second.ledger.submit_claim(clerk, job_expansion_claim(application_date="2022-08-15")).body[
        "amounts"]["entitled"] == "1500.00"
    first.ledger.set_parameters(admin, "job_expansion", OVERRIDE)
    claim = second.ledger.submit_claim(clerk, job_expansion_claim(application_date="2022-08-15")).body
    assert claim["amounts"]["entitled"] == "2000.00"
    first.close()
    second.close()


def test_a_version_before_the_others_begin_is_refused(staff):
    r = staff.admin.put("/v1/programs/job_expansion/parameters",
                        {"region": "210100", "effective_from": "2022-01-01", "values": {"per_hire": "2000.00"}})
    assert_problem(r, 422, "validation_error", field="effective_from")
    assert staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"] == []


def test_parameters_as_they_had_been_recorded_at_a_past_position(staff):
    """API.md: GET /programs/{code} is as-of: the versions recorded by then, nothing later."""
    first = staff.admin.put("/v1/programs/job_expansion/parameters", OVERRIDE)
    assert first.status_code == 200
    head = staff.auditor.get("/v1/audit/events", limit=1000).json()["items"][-1]["position"]
    staff.admin.put("/v1/programs/job_expansion/parameters", {**OVERRIDE, "values": {"per_hire": "2100.00"}})
    then = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01", as_of_position=head).json()
    now = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01").json()
    before = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01", as_of_position=1).json()
    assert (before["parameters"]["per_hire"], then["parameters"]["per_hire"], now["parameters"]["per_hire"]) == (
        "1500.00", "2000.00", "2100.00")
