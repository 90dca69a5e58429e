"""Parameters versioned by region and date through the API (issue: the full policy
catalog; issue 10, section 4): a change is proposed by one admin with its document and
reason, checked against each parameter's bounds and the province's floors, and takes
effect only when another admin confirms it; a claim is decided under the version in force
on its application date for its region and keeps it; GET answers any version, forever."""
from __future__ import annotations

import pytest

from ledger.access import Actor
from runtime.container import Runtime

from ..conftest import open_fund
from ..support import internship_claim, job_expansion_claim, make_user, parameters_in_force
from .helpers import DALIAN, LIAONING, SHENYANG, assert_problem

OVERRIDE = {"region": "210100", "effective_from": "2022-08-01", "values": {"per_hire": "1200.00"},
            "document_no": "沈人社〔2022〕88号", "reason": "Shenyang raises the job-expansion subsidy",
            "retroactive": True}
PUT = "/v1/programs/{code}/parameters"


def propose(admin, body: dict, code: str = "job_expansion", status: int = 202) -> dict:
    r = admin.put(PUT.format(code=code), body)
    assert r.status_code == status, r.text
    return r.json()


def confirm(admin, change_id: str, code: str = "job_expansion") -> dict:
    r = admin.post(f"/v1/programs/{code}/parameter-changes/{change_id}/confirm")
    assert r.status_code == 200, r.text
    return r.json()


def in_force(proposer, confirmer, body: dict, code: str = "job_expansion") -> dict:
    return confirm(confirmer, propose(proposer, body, code)["change_id"], code)


@pytest.fixture
def admin2(staff):
    """A second national admin: the one who confirms what the bootstrap admin proposes."""
    return make_user(staff.admin, "second admin", ["admin"], ["000000"])


def changes(api, code: str = "job_expansion", **query) -> list[dict]:
    r = api.get(f"/v1/programs/{code}/parameter-changes", **query)
    assert r.status_code == 200, r.text
    return r.json()["items"]


# ---- in force only once confirmed -------------------------------------------------------


def test_a_city_override_applies_to_later_claims_of_that_city_once_confirmed(staff, admin2):
    """一.1: 具体标准由各市确定 — a city's value overrides the province's from its effective date,
    once a second admin has confirmed it."""
    open_fund(staff.treasurer, "unemployment_insurance", "210000", "100000.00")
    before = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    assert before["amounts"]["entitled"] == "1500.00"

    proposed = propose(staff.admin, OVERRIDE)
    assert proposed["status"] == "proposed" and proposed["change_id"]
    waiting = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    assert waiting["amounts"]["entitled"] == "1500.00" and waiting["rule_version"] == before["rule_version"]

    confirmed = confirm(admin2, proposed["change_id"])
    assert confirmed["status"] == "in_force" and confirmed["change_id"] == proposed["change_id"]
    new_version = confirmed["rule_version"]
    assert new_version != before["rule_version"]

    after = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    assert after["amounts"]["entitled"] == "1200.00" and after["rule_version"] == new_version
    early = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-07-31")).json()
    assert early["amounts"]["entitled"] == "1500.00" and early["rule_version"] == before["rule_version"]
    dalian = staff.dalian_clerk.post("/v1/claims", job_expansion_claim(region=DALIAN, application_date="2022-08-15"))
    assert dalian.json()["amounts"]["entitled"] == "1500.00"

    # The earlier decisions keep their version and amount.
    for kept in (before, waiting):
        now = staff.clerk.get(f"/v1/claims/{kept['claim_id']}").json()
        assert now["amounts"]["entitled"] == "1500.00" and now["rule_version"] == before["rule_version"]
    # Each version answers exactly what it said, with where each value came from.
    old = staff.clerk.get("/v1/programs/job_expansion", rule_version=before["rule_version"]).json()
    new = staff.clerk.get("/v1/programs/job_expansion", rule_version=new_version).json()
    assert old["parameters"]["per_hire"] == "1500.00" and new["parameters"]["per_hire"] == "1200.00"
    assert new["sources"]["per_hire"] == {"value": "1200.00", "region": SHENYANG, "effective_from": "2022-08-01",
                                          "document_no": "沈人社〔2022〕88号",
                                          "source": "Shenyang raises the job-expansion subsidy",
                                          "source_zh": "Shenyang raises the job-expansion subsidy"}
    assert old["sources"]["per_hire"]["region"] == LIAONING
    on = staff.clerk.get("/v1/programs/job_expansion", region="210102", on="2022-08-01").json()
    assert on["parameters"]["per_hire"] == "1200.00" and on["rule_version"] == new_version
    on = staff.clerk.get("/v1/programs/job_expansion", region="210102", on="2022-07-31").json()
    assert on["parameters"]["per_hire"] == "1500.00"


