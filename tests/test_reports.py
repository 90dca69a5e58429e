"""Fund-usage reports on generated histories (issue 6), through the ledger service and the
report runner, on SQLite and PostgreSQL:

- every history has every kind of movement: allocations from several sources, transfers
  both ways between a city and its district, approvals (reservations), prepayments and
  settlements, a returned payment, releases by settlement facts and by closing a claim,
  clawbacks and recoveries — in amounts, orders and on days that hypothesis chooses;
- for any split of the time into periods: the closing of each period is the opening of
  the next, the movements of the sub-periods add up to those of the whole, every period
  ties out, and the closing of a period covering everything is the live fund balance;
- a region roll-up's lines add up to its total; reports as of a past position are
  reproducible; the movements read model equals a replay; `ledger report fund-usage`
  writes the same report (and, for one position, the same bytes) as the API's runner.

Business dates follow a simulated clock that only moves forward (releases, which the
service dates "today in China", are dated by it too), so a fund's available balance is
never negative at any cut-off and every period must tie out."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from unittest.mock import patch

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ledger.access import Actor
from ledger.domain.ids import fund_aggregate_id
from ledger.money import format_money, parse_money
from ledger.views import utc_text
from projections.rebuild import differences, rebuild
from projections.reads import export as report_export
from runtime.cli import cli
from ledger.clock import SettableClock
from ledger.regions import divisions
from runtime.container import Runtime, open_read_model

from .support import CHAIN_KEY, PII_KEY, SEAL_KEY, internship_claim, person_id

LIAONING = ("210000",)
CLERK = Actor("u-clerk", "clerk", frozenset({"clerk"}), LIAONING)
REVIEWER = Actor("u-reviewer", "reviewer", frozenset({"reviewer"}), LIAONING)
TREASURER = Actor("u-treasurer", "treasurer", frozenset({"treasurer"}), LIAONING)
AUDITOR = Actor("u-auditor", "auditor", frozenset({"auditor"}), LIAONING)
ES = "employment_subsidy"
START = dt.date(2022, 6, 5)  # the province's parameters are in force from 2022-06-04
SOURCES = ("central", "provincial", "municipal", "county", "other")
MONEY_FIELDS = ("allocations", "transfers_in", "transfers_out", "reserved", "released", "disbursed", "returned",
                "recovered", "reserved_change")
fen = report_export.fen


@pytest.fixture(autouse=True)
def synthetic_cities():
    """Each generated history needs a city of its own (21nn00 and its district 21nn01), more
    than Liaoning has: for these report tests they are divisions the ledger serves."""
    extra = {}
    for n in range(50, 100):
        extra[f"21{n:02d}00"] = {"code": f"21{n:02d}00", "name_zh": f"测试市{n}", "level": "city"}
        extra[f"21{n:02d}01"] = {"code": f"21{n:02d}01", "name_zh": f"测试区{n}", "level": "county"}
    with patch.dict(divisions(), extra):
        yield


class Clock(SettableClock):
    """The ledger's clock during a generated history: "today" is the day the history has
    reached (the releases settlement facts make are dated by it)."""

    def __init__(self):
        super().__init__()
        self.today_is = START

    def today(self) -> dt.date:
        return self.today_is


class History:
    """One generated history in a city of its own (`21nn00`) and one of its districts."""

    def __init__(self, ledger, city: str, draw):
        self.ledger, self.draw, self.clock = ledger, draw, Clock()
        self.city, self.district = city, city[:4] + "01"
        self.city_fund, self.district_fund = f"{ES}:{self.city}", f"{ES}:{self.district}"
        self.refs = itertools.count(1)

    # Plumbing ---------------------------------------------------------------------------
    def tick(self) -> str:
        self.clock.today_is += dt.timedelta(days=self.draw(st.integers(0, 4)))
        return self.clock.today_is.isoformat()

    def amount(self, lo_fen: int, hi_fen: int) -> str:
        return format_money(self.draw(st.integers(lo_fen, max(lo_fen, hi_fen))))

    def available(self, code: str) -> int:
        fund = self.ledger.app.repository.get(fund_aggregate_id(code))
        return fund.available_fen

    def ref(self) -> str:
        return f"ZF-{self.city}-{next(self.refs)}"

    # Money in ---------------------------------------------------------------------------
    def allocate(self, code: str, source: str, lo_fen: int = 100_000, hi_fen: int = 3_000_000) -> None:
        self.ledger.allocate(TREASURER, code, {"amount": self.amount(lo_fen, hi_fen), "source": source,
                                               "document_no": "辽财社〔2022〕1号", "effective_date": self.tick()})

    def transfer(self, source: str, target: str) -> None:
        room = self.available(source)
        if room < 4:
            return
        self.ledger.transfer(TREASURER, {"from_fund": source, "to_fund": target, "amount": self.amount(1, room // 4),
                                         "document_no": "辽人社〔2022〕88号", "effective_date": self.tick()})

    # Claims -----------------------------------------------------------------------------
    def approved(self, body: dict, **approve) -> tuple[str, dict]:
        body = {**body, "application_date": self.tick()}
        claim_id = self.ledger.submit_claim(CLERK, body).body["claim_id"]
        claim = self.ledger.approve(REVIEWER, claim_id, {"approved_on": self.tick(), **approve}).body
        return claim_id, claim

    def pay(self, claim_id: str, amount: str, kind: str) -> str:
        ref = self.ref()
        self.ledger.pay(TREASURER, claim_id, {"amount": amount, "kind": kind, "payment_ref": ref,
                                              "paid_on": self.tick()})
        return ref

    def internship(self) -> tuple[str, dict]:
        term = self.draw(st.integers(2, 6))
        return self.approved(internship_claim(region=self.district, term_months=term))

    def generate(self) -> "History":
        ledger = self.ledger
        for code in (self.city_fund, self.district_fund):
            ledger.open_fund(TREASURER, {"fund_type": ES, "region": code.split(":")[1]})
        # Allocations from several sources, into both funds; transfers down and up.
        self.allocate(self.district_fund, "municipal", 4_000_000, 8_000_000)
        self.allocate(self.city_fund, "central")
        for source in self.draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3)):
            self.allocate(self.draw(st.sampled_from([self.city_fund, self.district_fund])), source)
        self.transfer(self.city_fund, self.district_fund)
        self.transfer(self.district_fund, self.city_fund)

        # Prepaid, settled on the months served, paid in full.
        a, claim = self.internship()
        approved = parse_money(claim["amounts"]["approved"])
        prepay = approved // 2
        self.pay(a, format_money(prepay), "prepayment")
        self.tick()
        ledger.record_facts(CLERK, a, {"facts": {"months_served": claim["facts"]["term_months"]}})
        self.pay(a, format_money(approved - prepay), "settlement")

        # Prepaid, fewer months served: the rest released (dated by the clock), the
        # overpayment demanded back, then recovered in part or in full.
        b, claim = self.internship()
        term = claim["facts"]["term_months"]
        self.pay(b, format_money(parse_money(claim["amounts"]["approved"]) // 2), "prepayment")
        self.tick()
        served = self.draw(st.integers(0, term // 2 - 1)) if term >= 2 else 0
        after = ledger.record_facts(CLERK, b, {"facts": {"months_served": served}}).body
        owed = parse_money(after["amounts"]["clawback_outstanding"])
        if owed:
            ledger.recover(TREASURER, b, {"amount": self.amount(1, owed), "reference": f"HK-{self.city}-b",
                                          "received_on": self.tick()})

        # Prepaid, the payment returned (退票), then closed: the reservation released.
        c, claim = self.internship()
        ref = self.pay(c, format_money(parse_money(claim["amounts"]["approved"]) // 4), "prepayment")
        ledger.return_payment(TREASURER, c, ref, {"reason": "退票：账户已冻结", "returned_on": self.tick()})
        self.tick()
        ledger.close(REVIEWER, c, {"reason": "见习单位放弃剩余补贴"})

        # Another program, paid, clawed back by a reviewer and recovered.
        d, claim = self.approved({"program": "job_search", "region": self.district,
                                  "applicant": {"kind": "person", "id": person_id(), "name": "王五"},
                                  "facts": {"graduation_year": 2022, "hardship_category": "low_income"}})
        self.pay(d, claim["amounts"]["approved"], "settlement")
        ledger.demand_clawback(REVIEWER, d, {"amount": "400.00", "reason": "骗取补贴"})
        ledger.recover(TREASURER, d, {"amount": "400.00", "reference": f"HK-{self.city}-d",
                                      "received_on": self.tick()})

        # A few more movements in any order.
        for step in self.draw(st.lists(st.sampled_from(["allocate", "down", "up", "claim"]), max_size=4)):
            if step == "allocate":
                self.allocate(self.draw(st.sampled_from([self.city_fund, self.district_fund])),
                              self.draw(st.sampled_from(SOURCES)))
            elif step == "down":
                self.transfer(self.city_fund, self.district_fund)
            elif step == "up":
                self.transfer(self.district_fund, self.city_fund)
            elif self.available(self.district_fund) >= 700_000:
                e, claim = self.internship()
                self.pay(e, format_money(parse_money(claim["amounts"]["approved"]) // 2), "prepayment")
        return self


def runtime_for(settings) -> Runtime:
    rt = Runtime(settings)
    rt.start(project=True)
    return rt


def report(rt: Runtime, fund_id: str, start: dt.date, end: dt.date, basis: str = "business", **kw) -> dict:
    return rt.reads.fund_usage(AUDITOR, fund_id=fund_id, fund_type=None, region=None, start=start.isoformat(),
                             end=end.isoformat(), basis=basis, **kw)


def components(balance: dict) -> tuple[int, ...]:
    return tuple(fen(balance[k]) for k in ("allocated", "reserved", "disbursed", "recovered", "available"))


def movement_totals(movements: dict) -> dict:
    totals = {k: fen(movements[k]) for k in MONEY_FIELDS}
    for breakdown in ("allocations_by_source", "disbursed_by_program"):
        for key, value in movements[breakdown].items():
            totals[f"{breakdown}:{key}"] = fen(value)
    return totals


def add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}


def nonzero(totals: dict) -> dict:
    return {k: v for k, v in totals.items() if v}


def check_splits(rt: Runtime, fund_id: str, first: dt.date, last: dt.date, cuts: list[dt.date], basis: str) -> None:
    """Any split of [first, last]: closing = next opening, the parts add up to the whole,
    every part ties out."""
    whole = report(rt, fund_id, first, last, basis)
    assert whole["ties_out"], whole
    bounds = [first, *sorted(set(c for c in cuts if first < c <= last)), last + dt.timedelta(days=1)]
    parts = [report(rt, fund_id, lo, hi - dt.timedelta(days=1), basis) for lo, hi in zip(bounds, bounds[1:])]
    assert parts[0]["opening"] == whole["opening"] and parts[-1]["closing"] == whole["closing"]
    summed: dict = {}
    for i, part in enumerate(parts):
        assert part["ties_out"], part
        if i:
            assert parts[i - 1]["closing"] == part["opening"], (fund_id, basis, i)
        summed = add(summed, movement_totals(part["movements"]))
    assert nonzero(summed) == nonzero(movement_totals(whole["movements"])), (fund_id, basis)


def live_balance(rt: Runtime, code: str) -> dict:
    return rt.ledger.app.repository.get(fund_aggregate_id(code)).balance()


@pytest.mark.slow
def test_reports_tie_out_for_any_history_and_any_period_split(settings):
    rt = runtime_for(settings)
    cities = iter(range(50, 100))  # a city of its own per example: 215000, 215100, ...
    try:
        @hypothesis_settings(max_examples=10, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def run(data):
            city = f"21{next(cities):02d}00"
            history = History(rt.ledger, city, data.draw)
            with patch.object(rt.ledger, "clock", history.clock):
                history.generate()
            rt.reads.wait_consistent()
            first, last = START - dt.timedelta(days=1), history.clock.today_is + dt.timedelta(days=1)
            cuts = data.draw(st.lists(st.dates(first + dt.timedelta(days=1), last), max_size=4), label="cuts")
            funds = (history.city_fund, history.district_fund)
            for fund_id in funds:
                check_splits(rt, fund_id, first, last, cuts, "business")
                everything = report(rt, fund_id, first, last)
                assert components(everything["opening"]) == (0, 0, 0, 0, 0)
                assert everything["closing"] == live_balance(rt, fund_id)
                kinds = {k for k, v in movement_totals(everything["movements"]).items() if v}
                if fund_id == history.district_fund:  # every kind of movement, in one fund
                    assert {"allocations", "transfers_in", "transfers_out", "reserved", "released", "disbursed",
                            "returned", "recovered", "disbursed_by_program:internship",
                            "disbursed_by_program:job_search"} <= kinds, kinds
                # Recorded basis: the UTC day of recording; everything was recorded today.
                today = dt.datetime.now(dt.timezone.utc).date()
                check_splits(rt, fund_id, today - dt.timedelta(days=1), today + dt.timedelta(days=1),
                             [today, today + dt.timedelta(days=1)], "recorded")
                recorded = report(rt, fund_id, today - dt.timedelta(days=1), today + dt.timedelta(days=1), "recorded")
                assert recorded["closing"] == live_balance(rt, fund_id)
                assert "UTC" in recorded["period_basis_note"]
            # The roll-up of the city: its lines (city and district) add up to the total.
            rollup = rt.reads.fund_usage(AUDITOR, fund_id=None, fund_type=ES, region=city, start=first.isoformat(),
                                       end=last.isoformat(), basis="business")
            assert [line["fund_id"] for line in rollup["lines"]] == sorted(funds)
            assert rollup["ties_out"] and rollup["total"]["ties_out"]
            for part in ("opening", "closing"):
                assert components(rollup["total"][part]) == tuple(
                    map(sum, zip(*(components(line[part]) for line in rollup["lines"]))))
            lines = {}
            for line in rollup["lines"]:
                lines = add(lines, movement_totals(line["movements"]))
            assert nonzero(lines) == nonzero(movement_totals(rollup["total"]["movements"]))
            assert rollup["position"] == max(line["position"] for line in rollup["lines"])

        run()
    finally:
        rt.close()


def small_history(rt: Runtime, city: str = "215000") -> History:
    """One fixed history (hypothesis's simplest choices) for the tests below."""
    history = History(rt.ledger, city, lambda strategy, label=None: _simplest(strategy))
    with patch.object(rt.ledger, "clock", history.clock):
        history.generate()
    rt.reads.wait_consistent()
    return history


def _simplest(strategy):
    from hypothesis import find

    return find(strategy, lambda _: True)


def test_reports_as_of_a_position_are_reproducible_and_replay_equals_live(settings, tmp_path):
    rt = runtime_for(settings)
    try:
        history = small_history(rt)
        fund_id = history.district_fund
        first, last = START, history.clock.today_is
        before = report(rt, fund_id, first, last)
        csv_before = report_export.to_csv(before)
        # Something recorded elsewhere, or dated after the period: the same report, the same bytes.
        rt.ledger.allocate(TREASURER, history.city_fund, {"amount": "1.00", "source": "county", "document_no": "X1",
                                                          "effective_date": "2022-06-20"})
        rt.ledger.allocate(TREASURER, fund_id, {"amount": "1.00", "source": "county", "document_no": "X2",
                                                "effective_date": (last + dt.timedelta(days=1)).isoformat()})
        rt.reads.wait_consistent()
        again = report(rt, fund_id, first, last)
        assert again == before and report_export.to_csv(again) == csv_before
        assert report_export.to_xlsx(again) == report_export.to_xlsx(before)
        # Something dated in the period changes it; as of the old position it stays as it was.
        rt.ledger.allocate(TREASURER, fund_id, {"amount": "2.00", "source": "county", "document_no": "X3",
                                                "effective_date": first.isoformat()})
        head = rt.reads.wait_consistent()
        changed = report(rt, fund_id, first, last)
        assert changed["position"] == head and changed["position"] > before["position"]
        assert fen(changed["movements"]["allocations"]) == fen(before["movements"]["allocations"]) + 200
        assert report(rt, fund_id, first, last, as_of_position=before["position"]) == before
        assert report(rt, fund_id, first, last, as_of_position=head - 1) == before
        # The generation time is the chain's recorded time of the report's position.
        chain = next(iter(rt.app.recorder.chain_rows(before["position"] - 1, before["position"])))
        assert before["position_recorded_at"] == utc_text(chain["recorded_at"])
        # The movements read model: one row per money event of a fund, equal to a replay.
        fresh = open_read_model(settings, elsewhere=f"{settings.pg_schema}_rep" if settings.pg_schema
                                else "reports-replay.db")
        try:
            rebuild(rt.app, fresh)
            assert differences(rt.views, fresh) == []
        finally:
            fresh.close()
        rows = rt.views.all_rows("rm_fund_movements")
        fund_events = [n for n in rt.ledger.stored_events() if n.topic.startswith("ledger.domain.fund:Fund.")
                       and not n.topic.endswith(".Opened")]
        assert sorted(r["position"] for r in rows) == [n.id for n in fund_events]
        assert {r["kind"] for r in rows} == {"allocated", "transferred_in", "transferred_out", "reserved", "released",
                                             "disbursed", "recovered", "payment_returned"}
    finally:
        rt.close()


def _env(settings) -> dict:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
            "LEDGER_DATA_DIR": str(settings.data_dir),
            "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
            "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_PROJECTIONS": "embedded"}


