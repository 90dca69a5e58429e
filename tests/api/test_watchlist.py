"""The watch list (失信名单, notice clause 六.25; API.md ★ Watch list): a listed party's new
claims, as applicant or beneficiary, with an application date in [listed_from,
listed_until) are 422 not_eligible, and payments to it with such a paid_on are 409
invalid_state (held, not cancelled) until the listing ends or is lifted. Admins write;
admins and auditors read, with party ids masked. Both backends."""
from __future__ import annotations

from ..support import credit_code, job_expansion_claim, person_id
from .helpers import APPROVED_ON, assert_problem, masked, submit

ORDER = "沈人社失信〔2022〕3号"


def listing(admin, party_id: str, listed_from: str = "2022-07-01", listed_until: str | None = "2022-08-01") -> str:
    body = {"party_id": party_id, "reason": "骗取补贴", "document_no": ORDER, "listed_from": listed_from}
    if listed_until is not None:
        body["listed_until"] = listed_until
    r = admin.post("/v1/watchlist", body)
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"entry_id"}
    return r.json()["entry_id"]


def claim_on(clerk, day: str, *, applicant: str | None = None, beneficiary: str | None = None):
    return clerk.post("/v1/claims", job_expansion_claim(applicant=applicant, beneficiary=beneficiary,
                                                        application_date=day))


def test_a_listed_employer_or_graduate_cannot_claim_on_a_listed_day(client, staff, funds):
    employer, graduate = credit_code(), person_id()
    listing(staff.admin, employer, listed_from="2022-07-10")
    listing(staff.admin, graduate, listed_from="2022-07-10", listed_until=None)
    # the applicant: inside [2022-07-10, 2022-08-01), both edges
    for day in ("2022-07-10", "2022-07-31"):
        r = claim_on(staff.clerk, day, applicant=employer)
        assert "watch list" in assert_problem(r, 422, "not_eligible")["detail"]
    # outside: the day before and listed_until itself
    for day in ("2022-07-09", "2022-08-01"):
        assert claim_on(staff.clerk, day, applicant=employer).status_code == 201
    # the beneficiary: open-ended from 2022-07-10
    assert_problem(claim_on(staff.clerk, "2022-07-10", beneficiary=graduate), 422, "not_eligible")
    assert_problem(claim_on(staff.clerk, "2022-12-31", beneficiary=graduate), 422, "not_eligible")
    # dated the day before, but the listing stands on the day the claim is recorded: refused too
    r = claim_on(staff.clerk, "2022-07-09", beneficiary=graduate)
    assert "the day it is recorded" in assert_problem(r, 422, "not_eligible")["detail"]


def test_payments_to_a_listed_party_are_held_until_the_listing_is_lifted(client, staff, funds):
    employer = credit_code()
    claim = submit(staff.clerk, job_expansion_claim(applicant=employer))  # applied 2022-07-15, before the listing
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {"approved_on": APPROVED_ON})
    assert r.status_code == 200, r.text
    entry = listing(staff.admin, employer, listed_from="2022-07-18", listed_until=None)

    def pay(paid_on: str, ref: str):
        return staff.treasurer.post(f"/v1/claims/{claim['claim_id']}/payments",
                                    {"amount": "1500.00", "kind": "settlement", "payment_ref": ref,
                                     "paid_on": paid_on})

    assert "held" in assert_problem(pay("2022-07-20", "ZF-W-1"), 409, "invalid_state")["detail"]
    assert staff.auditor.get(f"/v1/claims/{claim['claim_id']}").json()["status"] == "approved"  # not cancelled
    # only the admin lifts; the clerk and the auditor may not
    lift = {"reason": "已退回补贴并整改", "document_no": "沈人社〔2022〕9号", "lifted_on": "2022-07-25"}
    assert_problem(staff.clerk.post(f"/v1/watchlist/{entry}/lift", lift), 403, "forbidden")
    assert_problem(staff.auditor.post(f"/v1/watchlist/{entry}/lift", lift), 403, "forbidden")
    r = staff.admin.post(f"/v1/watchlist/{entry}/lift", lift)
    assert r.status_code == 200, r.text
    assert r.json()["lifted"]["lifted_on"] == "2022-07-25"
    assert_problem(staff.admin.post(f"/v1/watchlist/{entry}/lift", lift), 409, "invalid_state")
    assert_problem(pay("2022-07-24", "ZF-W-2"), 409, "invalid_state")
    assert pay("2022-07-25", "ZF-W-3").status_code == 201
    # paid before the listing began: allowed (a payment dated before it)
    assert_problem(staff.admin.post("/v1/watchlist/00000000-0000-4000-8000-000000000000/lift", lift), 404,
                   "not_found")


def test_the_list_shows_masked_ids_to_admins_and_auditors_and_filters(client, staff):
    graduate, employer = person_id(), credit_code()
    first = listing(staff.admin, graduate)
    second = listing(staff.admin, employer, listed_from="2022-09-01", listed_until=None)
    r = staff.auditor.get("/v1/watchlist")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["entry_id"] for i in items] == [first, second]
    assert items[0]["party"] == {"kind": "person", "id": masked(graduate)}
    assert items[1]["party"] == {"kind": "organisation", "id": masked(employer)}
    assert items[0] | {"version": 0} == {
        "entry_id": first, "party": {"kind": "person", "id": masked(graduate)}, "reason": "骗取补贴",
        "document_no": ORDER, "listed_from": "2022-07-01", "listed_until": "2022-08-01",
        "listed_by": items[0]["listed_by"], "lifted": None, "version": 0}
    assert graduate not in r.text and employer not in r.text
    assert [i["entry_id"] for i in staff.admin.get("/v1/watchlist", party_id=employer).json()["items"]] == [second]
    assert [i["entry_id"] for i in staff.admin.get("/v1/watchlist", active_on="2022-07-31").json()["items"]] == [first]
    assert [i["entry_id"] for i in staff.admin.get("/v1/watchlist", active_on="2022-08-01").json()["items"]] == []
    assert [i["entry_id"] for i in staff.admin.get("/v1/watchlist", active_on="2030-01-01").json()["items"]] == [
        second]
    page = staff.admin.get("/v1/watchlist", limit=1).json()
    assert [i["entry_id"] for i in page["items"]] == [first]
    assert [i["entry_id"] for i in staff.admin.get("/v1/watchlist", limit=1, cursor=page["next_cursor"]).json()[
        "items"]] == [second]
    for api in (staff.clerk, staff.reviewer, staff.treasurer):
        assert_problem(api.get("/v1/watchlist"), 403, "forbidden")
        assert_problem(api.post("/v1/watchlist", {"party_id": employer, "reason": "x", "document_no": "x",
                                                  "listed_from": "2022-07-01"}), 403, "forbidden")


def test_listing_refuses_bad_ids_and_periods(client, staff):
    body = {"party_id": "110105194912310021", "reason": "骗取补贴", "document_no": ORDER, "listed_from": "2022-07-01"}
    assert_problem(staff.admin.post("/v1/watchlist", body), 422, "validation_error", "party_id")
    body["party_id"] = person_id()
    assert_problem(staff.admin.post("/v1/watchlist", {**body, "listed_until": "2022-07-01"}), 422,
                   "validation_error", "listed_until")
    assert_problem(staff.admin.post("/v1/watchlist", {**body, "document_no": ""}), 422, "validation_error")
    assert_problem(staff.admin.get("/v1/watchlist", active_on="2022-02-30"), 422, "validation_error", "active_on")