def test_a_future_version_is_not_in_force_yet(staff, admin2):
    """三.12: min_contribution_months 12 until 2022-12-31, 36 from 2023-01-01 — dates decide."""
    in_force(staff.admin, admin2, {"region": "210000", "effective_from": "2030-01-01",
                                   "values": {"per_hire": "1400.00"}, "document_no": "辽人社〔2029〕1号",
                                   "reason": "from 2030"})
    claim = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-09-01")).json()
    assert claim["amounts"]["entitled"] == "1500.00"
    assert staff.clerk.get("/v1/programs/job_expansion", on="2030-01-01").json()["parameters"]["per_hire"] == "1400.00"


def test_versions_are_history_never_edits(staff, admin2):
    first = in_force(staff.admin, admin2, OVERRIDE)
    second = in_force(staff.admin, admin2, {**OVERRIDE, "values": {"per_hire": "1300.00"},
                                            "reason": "corrected figure"})
    assert first["rule_version"] != second["rule_version"]
    history = staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"]
    assert [v["values"]["per_hire"] for v in history] == ["1200.00", "1300.00"]
    assert history[0]["document_no"] == "沈人社〔2022〕88号" and history[1]["reason"] == "corrected figure"
    proposer = staff.admin.get("/v1/users/me").json()["user_id"]
    assert all(v["proposed_by"] == proposer and v["confirmed_by"] == admin2.user_id for v in history)
    assert all(v["retroactive"] is True for v in history)
    # Same date, same region: the later-confirmed version is the one in force.
    on = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01").json()
    assert on["parameters"]["per_hire"] == "1300.00"


def test_only_an_admin_proposes_and_bad_proposals_are_refused(staff):
    assert_problem(staff.reviewer.put(PUT.format(code="job_expansion"), OVERRIDE), 403, "forbidden")
    for values, field in (({"per_head": "1.00"}, "values.per_head"), ({"per_hire": 2000}, "values.per_hire")):
        assert_problem(staff.admin.put(PUT.format(code="job_expansion"), {**OVERRIDE, "values": values}), 422,
                       "validation_error", field=field)
    assert_problem(staff.admin.put(PUT.format(code="job_expansion"), {**OVERRIDE, "effective_to": "2022-07-01"}),
                   422, "validation_error", field="effective_to")
    for missing in ("document_no", "reason"):
        body = {k: v for k, v in OVERRIDE.items() if k != missing}
        assert_problem(staff.admin.put(PUT.format(code="job_expansion"), body), 422, "validation_error")
        assert_problem(staff.admin.put(PUT.format(code="job_expansion"), {**OVERRIDE, missing: " "}), 422,
                       "validation_error", field=missing)
    assert_problem(staff.admin.put(PUT.format(code="no_such_program"), OVERRIDE), 404, "not_found")
    assert changes(staff.clerk) == []
    assert staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"] == []


