"""Business dates bounded by the day they are recorded (API.md ◆ "Insiders and time";
issue 18 §1, "Dates chosen by the caller"). Each reproduction of the issue, with the
ledger's clock fixed on 2026-12-07 and the contract's backdating window (30 days):

- no business date later than today: 422 validation_error naming the field;
- a date more than LEDGER_BACKDATE_DAYS back needs "backdate" evidence, which the events
  record, the claim and the fund's movements show, and GET /reports/backdated lists;
- the watch list holds on the business date and on the recording date; a public notice
  starts on the day its approval is recorded; a payment needs the notice over on paid_on
  and today; per-year counts and deadlines follow an application date never in the future.
Both backends (the `settings` fixture)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ledger.service.dates import DEFAULT_BACKDATE_DAYS
from runtime.settings import Settings, SettingsError

from ..support import credit_code, parameters_in_force, person_id
from .helpers import SHENYANG, apprenticeship_claim, assert_problem, skill_certificate_claim

TODAY = dt.date(2026, 12, 7)
EVIDENCE = {"reason": "纸质申请于2022年受理，系统补录 (a paper application of 2022 entered now)",
            "document_no": "沈人社补录〔2026〕7号"}


@pytest.fixture
def settings(settings):
    """The contract's window, not the suite's (tests/backends.py: the suite takes 2022 dates)."""
    return dataclasses.replace(settings, backdate_days=DEFAULT_BACKDATE_DAYS)


@pytest.fixture
def today(clock) -> dt.date:
    clock.travel_to(TODAY)
    return TODAY


# 公示5个工作日 from Monday 2026-12-07: Tue 8 … Fri 11, Mon 14, its last day (seven calendar days on).
NOTICE_DAYS = 7


def day(offset: int = 0) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def bureau(client, staff, today):
    """Funds of every type for Liaoning, their money allocated today."""
    for fund_type in ("unemployment_insurance", "employment_subsidy", "skill_upgrade_account", "inclusive_finance"):
        r = staff.treasurer.post("/v1/funds", {"fund_type": fund_type, "region": "210000"})
        assert r.status_code == 201, r.text
        r = staff.treasurer.post(f"/v1/funds/{fund_type}:210000/allocations", {
            "amount": "5000000.00", "source": "provincial", "document_no": "辽财社〔2026〕1号", "effective_date": day()})
        assert r.status_code == 201, r.text
    return staff


def certificate(applicant: str | None = None, application_date: str | None = None, backdate: dict | None = None,
                **facts) -> dict:
    """A skill_certificate claim of an employee certified in 2026, dated today unless said."""
    body = skill_certificate_claim(applicant, certificate_date="2026-09-02", **facts)
    body["facts"]["ui_contribution_months"] = 36
    body["application_date"] = application_date or day()
    if backdate is not None:
        body["backdate"] = backdate
    return body


def post_claim(clerk, body: dict):
    return clerk.post("/v1/claims", body)


def submitted(clerk, body: dict) -> dict:
    r = post_claim(clerk, body)
    assert r.status_code == 201, r.text
    return r.json()


def approve(reviewer, claim_id: str, **body):
    return reviewer.post(f"/v1/claims/{claim_id}/approve", body)


def pay(treasurer, claim_id: str, amount: str, ref: str, paid_on: str | None = None, **extra):
    body = {"amount": amount, "kind": "settlement", "payment_ref": ref, **extra}
    if paid_on is not None:
        body["paid_on"] = paid_on
    return treasurer.post(f"/v1/claims/{claim_id}/payments", body)


# ---- §1, first bullet: the Shenyang notice paid at once ---------------------------------

def test_a_claim_on_notice_cannot_be_paid_at_once_with_the_notice_end_as_paid_on(bureau, client, clock):
    parameters_in_force(client.app.state.runtime.ledger, "skill_certificate", {
        "region": SHENYANG, "effective_from": "2022-06-04", "values": {"publicity_days": 5}})
    staff = bureau
    claim = submitted(staff.clerk, certificate())
    r = approve(staff.reviewer, claim["claim_id"])
    assert r.status_code == 200, r.text
    notice = r.json()["publicity"]
    assert notice["starts_on"] == day() and notice["ends_on"] == day(NOTICE_DAYS)
    # the reproduction: paid at once, dated the notice's last day
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-AT-ONCE", paid_on=notice["ends_on"])
    assert "later than today" in assert_problem(r, 422, "validation_error", "paid_on")["detail"]
    # so an objection filed the same day still finds the claim unpaid, under notice
    r = staff.clerk.post(f"/v1/claims/{claim['claim_id']}/objections", {"reason": "举报：证书系借用"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "approved"


def test_a_notice_starts_on_the_day_its_approval_is_recorded_whatever_approved_on_says(bureau, client, clock):
    parameters_in_force(client.app.state.runtime.ledger, "skill_certificate", {
        "region": SHENYANG, "effective_from": "2022-06-04", "values": {"publicity_days": 5}})
    staff = bureau
    claim = submitted(staff.clerk, certificate(application_date=day(-20)))
    r = approve(staff.reviewer, claim["claim_id"], approved_on=day(-19))
    assert r.status_code == 200, r.text
    assert r.json()["approved_on"] == day(-19)
    assert r.json()["publicity"]["starts_on"] == day() and r.json()["publicity"]["ends_on"] == day(NOTICE_DAYS)
    # dated after the notice approved_on would give, recorded during the notice that runs: held
    assert_problem(pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-1", paid_on=day()), 409, "invalid_state")
    clock.travel_to(TODAY + dt.timedelta(days=NOTICE_DAYS))  # the notice's last day
    assert_problem(pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-2", paid_on=day(NOTICE_DAYS)), 409,
                   "invalid_state")
    clock.travel_to(TODAY + dt.timedelta(days=NOTICE_DAYS + 1))
    # the day after: paid_on still on the last day of the notice is refused, the day after is paid
    assert_problem(pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-3", paid_on=day(NOTICE_DAYS)), 409,
                   "invalid_state")
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-4", paid_on=day(NOTICE_DAYS + 1))
    assert r.status_code == 201, r.text


# ---- §1, second bullet: the watch list -------------------------------------------------

def test_a_party_listed_today_cannot_claim_with_dates_before_its_listing(bureau, clock):
    staff = bureau
    graduate = person_id()
    clock.travel_to(dt.date(2026, 12, 1))
    r = staff.admin.post("/v1/watchlist", {"party_id": graduate, "reason": "骗取补贴", "document_no": "沈人社失信〔2026〕2号",
                                           "listed_from": "2026-12-01"})
    assert r.status_code == 201, r.text
    clock.travel_to(TODAY)
    assert_problem(post_claim(staff.clerk, certificate(graduate)), 422, "not_eligible")
    # the reproduction: application_date (then approved_on, paid_on) 2026-11-30, entered today
    r = post_claim(staff.clerk, certificate(graduate, application_date="2026-11-30"))
    assert "the day it is recorded" in assert_problem(r, 422, "not_eligible")["detail"]


def test_a_payment_dated_before_a_listing_is_held_while_the_listing_stands(bureau, clock):
    staff = bureau
    graduate = person_id()
    clock.travel_to(dt.date(2026, 11, 25))
    claim = submitted(staff.clerk, certificate(graduate, application_date="2026-11-25"))
    assert approve(staff.reviewer, claim["claim_id"]).status_code == 200
    clock.travel_to(dt.date(2026, 12, 1))
    r = staff.admin.post("/v1/watchlist", {"party_id": graduate, "reason": "骗取补贴", "document_no": "沈人社失信〔2026〕3号",
                                           "listed_from": "2026-12-01"})
    assert r.status_code == 201, r.text
    entry = r.json()["entry_id"]
    clock.travel_to(TODAY)
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-W-1", paid_on="2026-11-30")
    assert "held" in assert_problem(r, 409, "invalid_state")["detail"]
    # a lift dated tomorrow and a payment dated tomorrow: both refused, the party stays listed today
    lift = {"reason": "已整改", "document_no": "沈人社〔2026〕9号", "lifted_on": day(1)}
    assert_problem(staff.admin.post(f"/v1/watchlist/{entry}/lift", lift), 422, "validation_error", "lifted_on")
    assert_problem(pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-W-2", paid_on=day(1)), 422,
                   "validation_error", "paid_on")
    assert_problem(pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-W-3"), 409, "invalid_state")
    # lifted today: paid today
    r = staff.admin.post(f"/v1/watchlist/{entry}/lift", {**lift, "lifted_on": day()})
    assert r.status_code == 200, r.text
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-W-4")
    assert r.status_code == 201, r.text


def test_a_listing_cannot_start_after_today(bureau):
    r = bureau.admin.post("/v1/watchlist", {"party_id": person_id(), "reason": "骗取补贴", "document_no": "沈失信1",
                                            "listed_from": day(1)})
    assert_problem(r, 422, "validation_error", "listed_from")


# ---- §1, third bullet: a deadline passed by a backdated application --------------------

ABSORPTION_FACTS = {"graduation_year": 2022, "contract_months": 12, "enterprise_size": "small",
                    "employer_monthly_contribution": "1200.00"}


def absorption(**extra) -> dict:
    return {"program": "absorption", "region": SHENYANG,
            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "沈阳示例制造有限公司"},
            "beneficiary": {"id": person_id(), "name": "张三"}, "facts": dict(ABSORPTION_FACTS),
            "application_date": "2022-12-31", **extra}


def test_an_application_dated_years_back_needs_evidence_and_is_listed_for_auditors(bureau):
    staff = bureau
    r = post_claim(staff.clerk, absorption())
    body = assert_problem(r, 422, "validation_error", "application_date")
    assert "backdate" in body["detail"] and "30 days" in body["detail"]
    claim = submitted(staff.clerk, absorption(backdate=EVIDENCE))
    assert claim["application_date"] == "2022-12-31"
    assert claim["backdated"] is True
    assert claim["backdated_entries"] == [{"entry": "application", "ref": None, "fields": ["application_date"],
                                           "reason": EVIDENCE["reason"], "document_no": EVIDENCE["document_no"],
                                           "backdated": True}]
    [submission] = [e for e in staff.auditor.get(f"/v1/claims/{claim['claim_id']}/events").json()["items"]
                    if e["type"] == "Submitted"]
    assert submission["data"]["backdate"] == {**EVIDENCE, "fields": ["application_date"], "window_days": 30,
                                              "recorded_on": day()}
    r = staff.auditor.get("/v1/reports/backdated")
    assert r.status_code == 200, r.text
    [row] = r.json()["items"]
    assert row["entry"] == "application" and row["claim_id"] == claim["claim_id"] and row["region"] == SHENYANG
    assert row["business_date"] == "2022-12-31" and row["recorded_on"] == day()
    assert row["backdate"] == EVIDENCE and row["actor"] == staff.clerk.user_id and row["backdated"] is True


def test_a_date_within_the_window_needs_no_evidence_and_is_not_listed(bureau):
    staff = bureau
    claim = submitted(staff.clerk, certificate(application_date=day(-30)))
    assert "backdated" not in claim
    assert_problem(post_claim(staff.clerk, certificate(application_date=day(-31))), 422, "validation_error",
                   "application_date")
    assert staff.auditor.get("/v1/reports/backdated").json()["items"] == []


def test_backdate_evidence_is_bounded_text(bureau):
    clerk = bureau.clerk
    for evidence, field in (({"reason": "x" * 201, "document_no": "1"}, "backdate.reason"),
                            ({"reason": "补录"}, "backdate.document_no"),
                            ({"reason": "补录", "document_no": "  "}, "backdate.document_no")):
        assert_problem(post_claim(clerk, absorption(backdate=evidence)), 422, "validation_error", field)
    r = post_claim(clerk, absorption(backdate={**EVIDENCE, "approved_by": "me"}))
    assert_problem(r, 422, "validation_error")
    assert bureau.auditor.get("/v1/reports/backdated").json()["items"] == []


# ---- §1, fourth bullet: per-year counts never reach into the future ---------------------

def test_six_certificates_in_one_day_across_this_year_and_next_are_three(bureau):
    staff = bureau
    person = person_id()
    for i in range(3):
        submitted(staff.clerk, certificate(person, occupation=f"工种{i}"))
    for i in range(3, 6):
        r = post_claim(staff.clerk, certificate(person, occupation=f"工种{i}", application_date="2027-01-05"))
        assert "later than today" in assert_problem(r, 422, "validation_error", "application_date")["detail"]
    assert_problem(post_claim(staff.clerk, certificate(person, occupation="工种6")), 409, "limit_exceeded")


def test_one_apprenticeship_certificate_is_paid_for_one_year_only(bureau):
    staff = bureau
    body = apprenticeship_claim()
    body["application_date"] = day()
    body["facts"]["graduation_year"] = 2024
    body["facts"]["diploma_date"] = "2024-06-30"
    assert submitted(staff.clerk, body)["application_date"] == day()
    for year in (2027, 2028):
        r = post_claim(staff.clerk, {**body, "application_date": f"{year}-01-10"})
        assert_problem(r, 422, "validation_error", "application_date")


# ---- every command with a business date ------------------------------------------------

def test_no_command_takes_a_business_date_after_today(bureau):
    staff = bureau
    tomorrow = day(1)
    fund = "employment_subsidy:210000"
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", {
        "amount": "1.00", "source": "central", "document_no": "辽财1", "effective_date": tomorrow}),
        422, "validation_error", "effective_date")
    staff.treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": SHENYANG})
    assert_problem(staff.treasurer.post("/v1/fund-transfers", {
        "from_fund": fund, "to_fund": f"employment_subsidy:{SHENYANG}", "amount": "1.00", "document_no": "辽财2",
        "effective_date": tomorrow}), 422, "validation_error", "effective_date")
    assert_problem(post_claim(staff.clerk, certificate(application_date=tomorrow)), 422, "validation_error",
                   "application_date")
    claim = submitted(staff.clerk, certificate())
    assert_problem(approve(staff.reviewer, claim["claim_id"], approved_on=tomorrow), 422, "validation_error",
                   "approved_on")
    assert approve(staff.reviewer, claim["claim_id"]).status_code == 200
    assert_problem(pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-T", paid_on=tomorrow), 422,
                   "validation_error", "paid_on")
    assert pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-T").status_code == 201
    assert_problem(staff.treasurer.post(f"/v1/claims/{claim['claim_id']}/payments/ZF-T/return", {
        "reason": "退票", "returned_on": tomorrow}), 422, "validation_error", "returned_on")
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/clawbacks", {"amount": "100.00", "reason": "多发"})
    assert r.status_code == 201, r.text
    assert_problem(staff.treasurer.post(f"/v1/claims/{claim['claim_id']}/recoveries", {
        "amount": "100.00", "reference": "HK1", "received_on": tomorrow}), 422, "validation_error", "received_on")
    # nothing refused was recorded: the claim's fund moved only by what was accepted
    movements = staff.treasurer.get(f"/v1/funds/{claim_fund(staff, claim)}/movements").json()["items"]
    assert [m["kind"] for m in movements] == ["allocated", "reserved", "disbursed"]


def claim_fund(staff, claim: dict) -> str:
    return staff.auditor.get(f"/v1/claims/{claim['claim_id']}").json()["fund_id"]


def test_backdated_money_is_marked_on_the_fund_and_listed_per_fund_and_region(bureau, admin):
    from ..support import make_user
    staff = bureau
    fund = "employment_subsidy:210000"
    body = {"amount": "10.00", "source": "central", "document_no": "辽财补1", "effective_date": day(-45)}
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", body), 422, "validation_error",
                   "effective_date")
    r = staff.treasurer.post(f"/v1/funds/{fund}/allocations", {**body, "backdate": EVIDENCE})
    assert r.status_code == 201, r.text
    movements = staff.treasurer.get(f"/v1/funds/{fund}/movements").json()["items"]
    assert [m.get("backdated", False) for m in movements] == [False, True]
    claim = submitted(staff.clerk, certificate(application_date=day(-10)))
    r = approve(staff.reviewer, claim["claim_id"], approved_on=day(-10))
    assert r.status_code == 200 and "backdated" not in r.json()
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-B", paid_on=day(-10))
    assert r.status_code == 201 and "backdated" not in r.json()["payments"][0]
    listed = staff.auditor.get("/v1/reports/backdated", fund_id=fund).json()["items"]
    assert [(row["entry"], row["fund_id"], row["business_date"]) for row in listed] == [
        ("allocation", fund, day(-45))]
    assert staff.auditor.get("/v1/reports/backdated", fund_id=fund, to=day(-46)).json()["items"] == []
    assert len(staff.treasurer.get("/v1/reports/backdated", **{"from": day(-45)}).json()["items"]) == 1
    # roles and regions as the other reports
    assert_problem(staff.clerk.get("/v1/reports/backdated"), 403, "forbidden")
    dalian = make_user(admin, "大连审计", ["auditor"], ["210200"])
    assert dalian.get("/v1/reports/backdated").json()["items"] == []
    assert_problem(dalian.get("/v1/reports/backdated", fund_id=fund), 403, "forbidden")


def test_a_backdated_payment_is_marked_on_the_claim_and_listed_once(bureau):
    staff = bureau
    claim = submitted(staff.clerk, certificate(application_date=day(-29)))
    assert approve(staff.reviewer, claim["claim_id"], approved_on=day(-29)).status_code == 200
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-OLD", paid_on=day(-29), backdate=EVIDENCE)
    assert r.status_code == 201, r.text
    assert "backdated" not in r.json()  # within the window: evidence sent, nothing backdated
    claim = submitted(staff.clerk, certificate(application_date=day(-40), backdate=EVIDENCE))
    assert approve(staff.reviewer, claim["claim_id"], approved_on=day(-40), backdate=EVIDENCE).status_code == 200
    r = pay(staff.treasurer, claim["claim_id"], "1500.00", "ZF-OLD-2", paid_on=day(-35), backdate=EVIDENCE)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["payments"][0]["backdated"] is True
    assert [e["entry"] for e in doc["backdated_entries"]] == ["application", "approval", "payment"]
    rows = staff.auditor.get("/v1/reports/backdated").json()["items"]
    assert [(row["entry"], row["ref"]) for row in rows] == [("application", None), ("approval", None),
                                                            ("payment", "ZF-OLD-2")]
    fund = doc["fund_id"]
    marked = [m["kind"] for m in staff.treasurer.get(f"/v1/funds/{fund}/movements").json()["items"]
              if m.get("backdated")]
    assert marked == ["reserved", "disbursed"]


def test_the_backdating_window_is_a_setting():
    assert Settings.from_env({}).backdate_days == 30
    assert Settings.from_env({"LEDGER_BACKDATE_DAYS": "90"}).backdate_days == 90
    for bad in ("-1", "36501", "thirty"):
        with pytest.raises(SettingsError, match="LEDGER_BACKDATE_DAYS"):
            Settings.from_env({"LEDGER_BACKDATE_DAYS": bad})


def test_ledger_report_backdated_writes_every_entry_for_auditors(settings, clock, tmp_path):
    import json

    from typer.testing import CliRunner

    from ledger.access import Actor
    from runtime.cli import cli
    from runtime.container import Runtime

    from ..support import CHAIN_KEY, PII_KEY, SEAL_KEY

    clock.travel_to(TODAY)
    treasurer = Actor("t", "treasurer", frozenset({"treasurer"}), ("000000",))
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210000"})
        rt.ledger.allocate(treasurer, "employment_subsidy:210000", {
            "amount": "10.00", "source": "central", "document_no": "辽财补1", "effective_date": day(-60),
            "backdate": EVIDENCE})
    finally:
        rt.close()
    env = {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
           "LEDGER_DATA_DIR": str(settings.data_dir), "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
           "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_PROJECTIONS": "embedded"}
    out = tmp_path / "backdated.json"
    result = CliRunner().invoke(cli, ["report", "backdated", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    [row] = json.loads(out.read_bytes())["items"]
    assert row["entry"] == "allocation" and row["business_date"] == day(-60) and row["backdate"] == EVIDENCE
    result = CliRunner().invoke(cli, ["report", "backdated", "--fund-id", "bogus", "--out", str(out)], env=env)
    assert result.exit_code == 2 and "validation_error" in result.output
