"""Point-in-time reads (issue 5, API.md "As-of reads"): GET /v1/funds/{id}, GET /v1/funds
and GET /v1/claims/{id} with `as_of_position` (or `as_of`, a time) answer as the ledger
stood then, from indexed history. Checked at many positions across a generated history
against two replays to that position: the read models rebuilt from the log up to it into a
fresh store, and the aggregates folded from the events up to it."""
from __future__ import annotations

import datetime as dt
import random

import orjson
import pytest
from fastapi.testclient import TestClient
from psycopg.sql import SQL

from api.app import create_app
from projections.reads.funds import fund_document
from ledger.views import claim_view
from projections.rebuild import differences, rebuild
from runtime.container import open_read_model
from adapters.event_store import POSITION_AT_POSTGRES, POSITION_AT_SQLITE

from .api.helpers import APPROVED_ON, PAID_ON, assert_problem, big_claim
from .conftest import Staff
from .support import ADMIN_TOKEN, Api, internship_claim, job_expansion_claim, make_user

CST = dt.timezone(dt.timedelta(hours=8))
PROVINCE_ES, CITY_ES = "employment_subsidy:210000", "employment_subsidy:210100"
CITY_UI, SKILLS = "unemployment_insurance:210100", "skill_upgrade_account:210000"
FUNDS = (PROVINCE_ES, CITY_ES, CITY_UI, SKILLS)