def test_the_service_refuses_a_proposal_without_document_or_reason(settings):
    """Below the HTTP schema: the ledger itself requires both (validated once, at its edge)."""
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        admin = Actor("admin", "admin", frozenset({"admin"}), ("000000",))
        from ledger.errors import ValidationFailed
        for missing in ("document_no", "reason"):
            with pytest.raises(ValidationFailed) as refused:
                rt.ledger.propose_parameter_change(admin, "job_expansion",
                                                   {k: v for k, v in OVERRIDE.items() if k != missing})
            assert refused.value.field == missing
    finally:
        rt.close()


def test_another_process_decides_under_a_version_confirmed_elsewhere(settings):
    """The version check happens in the writer, so a process with an old view still decides right."""
    clerk = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
    first, second = Runtime(settings), Runtime(settings)
    first.start(project=False)
    second.start(project=False)
    try:
        assert second.ledger.submit_claim(clerk, job_expansion_claim(application_date="2022-08-15")).body[
            "amounts"]["entitled"] == "1500.00"
        parameters_in_force(first.ledger, "job_expansion", OVERRIDE)
        claim = second.ledger.submit_claim(clerk, job_expansion_claim(application_date="2022-08-15")).body
        assert claim["amounts"]["entitled"] == "1200.00"
    finally:
        first.close()
        second.close()


def test_a_version_before_the_others_begin_is_refused(staff):
    r = staff.admin.put(PUT.format(code="job_expansion"), {**OVERRIDE, "effective_from": "2022-01-01"})
    assert_problem(r, 422, "validation_error", field="effective_from")
    assert changes(staff.clerk) == []


def test_parameters_as_they_had_been_recorded_at_a_past_position(staff, admin2):
    """API.md: GET /programs/{code} is as-of: the versions recorded by then, nothing later."""
    in_force(staff.admin, admin2, OVERRIDE)
    head = staff.auditor.get("/v1/audit/events", limit=1000).json()["items"][-1]["position"]
    in_force(staff.admin, admin2, {**OVERRIDE, "values": {"per_hire": "1300.00"}})
    then = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01", as_of_position=head).json()
    now = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01").json()
    before = staff.clerk.get("/v1/programs/job_expansion", region="210100", on="2022-08-01", as_of_position=1).json()
    assert (before["parameters"]["per_hire"], then["parameters"]["per_hire"], now["parameters"]["per_hire"]) == (
        "1500.00", "1200.00", "1300.00")


# ---- two people -------------------------------------------------------------------------


def test_a_change_takes_effect_only_when_another_admin_of_its_region_confirms_it(staff, admin2):
    """API.md ★: proposed by one admin, confirmed by another whose regions cover it; the
    proposer is 403, an admin of another city is 403, a non-admin is 403."""
    shenyang_admin = make_user(staff.admin, "shenyang admin", ["admin"], [SHENYANG])
    dalian_admin = make_user(staff.admin, "dalian admin", ["admin"], [DALIAN])
    change_id = propose(shenyang_admin, OVERRIDE)["change_id"]
    path = f"/v1/programs/job_expansion/parameter-changes/{change_id}"
    assert_problem(shenyang_admin.post(f"{path}/confirm"), 403, "forbidden")
    assert_problem(dalian_admin.post(f"{path}/confirm"), 403, "forbidden")
    assert_problem(dalian_admin.post(f"{path}/reject", {"reason": "not ours"}), 403, "forbidden")
    assert_problem(staff.reviewer.post(f"{path}/confirm"), 403, "forbidden")
    assert_problem(staff.admin.post("/v1/programs/job_expansion/parameter-changes/"
                                    "00000000-0000-4000-8000-000000000000/confirm"), 404, "not_found")
    assert_problem(staff.admin.post(f"/v1/programs/internship/parameter-changes/{change_id}/confirm"), 404,
                   "not_found")
    on = staff.clerk.get("/v1/programs/job_expansion", region=SHENYANG, on="2022-08-15").json()
    assert on["parameters"]["per_hire"] == "1500.00"
    [listed] = changes(staff.clerk, status="proposed")
    assert (listed["change_id"], listed["proposed_by"], listed["confirmed_by"], listed["document_no"],
            listed["reason"]) == (change_id, shenyang_admin.user_id, None, OVERRIDE["document_no"], OVERRIDE["reason"])

    confirmed = confirm(admin2, change_id)
    assert confirmed["status"] == "in_force" and confirmed["confirmed_by"] == admin2.user_id
    on = staff.clerk.get("/v1/programs/job_expansion", region=SHENYANG, on="2022-08-15").json()
    assert on["parameters"]["per_hire"] == "1200.00" and on["rule_version"] == confirmed["rule_version"]
    assert_problem(staff.admin.post(f"{path}/confirm"), 409, "invalid_state")
    assert_problem(staff.admin.post(f"{path}/reject", {"reason": "too late"}), 409, "invalid_state")
    assert [c["change_id"] for c in changes(staff.clerk, status="in_force")] == [change_id]
    assert changes(staff.clerk, status="proposed") == []


