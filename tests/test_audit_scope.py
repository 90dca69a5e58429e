"""GET /v1/audit/events for auditors and admins bound to regions: the events of funds and
claims (and a fund's bank statements) in their regions only; events that belong to no
region only for callers scoped to 000000. Pages stay correct (the cursor is a position).
GET /v1/audit/verify covers the whole log for everyone and shows no event's data."""
from __future__ import annotations

import json

import pytest

from .conftest import open_fund
from .support import Api, job_expansion_claim, make_user

APPROVED_ON = "2022-07-16"


@pytest.fixture
def two_cities(admin):
    """Funds and claims in Shenyang and Dalian, and the province's fund with a transfer down
    to Dalian; users, credentials, idempotency records and a seal besides."""
    treasurer = make_user(admin, "treasurer", ["treasurer"], ["210000"])
    clerk = make_user(admin, "clerk", ["clerk"], ["210000"])
    reviewer = make_user(admin, "reviewer", ["reviewer"], ["210000"])
    open_fund(treasurer, "unemployment_insurance", "210000", "500000.00")
    for city in ("210100", "210200"):
        open_fund(treasurer, "unemployment_insurance", city, "100000.00")
        for _ in range(3):
            r = clerk.post("/v1/claims", job_expansion_claim(region=city), headers={"Idempotency-Key": f"k-{_}-{city}"})
            assert r.status_code == 201, r.text
            assert reviewer.post(f"/v1/claims/{r.json()['claim_id']}/approve",
                                 {"approved_on": APPROVED_ON}).status_code == 200
    r = treasurer.post("/v1/fund-transfers", {"from_fund": "unemployment_insurance:210000",
                                              "to_fund": "unemployment_insurance:210200", "amount": "1000.00",
                                              "document_no": "辽财社〔2022〕7号", "effective_date": "2022-07-01"})
    assert r.status_code == 201, r.text
    assert admin.post("/v1/audit/seals").status_code == 201
    return admin


def _all(api: Api, limit: int = 1000) -> list[dict]:
    items, after = [], 0
    while True:
        page = api.get("/v1/audit/events", after_position=after, limit=limit).json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        after = page["next_cursor"]


def _regions_by_aggregate(events: list[dict]) -> dict[str, str | None]:
    """Each aggregate's region as its first event says (None: it has none)."""
    regions = {}
    for e in events:
        if e["version"] == 1:
            aggregate = e["topic"].rpartition(".")[0]
            if aggregate in ("ledger.domain.fund:Fund", "ledger.domain.claim:Claim"):
                regions[e["originator_id"]] = e["data"]["region"]
            else:
                regions[e["originator_id"]] = None
    return regions


def test_a_dalian_auditor_sees_only_dalian_funds_and_claims(two_cities):
    admin = two_cities
    everything = _all(make_user(admin, "national auditor", ["auditor"], ["000000"]))
    assert everything == _all(admin)
    regions = _regions_by_aggregate(everything)
    dalian = [e for e in everything if (regions.get(e["originator_id"]) or "").startswith("2102")]
    assert {e["type"] for e in dalian} >= {"Opened", "Allocated", "Submitted", "Approved", "Reserved", "TransferredIn"}
    for who in (make_user(admin, "dalian auditor", ["auditor"], ["210200"]),
                make_user(admin, "dalian admin", ["admin"], ["210200"])):
        seen = _all(who)
        assert [e["position"] for e in seen] == [e["position"] for e in dalian]
        assert seen == dalian
        # Paged by three, and streamed: the same events.
        assert _all(who, limit=3) == dalian
        r = who.client.get("/v1/audit/events", headers={"Authorization": f"Bearer {who.token}",
                                                         "Accept": "application/x-ndjson"})
        assert [json.loads(line) for line in r.text.splitlines()] == dalian
        # A page starting after an event the caller does not see goes on with its next own one.
        hidden = next(e for e in everything if e["position"] > dalian[2]["position"] and e not in dalian)
        page = who.get("/v1/audit/events", after_position=hidden["position"], limit=2).json()
        assert page["items"] == [e for e in dalian if e["position"] > hidden["position"]][:2]


def test_events_of_no_region_are_for_callers_scoped_to_the_country_only(two_cities):
    admin = two_cities
    province = _all(make_user(admin, "provincial auditor", ["auditor"], ["210000"]))
    everything = _all(admin)
    regions = _regions_by_aggregate(everything)
    assert all(regions.get(e["originator_id"]) for e in province)
    assert {e["type"] for e in everything} - {e["type"] for e in province} >= {"Registered", "Recorded", "Sealed"}
    # The province's own fund (and the transfer out of it) is the provincial auditor's.
    assert any(e["type"] == "TransferredOut" for e in province)