def ok(r, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


class History:
    """A ledger driven through the API through every kind of fund movement and claim
    transition, remembering after each command the time and the log's head."""

    def __init__(self, client: TestClient):
        self.client = client
        self.rt = client.app.state.runtime
        self.staff = Staff(Api(client, ADMIN_TOKEN))
        self.claims: list[str] = []
        self.marks: list[tuple[dt.datetime, int]] = []

    def mark(self) -> None:
        """A time after the last commit and before the next, with the head then (taken again
        should anything, a periodic seal say, commit meanwhile)."""
        while True:
            head = self.rt.ledger.head_position()
            moment = dt.datetime.now(dt.timezone.utc)
            if self.rt.ledger.head_position() == head:
                self.marks.append((moment, head))
                return

    def post(self, api: Api, path: str, body: dict | None = None, status: int = 200) -> dict:
        result = ok(api.post(path, body), status)
        self.mark()
        return result

    def submit(self, body: dict) -> str:
        claim_id = self.post(self.staff.clerk, "/v1/claims", body, 201)["claim_id"]
        self.claims.append(claim_id)
        return claim_id

    def approve(self, claim_id: str, **extra) -> dict:
        return self.post(self.staff.reviewer, f"/v1/claims/{claim_id}/approve", {"approved_on": APPROVED_ON, **extra})

    def pay(self, claim_id: str, amount: str, ref: str, kind: str = "settlement") -> dict:
        return self.post(self.staff.treasurer, f"/v1/claims/{claim_id}/payments",
                         {"amount": amount, "kind": kind, "payment_ref": ref, "paid_on": PAID_ON}, 201)

    def generate(self) -> "History":
        s = self.staff
        t = s.treasurer
        allocation = {"source": "provincial", "document_no": "辽财社〔2022〕1号", "effective_date": "2022-06-10"}
        for fund_id in FUNDS:
            fund_type, region = fund_id.split(":")
            self.post(t, "/v1/funds", {"fund_type": fund_type, "region": region}, 201)
        self.post(t, f"/v1/funds/{PROVINCE_ES}/allocations", {"amount": "500000.00", **allocation}, 201)
        self.post(t, f"/v1/funds/{CITY_UI}/allocations", {"amount": "20000.00", **allocation}, 201)
        self.post(t, f"/v1/funds/{SKILLS}/allocations", {"amount": "30000.00", "memo": "专账", **allocation}, 201)
        transfer = {"document_no": "辽人社〔2022〕88号", "effective_date": "2022-06-20"}
        self.post(t, "/v1/fund-transfers", {"from_fund": PROVINCE_ES, "to_fund": CITY_ES, "amount": "300000.00",
                                            **transfer}, 201)
        self.post(t, "/v1/fund-transfers", {"from_fund": CITY_ES, "to_fund": PROVINCE_ES, "amount": "50000.00",
                                            **transfer}, 201)

        # Paid, returned (退票), paid anew, clawed back and partly recovered.
        a = self.submit(job_expansion_claim())
        self.approve(a)
        self.pay(a, "1500.00", "ZF-1")
        self.post(t, f"/v1/claims/{a}/payments/ZF-1/return", {"reason": "退票：账户已冻结", "returned_on": "2022-07-21"})
        self.pay(a, "1500.00", "ZF-2")
        self.post(s.reviewer, f"/v1/claims/{a}/clawbacks", {"amount": "1500.00", "reason": "骗取补贴"}, 201)
        self.post(t, f"/v1/claims/{a}/recoveries", {"amount": "1000.00", "reference": "HK-1",
                                                    "received_on": "2022-10-08"}, 201)
        # Prepaid, settled on the months served, paid in full.
        b = self.submit(internship_claim(term_months=6))
        self.approve(b)
        self.pay(b, "3450.00", "YF-1", kind="prepayment")
        self.post(s.clerk, f"/v1/claims/{b}/facts", {"facts": {"months_served": 6}})
        self.pay(b, "3450.00", "JS-1")
        # Prepaid, then fewer months served: reservation released, overpayment demanded back, recovered.
        c = self.submit(internship_claim(term_months=6))
        self.approve(c)
        self.pay(c, "3450.00", "YF-2", kind="prepayment")
        claim = self.post(s.clerk, f"/v1/claims/{c}/facts", {"facts": {"months_served": 2}})
        assert claim["amounts"]["clawback_outstanding"] != "0.00", claim
        self.post(t, f"/v1/claims/{c}/recoveries", {"amount": claim["amounts"]["clawback_outstanding"],
                                                    "reference": "HK-2", "received_on": "2022-10-09"}, 201)
        # Approved for less than the entitlement, prepaid, closed: the rest released.
        d = self.submit(internship_claim(term_months=4))
        self.approve(d, amount="4000.00")
        self.pay(d, "2000.00", "YF-3", kind="prepayment")
        self.post(s.reviewer, f"/v1/claims/{d}/close", {"reason": "见习单位放弃剩余补贴"})
        # Rejected and withdrawn.
        e = self.submit(job_expansion_claim())
        self.post(s.reviewer, f"/v1/claims/{e}/reject", {"reason": "劳动合同未备案"})
        f = self.submit(job_expansion_claim())
        self.post(s.clerk, f"/v1/claims/{f}/withdraw", {"reason": "企业主动撤回申请"})
        # A city override, then a large claim: a clawback above 50,000.00 needs a second reviewer.
        change = ok(s.admin.put("/v1/programs/internship/parameters", {
            "region": "210100", "effective_from": "2022-06-04", "values": {"living_allowance": "2000.00"},
            "document_no": "沈人社〔2022〕9号", "reason": "沈阳见习生活费", "retroactive": True}), 202)
        second_admin = make_user(s.admin, "second admin", ["admin"], ["000000"])
        ok(second_admin.post(f"/v1/programs/internship/parameter-changes/{change['change_id']}/confirm"))
        self.mark()
        g = self.submit(big_claim())
        self.approve(g)
        self.pay(g, "60900.00", "YF-4", kind="prepayment")
        clawback = self.post(s.reviewer, f"/v1/claims/{g}/clawbacks", {"amount": "60000.00", "reason": "虚报见习人员"},
                             201)
        self.post(s.reviewer2, f"/v1/claims/{g}/clawbacks/{clawback['clawback_id']}/confirm")
        self.post(t, f"/v1/claims/{g}/recoveries", {"amount": "1000.00", "reference": "HK-3",
                                                    "received_on": "2022-11-01"}, 201)
        # Submitted only; and one approved from the province's fund (a wider region), never paid.
        self.submit(job_expansion_claim())
        h = self.submit(internship_claim(term_months=3))
        self.approve(h, fund_id=PROVINCE_ES)
        self.post(t, f"/v1/funds/{CITY_UI}/allocations", {"amount": "100.00", **allocation}, 201)
        return self


@pytest.fixture
def history(settings):
    with TestClient(create_app(settings)) as client:
        yield History(client).generate()


class Folded:
    """The second replay: every aggregate folded from the log's events up to a position,
    with no read model involved."""

    def __init__(self, app):
        self.app = app
        self.notifications = app.recorder.select_notifications(start=None, limit=1_000_000)
        self.aggregates: dict = {}
        self.last_position: dict = {}
        self.first_position: dict[str, int] = {}
        for n in reversed(self.notifications):
            self.first_position[str(n.originator_id)] = n.id
        self._next = 0

    def upto(self, position: int) -> None:
        while self._next < len(self.notifications) and self.notifications[self._next].id <= position:
            n = self.notifications[self._next]
            event = self.app.mapper.to_domain_event(n)
            self.aggregates[event.originator_id] = event.mutate(self.aggregates.get(event.originator_id))
            self.last_position[event.originator_id] = n.id
            self._next += 1

    def fund(self, fund_id: str) -> dict | None:
        for key, aggregate in self.aggregates.items():
            if getattr(aggregate, "fund_code", None) == fund_id and type(aggregate).__name__ == "Fund":
                return {"fund_id": fund_id, "fund_type": aggregate.fund_type, "region": aggregate.region,
                        "name": aggregate.name, "balance": aggregate.balance(), "position": self.last_position[key],
                        "version": aggregate.version}
        return None

    def claim(self, claim_id: str) -> dict | None:
        for key, aggregate in self.aggregates.items():
            if str(key) == claim_id:
                return orjson.loads(orjson.dumps(claim_view(aggregate), default=str))
        return None


def _all_funds(api: Api, **params) -> list[dict]:
    """Every page of GET /v1/funds, two at a time, so the cursor is exercised too."""
    items, cursor = [], None
    while True:
        page = ok(api.get("/v1/funds", limit=2, **params, **({"cursor": cursor} if cursor else {})))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def _check_position(api: Api, position: int, fresh, folded: Folded, claims: list[str]) -> None:
    replayed_funds = {r["fund_id"]: fund_document(r) for r in fresh.all_rows("rm_funds")}
    replayed_claims = {r["claim_id"]: orjson.loads(r["doc"]) for r in fresh.all_rows("rm_claims")}
    for fund_id in FUNDS:
        r = api.get(f"/v1/funds/{fund_id}", as_of_position=position)
        expected = replayed_funds.get(fund_id)
        assert expected == folded.fund(fund_id), (position, fund_id)
        if expected is None:
            assert_problem(r, 404, "not_found")
        else:
            assert ok(r) == expected, (position, fund_id)
            assert r.headers["etag"] == f'"{expected["version"]}"'
    for claim_id in claims:
        expected = replayed_claims.get(claim_id)
        assert expected == folded.claim(claim_id), (position, claim_id)
        if expected is None and position % 7 and position + 1 != folded.first_position[claim_id]:
            continue  # not submitted yet: asked just before its submission and at every 7th position
        r = api.get(f"/v1/claims/{claim_id}", as_of_position=position)
        if expected is None:
            assert_problem(r, 404, "not_found")
        else:
            assert ok(r) == expected, (position, claim_id)
    listed = [replayed_funds[k] for k in sorted(replayed_funds)]
    assert ok(api.get("/v1/funds", as_of_position=position)) == {"items": listed, "next_cursor": None}, position
    if position % 5 == 0:
        assert _all_funds(api, as_of_position=position) == listed, position
    filtered = ok(api.get("/v1/funds", as_of_position=position, fund_type="employment_subsidy", region="210100"))
    assert filtered == {"items": [replayed_funds[CITY_ES]] if CITY_ES in replayed_funds else [], "next_cursor": None}


@pytest.mark.slow
def test_as_of_position_equals_a_replay_to_that_position(settings, history):
    """Every position of the generated history (a random sample of 50 where it is
    longer), and the boundaries: each read as of P equals the replays to P."""
    rt, api = history.rt, history.staff.auditor
    head = rt.ledger.head_position()
    first_fund = min(p for _, p in history.marks)  # the first fund opened: positions before it are users only
    positions = list(range(first_fund - 3, head + 1))
    if len(positions) > 200:
        sample = set(random.Random(5).sample(positions, 50))
        positions = sorted(sample | {0, first_fund - 1, first_fund, head - 1, head})
    fresh = open_read_model(settings, elsewhere=f"{settings.pg_schema}_asof" if settings.pg_schema else
                            "asof-replay.db")
    folded = Folded(rt.app)
    try:
        for position in positions:
            rebuild(rt.app, fresh, upto=position)  # the fresh store moves forward to P, never past it
            assert (fresh.max_tracking_id(rt.app.name) or 0) <= position
            folded.upto(position)
            _check_position(api, position, fresh, folded, history.claims)
        # At the head the as-of answers are the live ones; the full rebuild equals the live
        # read models, fund history included, which holds one row per fund event.
        rebuild(rt.app, fresh)
        assert differences(rt.views, fresh) == []
        rows = rt.views.all_rows("rm_fund_history")
        fund_events = [n.id for n in folded.notifications if n.topic.startswith("ledger.domain.fund:Fund.")]
        assert sorted(r["position"] for r in rows) == fund_events
        assert {r["type"] for r in rows} == {"Opened", "Allocated", "TransferredOut", "TransferredIn", "Reserved",
                                             "Released", "Disbursed", "PaymentReturned", "Recovered"}
        assert ok(api.get(f"/v1/funds/{CITY_ES}", as_of_position=head)) == ok(api.get(f"/v1/funds/{CITY_ES}"))
        for claim_id in history.claims:
            assert ok(api.get(f"/v1/claims/{claim_id}", as_of_position=head)) == ok(api.get(f"/v1/claims/{claim_id}"))
        assert _all_funds(api, as_of_position=head) == _all_funds(api)
    finally:
        fresh.close()


def test_as_of_a_time_maps_to_the_last_position_recorded_by_then(history):
    """A time between two commits answers as of the earlier one, in any zone."""
    api = history.staff.auditor
    claim_id = history.claims[0]
    for moment, position in history.marks[::6] + history.marks[-1:]:
        for text in (moment.isoformat(), moment.astimezone(CST).isoformat(),
                     moment.isoformat().replace("+00:00", "Z")):
            for path in (f"/v1/funds/{CITY_ES}", f"/v1/claims/{claim_id}", "/v1/funds"):
                by_time = api.get(path, as_of=text)
                by_position = api.get(path, as_of_position=position)
                assert by_time.status_code == by_position.status_code, (path, text, by_time.text)
                assert by_time.json() == by_position.json(), (path, text)
    # Before the ledger began nothing existed; after its last commit, what is there now.
    assert_problem(api.get(f"/v1/funds/{CITY_ES}", as_of="2000-01-01T00:00:00Z"), 404, "not_found")
    assert_problem(api.get(f"/v1/claims/{claim_id}", as_of="2000-01-01T08:00:00+08:00"), 404, "not_found")
    assert ok(api.get("/v1/funds", as_of="2000-01-01T00:00:00Z")) == {"items": [], "next_cursor": None}
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    assert ok(api.get(f"/v1/funds/{CITY_ES}", as_of=later)) == ok(api.get(f"/v1/funds/{CITY_ES}"))
    assert ok(api.get(f"/v1/claims/{claim_id}", as_of=later)) == ok(api.get(f"/v1/claims/{claim_id}"))


def test_as_of_a_time_seeks_the_time_index_instead_of_walking_the_log(history):
    """Mapping a time to a position must cost one index seek however long the log is: the
    plan uses the chain's time index, with no sort and no scan of later events."""
    rt = history.rt
    recorder = rt.app.recorder
    moment = history.marks[len(history.marks) // 2][0]
    with recorder.datastore.transaction(commit=False) as c:
        if rt.settings.backend == "sqlite":
            c.execute("EXPLAIN QUERY PLAN " + POSITION_AT_SQLITE, (moment.isoformat(timespec="microseconds"),))
            plan = " ".join(str(row[-1]) for row in c.fetchall())
            assert "INDEX event_chain_by_time" in plan and "B-TREE" not in plan and "SCAN" not in plan, plan
        else:
            c.execute("SET LOCAL enable_seqscan = off")  # a small test table would be scanned anyway
            c.execute(SQL("EXPLAIN ") + POSITION_AT_POSTGRES.format(*recorder.chain_table), (moment,))
            plan = " ".join(row["QUERY PLAN"] for row in c.fetchall())
            assert "_chain_by_time" in plan and "Sort" not in plan, plan


def test_as_of_refusals(history):
    """Both parameters or a malformed one: 422 naming the field; a position beyond the head
    names no state the ledger has been in yet: 404 (a well-formed position, not malformed input).
    Roles and regions apply as to live reads, and so does consistency: a read as of the
    head right after a write shows it."""
    s, rt = history.staff, history.rt
    head = rt.ledger.head_position()
    claim_id = history.claims[0]
    for path in (f"/v1/funds/{CITY_ES}", "/v1/funds", f"/v1/claims/{claim_id}"):
        assert_problem(s.auditor.get(path, as_of="2022-07-01T08:00:00+08:00", as_of_position=1), 422,
                       "validation_error")
        for bad in ("yesterday", "2022-07-01", "2022-07-01T08:00:00", "2022-02-30T08:00:00Z",
                    "2022-07-01T08:00:00+24:00", "20220701T080000+0800"):
            assert_problem(s.auditor.get(path, as_of=bad), 422, "validation_error", field="as_of")
        for bad in ("-1", "abc", "1.5"):
            assert_problem(s.auditor.get(path, as_of_position=bad), 422, "validation_error", field="as_of_position")
        # Beyond the head is refused, not answered at the head: an as-of answer never changes.
        assert_problem(s.auditor.get(path, as_of_position=head + 1), 404, "not_found", field="as_of_position")
        assert_problem(s.auditor.get(path, as_of_position=10**30), 422, "validation_error", field="as_of_position")
        assert s.auditor.get(path, as_of_position=head).status_code == 200
    # A fund not opened yet, a claim not submitted yet: 404 (position 0 is before everything).
    assert_problem(s.auditor.get(f"/v1/funds/{CITY_ES}", as_of_position=0), 404, "not_found")
    assert_problem(s.auditor.get(f"/v1/claims/{claim_id}", as_of_position=0), 404, "not_found")
    assert ok(s.auditor.get("/v1/funds", as_of_position=0)) == {"items": [], "next_cursor": None}
    # Roles and regions as for live reads.
    assert_problem(s.clerk.get(f"/v1/funds/{CITY_ES}", as_of_position=head), 403, "forbidden")
    assert_problem(s.dalian_clerk.get(f"/v1/claims/{claim_id}", as_of_position=head), 403, "forbidden")
    assert_problem(s.auditor.get("/v1/claims/00000000-0000-0000-0000-000000000000", as_of_position=head), 404,
                   "not_found")

    # Read at the head right after a write: the read waits for the read models.
    r = s.treasurer.post(f"/v1/funds/{CITY_UI}/allocations", {"amount": "1.00", "source": "county",
                                                              "document_no": "沈财〔2022〕2号",
                                                              "effective_date": "2022-06-10"})
    assert r.status_code == 201, r.text
    head = rt.ledger.head_position()
    fund = ok(s.auditor.get(f"/v1/funds/{CITY_UI}", as_of_position=head))
    assert fund["balance"] == r.json()["fund"]["balance"] and fund["version"] == r.json()["fund"]["version"]
    assert fund["position"] == r.json()["fund"]["position"]