def test_a_rejected_change_never_applies(staff, admin2):
    change_id = propose(staff.admin, OVERRIDE)["change_id"]
    path = f"/v1/programs/job_expansion/parameter-changes/{change_id}"
    assert_problem(admin2.post(f"{path}/reject", {}), 422, "validation_error")
    r = admin2.post(f"{path}/reject", {"reason": "文号有误"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["rejected_by"], r.json()["rejection_reason"]) == (
        "rejected", admin2.user_id, "文号有误")
    assert_problem(staff.admin.post(f"{path}/confirm"), 409, "invalid_state")
    assert_problem(admin2.post(f"{path}/confirm"), 409, "invalid_state")
    assert staff.clerk.get("/v1/programs/job_expansion", region=SHENYANG,
                           on="2022-08-15").json()["parameters"]["per_hire"] == "1500.00"
    assert [c["status"] for c in changes(staff.clerk)] == ["rejected"]
    assert changes(staff.clerk, status="rejected")[0]["rejected_by"] == admin2.user_id
    assert_problem(staff.clerk.get("/v1/programs/job_expansion/parameter-changes", status="pending"), 422,
                   "validation_error")
    assert staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"] == []


def test_confirming_checks_again_against_what_is_in_force_then(staff, admin2):
    """A change proposed while valid is refused at confirmation when what is in force has
    moved: here the province raises the start-up floor above a city's proposed figure."""
    city = propose(staff.admin, {"region": SHENYANG, "effective_from": "2030-01-01", "values": {"amount": "6000.00"},
                                 "document_no": "沈人社〔2029〕3号", "reason": "沈阳创业补贴"}, "startup")
    in_force(admin2, staff.admin, {"region": LIAONING, "effective_from": "2030-01-01", "values": {"amount": "7000.00"},
                                   "document_no": "辽人社〔2029〕4号", "reason": "全省提高创业补贴"}, "startup")
    r = admin2.post(f"/v1/programs/startup/parameter-changes/{city['change_id']}/confirm")
    body = assert_problem(r, 422, "validation_error", field="values.amount")
    assert "7000.00" in body["detail"] and "二.5" in body["detail"]
    assert changes(staff.clerk, "startup", status="proposed")[0]["change_id"] == city["change_id"]


def test_a_change_not_proposed_as_retroactive_cannot_be_confirmed_once_its_date_has_passed(staff, admin2,
                                                                                           monkeypatch):
    change_id = propose(staff.admin, {**OVERRIDE, "effective_from": "2030-01-01", "retroactive": False})["change_id"]
    import datetime as dt

    clock = staff.admin.client.app.state.runtime.ledger.clock
    monkeypatch.setattr(clock, "today", lambda: dt.date(2030, 1, 2))
    r = admin2.post(f"/v1/programs/job_expansion/parameter-changes/{change_id}/confirm")
    assert_problem(r, 409, "invalid_state")


# ---- bounds and floors ------------------------------------------------------------------

# Each value accepted before bounds were declared (issue 10, section 4), with the clause
# that refuses it now.
OUT_OF_BOUNDS = [
    ("flexible_social_insurance", {"share": "0.9"}, "一.2"),
    ("flexible_social_insurance", {"extension_months": 12}, "一.2"),
    ("flexible_social_insurance", {"max_months": 25}, "一.2"),
    ("apprenticeship", {"shortage_uplift": "0.5"}, "三.11"),
    ("internship", {"prepay_share": "0.8"}, "一.3"),
    ("internship", {"max_term_months": 13}, "local practice"),
    ("absorption", {"months_covered": 7}, "一.1"),
    ("social_insurance", {"max_months": 13}, "一.1"),
    ("startup", {"new_industry_uplift": "0.31"}, "二.5"),
    ("startup_venue", {"prepay_months": 7}, "二.6"),
    ("loan_interest", {"max_principal": "200000.01"}, "二.7"),
    ("loan_interest", {"max_term_months": 37}, "二.7"),
    ("skill_certificate", {"max_per_year": 4}, "三.12"),
    ("skill_certificate", {"within_months": 13}, "三.12"),
    ("incubator_support", {"cap": "1000000.01"}, "DOMAIN.md"),
]


@pytest.mark.parametrize("code, values, source", OUT_OF_BOUNDS)
def test_a_value_outside_its_bounds_is_refused_naming_the_source(staff, code, values, source):
    """DOMAIN.md, Parameter bounds: a proposed value outside them is 422, and says why."""
    [name] = values
    r = staff.admin.put(PUT.format(code=code), {"region": SHENYANG, "effective_from": "2030-01-01", "values": values,
                                                "document_no": "沈人社〔2029〕9号", "reason": "试"})
    body = assert_problem(r, 422, "validation_error", field=f"values.{name}")
    assert source in body["detail"], body["detail"]
    bounds = staff.clerk.get(f"/v1/programs/{code}").json()["bounds"][name]
    assert source in bounds["source"]
    assert changes(staff.clerk, code) == []


def test_bounds_are_published_with_their_source_and_every_default_lies_within_them(staff):
    share = staff.clerk.get("/v1/programs/flexible_social_insurance").json()["bounds"]["share"]
    assert share == {"min": "0", "max": "2/3", "source": "一.2 补贴标准不超过实际缴费的三分之二",
                     "source_zh": "《辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施》一（二）：补贴标准不超过实际缴费的三分之二",
                     "document_no": "辽宁省人民政府办公厅关于印发辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施的通知"
                                    "（2022年6月4日）"}
    loan = staff.clerk.get("/v1/programs/loan_interest").json()["bounds"]
    assert (loan["max_principal"]["min"], loan["max_principal"]["max"]) == ("0.01", "200000.00")
    assert (loan["max_term_months"]["min"], loan["max_term_months"]["max"]) == (0, 36)
    startup = staff.clerk.get("/v1/programs/startup").json()["bounds"]["amount"]
    assert "二.5" in startup["floor"]["source"]
    programs = staff.clerk.get("/v1/programs").json()["items"]
    assert len(programs) == 19
    for program in programs:
        assert program["bounds"].keys() == program["parameters"].keys(), program["code"]
        for name, bound in program["bounds"].items():
            assert bound["source"] and {"min", "max"} <= bound.keys(), (program["code"], name)


# The values two admins confirmed in Fushun (issue 19), each outside the notice's own figure.
FUSHUN = [("flexible_social_insurance", "within_years", 10), ("career_switch_training", "within_years", 50),
          ("skill_certificate", "min_contribution_months", 0), ("internship_base_award", "national_award", "1000000.00"),
          ("job_expansion", "apply_until", "2099-12-31"), ("job_expansion", "per_hire", "1000000.00"),
          ("absorption", "apply_until", "2099-12-31"), ("startup", "graduate_within_years", 4),
          ("skill_certificate", "within_months", 11), ("internship", "living_allowance", "2000.01")]


@pytest.mark.parametrize("code,name,value", FUSHUN, ids=[f"{c}.{n}" for c, n, _ in FUSHUN])
def test_a_value_other_than_the_notices_figure_is_refused_at_proposal(staff, code, name, value):
    """DOMAIN.md, "Bounds are the notice's figures" (F5): 离校2年内, 三年内, 12个月及以上, 10万元,
    截至…12月31日, 每人1500元 (a local assumption), 毕业5年内, 12个月内; nothing is proposed."""
    r = staff.admin.put(PUT.format(code=code), {"region": "210400", "effective_from": "2030-01-01",
                                                "values": {name: value}, "document_no": "抚人社〔2029〕1号",
                                                "reason": "抚顺调整"})
    assert_problem(r, 422, "validation_error", field=f"values.{name}")
    assert changes(staff.clerk, code) == []
    bounds = staff.clerk.get(f"/v1/programs/{code}").json()["bounds"][name]
    assert bounds["source"]


def test_the_notices_figure_itself_may_be_proposed(staff):
    """At the figure (or within a local assumption's range) a change is proposed as before."""
    for code, name, value in (("skill_certificate", "min_contribution_months", 24),
                              ("job_expansion", "per_hire", "1500.00"), ("flexible_social_insurance", "within_years", 2)):
        propose(staff.admin, {"region": "210400", "effective_from": "2030-01-01", "values": {name: value},
                              "document_no": "抚人社〔2029〕1号", "reason": "抚顺调整"}, code)


def test_a_city_value_below_the_provinces_floor_is_refused(staff, admin2):
    """DOMAIN.md, Conditions the notice adds: 不低于 — startup.amount (二.5), the
    entrepreneurship-training amounts (二.4) and job_search.amount (二.8) of a city or
    district are not below the province's value in force."""
    floors = [("startup", "amount", "5000.00", "二.5"), ("entrepreneurship_training", "gyb_amount", "500.00", "二.4"),
              ("entrepreneurship_training", "syb_amount", "2000.00", "二.4"), ("job_search", "amount", "1000.00", "二.8")]
    for code, name, province, clause in floors:
        for region in (SHENYANG, "210102"):
            r = staff.admin.put(PUT.format(code=code), {
                "region": region, "effective_from": "2030-01-01", "values": {name: "1.00"},
                "document_no": "沈人社〔2029〕9号", "reason": "降低标准"})
            body = assert_problem(r, 422, "validation_error", field=f"values.{name}")
            assert province in body["detail"] and clause in body["detail"], body["detail"]
        # At the floor itself, or above it, a city may set its own figure.
        propose(staff.admin, {"region": SHENYANG, "effective_from": "2030-01-01", "values": {name: province},
                              "document_no": "沈人社〔2029〕9号", "reason": "同省标准"}, code)
    # The province itself is not bound by a floor of its own (the notice's figure is stripped).
    in_force(staff.admin, admin2, {"region": LIAONING, "effective_from": "2030-01-01", "values": {"amount": "4000.00"},
                                   "document_no": "辽人社〔2029〕9号", "reason": "全省调整"}, "job_search")
    # ... and the floor is the province's value in force on the change's date.
    propose(staff.admin, {"region": DALIAN, "effective_from": "2030-01-01", "values": {"amount": "4000.00"},
                          "document_no": "大人社〔2029〕9号", "reason": "大连"}, "job_search")
    r = staff.admin.put(PUT.format(code="job_search"), {
        "region": DALIAN, "effective_from": "2030-01-01", "values": {"amount": "3999.99"},
        "document_no": "大人社〔2029〕9号", "reason": "大连"})
    assert_problem(r, 422, "validation_error", field="values.amount")


# ---- the past ----------------------------------------------------------------------------


def test_a_change_reaching_into_the_past_needs_the_retroactive_flag_and_decided_claims_keep_their_rules(
        staff, admin2):
    """API.md ★: an effective_from before today (China Standard Time) needs "retroactive":
    true; claims already decided keep the rule version they were decided under."""
    decided = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    explained = decided["entitlement_explanation"]
    by_version = staff.clerk.get("/v1/programs/job_expansion", rule_version=decided["rule_version"]).json()

    body = {k: v for k, v in OVERRIDE.items() if k != "retroactive"}
    assert_problem(staff.admin.put(PUT.format(code="job_expansion"), body), 422, "validation_error",
                   field="retroactive")
    assert_problem(staff.admin.put(PUT.format(code="job_expansion"), {**body, "retroactive": False}), 422,
                   "validation_error", field="retroactive")
    assert changes(staff.clerk) == []
    confirmed = in_force(staff.admin, admin2, {**body, "retroactive": True})
    assert confirmed["retroactive"] is True

    kept = staff.clerk.get(f"/v1/claims/{decided['claim_id']}").json()
    assert (kept["rule_version"], kept["amounts"]["entitled"], kept["entitlement_explanation"]) == (
        decided["rule_version"], "1500.00", explained)
    assert staff.clerk.get("/v1/programs/job_expansion", rule_version=decided["rule_version"]).json() == by_version
    # A claim decided now for the same day is decided under the change.
    later = staff.clerk.post("/v1/claims", job_expansion_claim(application_date="2022-08-15")).json()
    assert (later["amounts"]["entitled"], later["rule_version"]) == ("1200.00", confirmed["rule_version"])


def test_null_removes_a_regions_own_value_and_the_wider_regions_applies_again(staff, admin2):
    """API.md: `null` removes the region's own value from that date, so it inherits the
    wider region's again (key by key)."""
    in_force(staff.admin, admin2, {"region": SHENYANG, "effective_from": "2022-06-04",
                                   "values": {"living_allowance": "1050.00"}, "document_no": "沈人社〔2022〕7号",
                                   "reason": "沈阳见习生活费", "retroactive": True}, "internship")
    in_force(staff.admin, admin2, {"region": "210102", "effective_from": "2022-07-01",
                                   "values": {"living_allowance": "1100.00", "management_fee": "200.00"},
                                   "document_no": "和平人社〔2022〕2号", "reason": "和平区见习补贴",
                                   "retroactive": True}, "internship")
    district = "210102"
    during = staff.clerk.post("/v1/claims", internship_claim(region=district, application_date="2022-08-15")).json()
    assert during["amounts"]["entitled"] == "3900.00"  # (1100.00 + 200.00) × 3

    # Removing a value the region never had is refused: the request is well formed, the
    # ledger holds no such value (its state, as an unknown claim's is).
    r = staff.admin.put(PUT.format(code="internship"), {
        "region": district, "effective_from": "2022-09-01", "values": {"max_term_months": None},
        "document_no": "和平人社〔2022〕5号", "reason": "恢复执行上级标准", "retroactive": True})
    assert_problem(r, 409, "invalid_state", field="values.max_term_months")
    removal = in_force(staff.admin, admin2, {
        "region": district, "effective_from": "2022-09-01", "values": {"living_allowance": None},
        "document_no": "和平人社〔2022〕5号", "reason": "恢复执行上级标准", "retroactive": True}, "internship")
    assert removal["values"] == {"living_allowance": None}

    after = staff.clerk.post("/v1/claims", internship_claim(region=district, application_date="2022-09-15")).json()
    assert after["amounts"]["entitled"] == "3750.00"  # the city's 1050.00 + the district's own 200.00, × 3
    rules = staff.clerk.get("/v1/programs/internship", region=district, on="2022-09-15").json()
    assert rules["sources"]["living_allowance"]["region"] == SHENYANG
    assert rules["sources"]["management_fee"]["region"] == district
    assert staff.clerk.get(f"/v1/claims/{during['claim_id']}").json()["amounts"]["entitled"] == "3900.00"
    # Removing the city's value too leaves the province's.
    in_force(staff.admin, admin2, {"region": SHENYANG, "effective_from": "2022-10-01",
                                   "values": {"living_allowance": None}, "document_no": "沈人社〔2022〕12号",
                                   "reason": "恢复省标准", "retroactive": True}, "internship")
    rules = staff.clerk.get("/v1/programs/internship", region=district, on="2022-10-01").json()
    assert (rules["parameters"]["living_allowance"], rules["sources"]["living_allowance"]["region"]) == (
        "1000.00", LIAONING)
    # A province cannot remove what no wider region gives: no complete set would remain.
    r = staff.admin.put(PUT.format(code="internship"), {
        "region": LIAONING, "effective_from": "2030-01-01", "values": {"prepay_share": None},
        "document_no": "辽人社〔2029〕1号", "reason": "试"})
    assert_problem(r, 409, "invalid_state", field="values.prepay_share")


# ---- rule versions name their sources ---------------------------------------------------


def test_equal_values_from_different_documents_are_different_rule_versions(staff, admin2):
    """API.md ★ rule_version: a Dalian decision looked up by its rule version cites Dalian's
    document, not Shenyang's, though both set 1200.00; two claims under the same values,
    sources and code share theirs."""
    in_force(staff.admin, admin2, OVERRIDE)
    in_force(staff.admin, admin2, {**OVERRIDE, "region": DALIAN, "document_no": "大人社〔2022〕5号",
                                   "reason": "大连提高扩岗补助"})
    shenyang = [staff.clerk.post("/v1/claims", job_expansion_claim(application_date=day)).json()
                for day in ("2022-08-15", "2022-09-20")]
    dalian = staff.dalian_clerk.post("/v1/claims", job_expansion_claim(region=DALIAN, application_date="2022-08-15"))
    dalian = dalian.json()
    assert shenyang[0]["amounts"]["entitled"] == dalian["amounts"]["entitled"] == "1200.00"
    assert shenyang[0]["rule_version"] == shenyang[1]["rule_version"] != dalian["rule_version"]
    cited = {claim["rule_version"]: staff.clerk.get("/v1/programs/job_expansion",
                                                    rule_version=claim["rule_version"]).json()
             for claim in (shenyang[0], dalian)}
    assert cited[dalian["rule_version"]]["sources"]["per_hire"]["document_no"] == "大人社〔2022〕5号"
    assert cited[dalian["rule_version"]]["sources"]["per_hire"]["region"] == DALIAN
    assert cited[shenyang[0]["rule_version"]]["sources"]["per_hire"]["document_no"] == "沈人社〔2022〕88号"
    assert all(doc["rule_code_version"] == 1 for doc in cited.values())
    step = next(s for s in dalian["entitlement_explanation"] if s["rule"] == "job_expansion.amount")
    assert step["parameters"][0]["document_no"] == "大人社〔2022〕5号"


def test_a_proposal_repeated_under_its_idempotency_key_is_one_change(staff, admin2):
    key = {"Idempotency-Key": "propose-shenyang-2000"}
    first = staff.admin.put(PUT.format(code="job_expansion"), OVERRIDE, headers=key)
    again = staff.admin.put(PUT.format(code="job_expansion"), OVERRIDE, headers=key)
    assert (first.status_code, again.status_code) == (202, 202) and first.json() == again.json()
    assert len(changes(staff.clerk)) == 1
    path = f"/v1/programs/job_expansion/parameter-changes/{first.json()['change_id']}/confirm"
    confirmed = admin2.post(path, headers={"Idempotency-Key": "confirm-1"})
    assert admin2.post(path, headers={"Idempotency-Key": "confirm-1"}).json() == confirmed.json()
    assert len(staff.clerk.get("/v1/programs/job_expansion/parameter-versions").json()["items"]) == 1