def test_verify_covers_the_whole_log_for_a_regional_auditor_and_reveals_no_data(two_cities):
    admin = two_cities
    dalian = make_user(admin, "dalian auditor", ["auditor"], ["210200"])
    everything = _all(admin)
    check = dalian.get("/v1/audit/verify", full="true").json()
    assert check["ok"] and check["events_checked"] == len(everything) and check["snapshots"]["bad"] == []
    # A failing check (an anchor naming a Shenyang event with another hash) says where, not what.
    shenyang = next(e for e in everything if e["type"] == "Submitted" and e["data"]["region"] == "210100")
    failed = dalian.get("/v1/audit/verify", expect_position=shenyang["position"], expect_hash="0" * 64).json()
    assert not failed["ok"] and failed["first_bad_position"] == shenyang["position"]
    for answer in (check, failed):
        text = json.dumps(answer, ensure_ascii=False)
        for secret in ("210100", "unemployment_insurance", "沈阳", "job_expansion", "Submitted", shenyang["hash"]):
            assert secret not in text, secret


def test_a_parameter_change_belongs_to_the_region_it_names(admin):
    """Proposals, confirmations and rejections each name the change's region; the shipped
    values a ledger records at its first start belong to no region."""
    from ledger.access import Actor

    ledger = admin.client.app.state.runtime.ledger
    proposer = Actor("root", "root", frozenset({"admin"}), ("000000",))
    confirmer = Actor("root2", "root2", frozenset({"admin"}), ("000000",))
    for region in ("210200", "210000"):
        change = ledger.propose_parameter_change(proposer, "skill_certificate", {
            "region": region, "effective_from": "2022-06-04", "values": {"max_per_year": 2},
            "document_no": f"{region}人社〔2022〕1号", "reason": "test", "retroactive": True}).body
        ledger.confirm_parameter_change(confirmer, "skill_certificate", change["change_id"])
    rejected = ledger.propose_parameter_change(proposer, "skill_certificate", {
        "region": "210200", "effective_from": "2030-01-01", "values": {"max_per_year": 1},
        "document_no": "大人社〔2029〕1号", "reason": "test"}).body
    ledger.reject_parameter_change(confirmer, "skill_certificate", rejected["change_id"], {"reason": "no"})
    seen = _all(make_user(admin, "dalian auditor", ["auditor"], ["210200"]))
    assert [(e["type"], e["data"]["region"], e["actor"]) for e in seen] == [
        ("ChangeProposed", "210200", "root"), ("VersionRecorded", "210200", "root2"),
        ("ChangeProposed", "210200", "root"), ("ChangeRejected", "210200", "root2")]
    everything = _all(admin)
    assert [e["data"]["region"] for e in everything if e["type"] == "VersionRecorded"] == ["210200", "210000"]
    shipped = [e for e in everything if e["type"] == "ShippedValuesRecorded"]
    assert len(shipped) == 19 and all(e["actor"] == "system" for e in shipped)


def test_a_funds_bank_account_belongs_to_the_funds_region(admin):
    """The account's counts of open statement lines (ledger/domain/bank.py) are the fund's."""
    treasurer = make_user(admin, "treasurer", ["treasurer"], ["210000"])
    for city in ("210100", "210200"):
        fund = open_fund(treasurer, "unemployment_insurance", city)
        r = treasurer.client.post("/v1/bank-statements", params={"fund_id": fund},
                                  content=f"date,amount,direction\n2022-07-20,1.00,credit\n2022-07-2{city[3]},2.00,debit\n"
                                  .encode(), headers={"Authorization": f"Bearer {treasurer.token}",
                                                      "Content-Type": "text/csv"})
        assert r.status_code == 201, r.text
    seen = _all(make_user(admin, "dalian auditor", ["auditor"], ["210200"]))
    accounts = [e for e in seen if e["topic"].startswith("ledger.domain.bank:BankAccount.")]
    assert {e["type"] for e in accounts} == {"Opened", "StatementCounted"}
    assert len({e["originator_id"] for e in accounts}) == 1
    assert [e["data"]["fund_code"] for e in accounts if e["type"] == "Opened"] == ["unemployment_insurance:210200"]