@pytest.mark.slow
def test_ledger_report_fund_usage_writes_json_csv_and_xlsx(settings, tmp_path):
    rt = runtime_for(settings)
    try:
        history = small_history(rt)
        fund_id, first, last = history.district_fund, START.isoformat(), history.clock.today_is.isoformat()
        expected = report(rt, fund_id, START, history.clock.today_is)
        rollup = rt.reads.fund_usage(AUDITOR, fund_id=None, fund_type=ES, region=history.city, start=first,
                                   end=last, basis="business")
    finally:
        rt.close()
    runner = CliRunner()
    written = {}
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(cli, ["report", "fund-usage", "--fund-id", fund_id, "--from", first, "--to", last,
                                     "--format", fmt, "--out", str(out)], env=_env(settings))
        assert result.exit_code == 0, result.output
        written[fmt] = out.read_bytes()
    assert json.loads(written["json"]) == expected
    assert written["csv"] == report_export.to_csv(expected)
    assert written["xlsx"] == report_export.to_xlsx(expected)
    rows = list(csv.reader(io.StringIO(written["csv"].decode("utf-8-sig"))))
    assert ["日志位置 Log position", str(expected["position"])] in rows
    sheet = openpyxl.load_workbook(io.BytesIO(written["xlsx"])).active
    assert sheet["A1"].value == "资金使用情况表 Fund-usage report"
    # Printed as a bureau files it: A4 landscape, one page wide, the table's header repeated.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0  # absent: 1, OOXML's default
    header_row = next(row[0].row for row in sheet.iter_rows() if row[1].value == "代码 Code" or
                      (row[0].value or "").startswith("项目 Item"))
    assert sheet.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"
    assert "&P" in sheet.oddFooter.center.text

    out = tmp_path / "rollup.csv"
    result = runner.invoke(cli, ["report", "fund-usage", "--fund-type", ES, "--region", history.city, "--from", first,
                                 "--to", last, "--format", "csv", "--out", str(out)], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == report_export.to_csv(rollup)

    # Refusals: from after to, and an unknown format.
    result = runner.invoke(cli, ["report", "fund-usage", "--fund-id", fund_id, "--from", "2022-07-02", "--to", "2022-07-01",
                                 "--out", str(tmp_path / "x.json")], env=_env(settings))
    assert result.exit_code == 2 and "validation_error" in result.output
    result = runner.invoke(cli, ["report", "fund-usage", "--fund-id", fund_id, "--from", first, "--to", last,
                                 "--format", "pdf", "--out", str(tmp_path / "x.pdf")], env=_env(settings))
    assert result.exit_code == 2


def _expected(rows: list[dict], fund_id: str, start: dt.date, end: dt.date, basis: str, position: int,
              opened_at: int) -> dict:
    """The report's figures summed in Python from the fund's movement rows at or before
    `position`: what the day sums (rm_fund_days) must give, whatever position is asked."""
    from projections.reports import EFFECTS, Usage, _balance

    def day(row: dict) -> str:
        return row["business_date"] if basis == "business" else row["recorded_at"][:10]

    lower, upper = start.isoformat(), end.isoformat()
    before, upto = dict.fromkeys(EFFECTS, 0), dict.fromkeys(EFFECTS, 0)
    usage = Usage(position=opened_at)
    for row in rows:
        if row["fund_id"] != fund_id or row["position"] > position or day(row) > upper:
            continue
        kind, amount = row["kind"], int(row["amount_fen"])
        detail = row["source"] if row["source"] is not None else row["program"] or ""
        upto[kind] += amount
        if day(row) < lower:
            before[kind] += amount
        else:
            usage.within[kind] += amount
            if kind == "allocated":
                usage.by_source[detail] = usage.by_source.get(detail, 0) + amount
            if kind == "disbursed":
                usage.by_program[detail] = usage.by_program.get(detail, 0) + amount
        usage.position = max(usage.position, int(row["position"]))
    usage.opening, usage.closing = _balance(before), _balance(upto)
    return {**usage.body(), "position": usage.position}


def test_reports_from_the_day_sums_equal_the_movements_summed_as_of_every_position(settings):
    """The day sums are read as they are only where nothing moved them after the position
    asked for; a day that moved on both sides of it is summed from its rows. Checked at
    every position of a history, on both bases, with movements backdated into days that
    had moved before (so that most positions cut through a day's sum)."""
    rt = runtime_for(settings)
    try:
        history = small_history(rt)
        fund_id = history.district_fund
        for n, day in enumerate((START, START + dt.timedelta(days=3), history.clock.today_is)):
            rt.ledger.allocate(TREASURER, fund_id, {"amount": f"{n + 1}.00", "source": "county",
                                                    "document_no": f"B{n}", "effective_date": day.isoformat()})
        head = rt.reads.wait_consistent()
        rows = rt.views.all_rows("rm_fund_movements")
        opened_at = min(r["position"] for r in rt.views.all_rows("rm_fund_history") if r["fund_id"] == fund_id)
        first, last = START, history.clock.today_is
        middle = first + (last - first) / 2
        today = dt.datetime.now(dt.timezone.utc).date()
        periods = {"business": [(first, last), (middle, last), (first, middle)],
                   "recorded": [(today, today), (today + dt.timedelta(days=1), today + dt.timedelta(days=2))]}
        checked = 0
        for position in range(opened_at, head + 1):
            for basis, spans in periods.items():
                for start, end in spans:
                    got = report(rt, fund_id, start, end, basis, as_of_position=position)
                    want = _expected(rows, fund_id, start, end, basis, position, opened_at)
                    assert {k: got[k] for k in ("opening", "movements", "closing", "ties_out", "position")} == {
                        k: want[k] for k in ("opening", "movements", "closing", "ties_out", "position")}, (
                        position, basis, start, end)
                    checked += 1
        assert checked > 100
        # Most positions cut through a day's sum: the case the rows are read again for.
        days = rt.views.all_rows("rm_fund_days")
        assert sum(1 for d in days if d["first_position"] < d["last_position"]) >= 3
    finally:
        rt.close()
