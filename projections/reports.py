"""Fund-usage reports (API.md, "Reports and reconciliation"), summed from the fund
movements read models (`rm_fund_movements`, one row per money event of a fund, and
`rm_fund_days`, those rows summed per day; see projections/movements.py), never by
replaying the log.

How each movement moves each component of the balance (amounts are positive fen):

| movement | allocated | reserved | disbursed | recovered | available |
| --- | --- | --- | --- | --- | --- |
| allocation (资金下达) | + | | | | + |
| transfer in (调入) | + | | | | + |
| transfer out (调出) | − | | | | − |
| reservation (审批预留) | | + | | | − |
| release (释放) | | − | | | + |
| payment (支付) | | − | + | | 0 |
| returned payment (退票) | | + | − | | 0 |
| recovery (追回) | | | | + | + |

so allocated = allocations + transfers in − transfers out; reserved = reservations −
releases − payments + returns; disbursed = payments − returns; recovered = recoveries;
available = allocated − reserved − disbursed + recovered (the fund's own invariant).

A report for the period [from, to] (both days included) is three separate sums over the
fund's movements: `opening` over those dated before `from`, `movements` over those dated
from `from` to `to`, and `closing` over those dated up to and including `to`. The
movements are `allocations` (and `allocations_by_source`), `transfers_in`,
`transfers_out`, `reserved` and `released` (reservations and releases), `disbursed` (gross
payments, and `disbursed_by_program`), `returned`, `recovered` and `reserved_change` =
reserved − released − disbursed + returned. `ties_out` says that opening + movements =
closing in every component, that the breakdowns add up to their totals, and that the
closing `available` is not negative.

Dates: with `basis=business` a movement counts on its business date (allocations and
transfers on `effective_date`, reservations on `approved_on`, releases on the day they
were recorded in China, payments on `paid_on`, returns on `returned_on`, recoveries on
`received_on`); with `basis=recorded` on the UTC date of the time the ledger recorded it
(the hash chain's `recorded_at`).

Reproducibility: a report is answered as of a log position P (the head once the read
models hold every acknowledged write, or `as_of_position`): only movements at or before P
count. Its `position` is the last position that changed it (its newest movement dated up
to `to`, or the fund's opening), and `position_recorded_at` that position's recorded time
— the report's generation time. So the same query later gives the same answer, byte for
byte, unless something dated up to `to` was recorded since."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from ledger.domain.fund import ALLOCATION_SOURCES, FUND_TYPES, balance_view
from ledger.domain.periods import EFFECTS as MOVEMENT_EFFECTS
from ledger.errors import ValidationFailed
from ledger.money import format_money
from ledger.views import utc_text

from .store import ReadModelQueries, region_range

BASES = ("business", "recorded")
# kind -> its effect per fen on (allocated, reserved, disbursed, recovered): the table a
# period close adds up by too (ledger/domain/periods.py).
EFFECTS = MOVEMENT_EFFECTS
BASIS_NOTES = {
    "business": ("按业务日期统计：资金下达和调拨按生效日期，预留按审批日期，释放按释放当日，支付按支付日期，"
                 "退票按退票日期，追回按到账日期。 Counted on business dates: allocations and transfers on "
                 "effective_date, reservations on approved_on, releases on the day they were made, payments on "
                 "paid_on, returns on returned_on, recoveries on received_on."),
    "recorded": ("按记账时间统计（UTC日期）。 Counted on the date, in UTC, on which the ledger recorded each "
                 "movement (recorded_at), whatever its business date."),
}

Balance4 = tuple[int, int, int, int]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    basis: str

    @property
    def column(self) -> str:
        return "business_date" if self.basis == "business" else "recorded_at"

    @property
    def lower(self) -> str:
        """Rows with column < lower are before the period (dates and UTC times as text
        compare in time order: 'YYYY-MM-DD' and 'YYYY-MM-DDThh:mm:ss.ffffffZ')."""
        return self.start.isoformat()

    @property
    def upper(self) -> str | None:
        """Rows with column < upper are up to and including `end` (None: no bound)."""
        return None if self.end == dt.date.max else (self.end + dt.timedelta(days=1)).isoformat()


def parse_period(start: object, end: object, basis: object = None) -> Period:
    """`from`, `to` (YYYY-MM-DD, from ≤ to) and `basis`; 422 naming the field otherwise."""
    basis = basis or "business"
    if basis not in BASES:
        raise ValidationFailed("basis must be business or recorded", field="basis")
    dates = []
    for value, name in ((start, "from"), (end, "to")):
        if value is None:
            raise ValidationFailed(f"{name} is required (YYYY-MM-DD)", field=name)
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            dates.append(dt.date.fromisoformat(value))
        except ValueError:
            raise ValidationFailed(f"{name} must be a real date YYYY-MM-DD", field=name) from None
    if dates[0] > dates[1]:
        raise ValidationFailed("from must not be after to", field="to")
    return Period(dates[0], dates[1], basis)


def _balance(totals: dict[str, int]) -> Balance4:
    parts = [0, 0, 0, 0]
    for kind, fen in totals.items():
        for i, effect in enumerate(EFFECTS[kind]):
            parts[i] += effect * fen
    return parts[0], parts[1], parts[2], parts[3]


def _available(b: Balance4) -> int:
    return b[0] - b[1] - b[2] + b[3]


@dataclass
class Usage:
    """One report's figures in fen: summed, added up for roll-ups, then rendered once."""
    opening: Balance4 = (0, 0, 0, 0)
    closing: Balance4 = (0, 0, 0, 0)
    within: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EFFECTS, 0))
    by_source: dict[str, int] = field(default_factory=dict)
    by_program: dict[str, int] = field(default_factory=dict)
    position: int = 0

    @property
    def reserved_change(self) -> int:
        w = self.within
        return w["reserved"] - w["released"] - w["disbursed"] + w["payment_returned"]

    def change(self) -> Balance4:
        """The movements' effect on each component (the totals row of an export)."""
        w = self.within
        return (w["allocated"] + w["transferred_in"] - w["transferred_out"], self.reserved_change,
                w["disbursed"] - w["payment_returned"], w["recovered"])

    def ties_out(self) -> bool:
        change = self.change()
        return (all(self.opening[i] + change[i] == self.closing[i] for i in range(4))
                and _available(self.opening) + _available(change) == _available(self.closing)
                and sum(self.by_source.values()) == self.within["allocated"]
                and sum(self.by_program.values()) == self.within["disbursed"]
                and _available(self.closing) >= 0)

    def __add__(self, other: "Usage") -> "Usage":
        def plus(a: dict, b: dict) -> dict:
            return {k: a.get(k, 0) + b.get(k, 0) for k in sorted(a.keys() | b.keys())}

        return Usage(tuple(a + b for a, b in zip(self.opening, other.opening)),  # type: ignore[arg-type]
                     tuple(a + b for a, b in zip(self.closing, other.closing)),  # type: ignore[arg-type]
                     plus(self.within, other.within), plus(self.by_source, other.by_source),
                     plus(self.by_program, other.by_program), max(self.position, other.position))

    def body(self) -> dict:
        w = self.within
        sources = [s for s in ALLOCATION_SOURCES if s in self.by_source] + sorted(
            s for s in self.by_source if s not in ALLOCATION_SOURCES)
        return {
            "opening": balance_view(*self.opening),
            "movements": {
                "allocations": format_money(w["allocated"]),
                "allocations_by_source": {s: format_money(self.by_source[s]) for s in sources},
                "transfers_in": format_money(w["transferred_in"]),
                "transfers_out": format_money(w["transferred_out"]),
                "reserved": format_money(w["reserved"]),
                "released": format_money(w["released"]),
                "disbursed": format_money(w["disbursed"]),
                "disbursed_by_program": {p: format_money(self.by_program[p]) for p in sorted(self.by_program)},
                "returned": format_money(w["payment_returned"]),
                "recovered": format_money(w["recovered"]),
                "reserved_change": format_money(self.reserved_change),
            },
            "closing": balance_view(*self.closing),
            "ties_out": self.ties_out(),
        }


RecordedTime = Callable[[int], "str | None"]


def chain_time(app: Any) -> RecordedTime:
    """The hash chain's recorded time of a log position (None for position 0)."""
    def at(position: int) -> str | None:
        if position <= 0:
            return None
        rows = list(app.recorder.chain_rows(position - 1, position))
        return utc_text(rows[0]["recorded_at"]) if rows else None
    return at


def _funds(view: ReadModelQueries, lo: str, hi: str, at_position: int) -> list[dict]:
    """Funds with ids in [lo, hi] opened at or before the position, with that position:
    a fund's type, region and name never change (ledger/domain/fund.py), so its current
    row names it as of any position, and its first history row is one index seek."""
    return view._rows(
        "SELECT fund_id, fund_type, region, name, opened_at FROM (SELECT f.fund_id, f.fund_type, f.region, f.name,"
        " (SELECT MIN(h.position) FROM rm_fund_history h WHERE h.fund_id = f.fund_id) AS opened_at"
        " FROM rm_funds f WHERE f.fund_id BETWEEN ? AND ?) o WHERE opened_at <= ? ORDER BY fund_id",
        (lo, hi, at_position))


def _sums(view: ReadModelQueries, lo: str, hi: str, period: Period, at_position: int) -> list[dict]:
    """Per fund in [lo, hi], kind and detail: the movements at or before `at_position`
    summed before the period, within it and up to its end, with the newest position among
    them. A day's sum that moved only at or before the position is read as it is; one that
    also moved after it (a report as of an earlier position) is summed again from its rows
    up to the position; one that moved only after it does not count."""
    upper, bound = "", []
    if period.upper is not None:
        upper, bound = " AND d.day < ?", [period.upper]
    sums = ("CAST(SUM(CASE WHEN d.day < ? THEN {a} ELSE 0 END) AS BIGINT) AS before_fen,"
            " CAST(SUM(CASE WHEN d.day >= ? THEN {a} ELSE 0 END) AS BIGINT) AS within_fen,"
            " CAST(SUM({a}) AS BIGINT) AS upto_fen")
    days = view._rows(
        f"SELECT d.fund_id, d.kind, d.detail, {sums.format(a='d.amount_fen')}, MAX(d.last_position) AS last_position"
        " FROM rm_fund_days d WHERE d.fund_id BETWEEN ? AND ? AND d.basis = ? AND d.last_position <= ?"
        f"{upper} GROUP BY d.fund_id, d.kind, d.detail",
        [period.lower, period.lower, lo, hi, period.basis, at_position, *bound])
    # The day of a row: its business date, or the UTC date of its recording ('U' follows
    # the 'T' of every time recorded on `day`, so the time index serves the range).
    same_day = ("m.business_date = d.day" if period.basis == "business"
                else "m.recorded_at >= d.day AND m.recorded_at < (d.day || 'U')")
    straddling = view._rows(
        f"SELECT d.fund_id, d.kind, d.detail, {sums.format(a='m.amount_fen')}, MAX(m.position) AS last_position"
        " FROM rm_fund_days d JOIN rm_fund_movements m ON m.fund_id = d.fund_id AND m.kind = d.kind"
        f" AND {same_day} AND COALESCE(m.source, m.program, '') = d.detail"
        " WHERE d.fund_id BETWEEN ? AND ? AND d.basis = ? AND d.first_position <= ? AND d.last_position > ?"
        f"{upper} AND m.position <= ? GROUP BY d.fund_id, d.kind, d.detail",
        [period.lower, period.lower, lo, hi, period.basis, at_position, at_position, *bound, at_position])
    return days + straddling


def _usages(view: ReadModelQueries, funds: Sequence[dict], lo: str, hi: str, period: Period,
            at_position: int) -> dict[str, Usage]:
    """Opening, period and closing sums of every fund in [lo, hi]."""
    before: dict[str, dict[str, int]] = {f["fund_id"]: dict.fromkeys(EFFECTS, 0) for f in funds}
    upto: dict[str, dict[str, int]] = {f["fund_id"]: dict.fromkeys(EFFECTS, 0) for f in funds}
    usages = {f["fund_id"]: Usage(position=int(f["opened_at"])) for f in funds}
    for r in _sums(view, lo, hi, period, at_position):
        fund_id, kind, detail = r["fund_id"], r["kind"], r["detail"]
        if fund_id not in usages:
            continue  # opened after the position: none of its rows can be at or before it
        usage = usages[fund_id]
        within = int(r["within_fen"])
        before[fund_id][kind] += int(r["before_fen"])
        upto[fund_id][kind] += int(r["upto_fen"])
        usage.within[kind] += within
        if kind == "allocated" and within:
            usage.by_source[detail] = usage.by_source.get(detail, 0) + within
        if kind == "disbursed" and within:
            usage.by_program[detail] = usage.by_program.get(detail, 0) + within
        usage.position = max(usage.position, int(r["last_position"]))
    for fund_id, usage in usages.items():
        usage.opening = _balance(before[fund_id])
        usage.closing = _balance(upto[fund_id])
    return usages


def _head(period: Period) -> dict:
    return {"from": period.start.isoformat(), "to": period.end.isoformat(), "basis": period.basis}


def _fund_report(fund: dict, usage: Usage, period: Period, recorded_time: RecordedTime) -> dict:
    body = usage.body()
    return {"fund_id": fund["fund_id"], **_head(period), "opening": body["opening"], "movements": body["movements"],
            "closing": body["closing"], "ties_out": body["ties_out"], "position": usage.position,
            "position_recorded_at": recorded_time(usage.position), "period_basis_note": BASIS_NOTES[period.basis],
            "fund_type": fund["fund_type"], "region": fund["region"], "name": fund["name"]}


def fund_usage(view: ReadModelQueries, fund_id: str, period: Period, at_position: int,
               recorded_time: RecordedTime) -> dict | None:
    """The fund-usage report of one fund as of `at_position` (None: not opened by then)."""
    funds = _funds(view, fund_id, fund_id, at_position)
    if not funds:
        return None
    usage = _usages(view, funds, fund_id, fund_id, period, at_position)[fund_id]
    return _fund_report(funds[0], usage, period, recorded_time)


def fund_usage_rollup(view: ReadModelQueries, fund_type: str, region: str, period: Period, at_position: int,
                      recorded_time: RecordedTime) -> dict:
    """Every fund of `fund_type` at `region` and below: one report per fund and their sum."""
    lo, hi = (f"{fund_type}:{r}" for r in region_range(region))
    funds = _funds(view, lo, hi, at_position)
    usages = _usages(view, funds, lo, hi, period, at_position)
    lines = [_fund_report(f, usages[f["fund_id"]], period, recorded_time) for f in funds]
    total = sum(usages.values(), Usage())
    body = total.body()
    return {"fund_type": fund_type, "region": region, **_head(period), "lines": lines,
            "total": {"opening": body["opening"], "movements": body["movements"], "closing": body["closing"],
                      "ties_out": body["ties_out"]},
            "ties_out": body["ties_out"] and all(line["ties_out"] for line in lines),
            "position": total.position, "position_recorded_at": recorded_time(total.position),
            "period_basis_note": BASIS_NOTES[period.basis], "name": FUND_TYPES[fund_type]}


def program_usage(view: ReadModelQueries, program: str, period: Period, at_position: int,
                  covers: Callable[[str], bool], recorded_time: RecordedTime) -> dict:
    """Disbursed, returned and recovered money of one program per fund (funds whose
    region `covers` accepts), and net = disbursed − returned − recovered."""
    col = period.column
    params: list[Any] = [program, period.lower, at_position]
    upper = ""
    if period.upper is not None:
        upper = f" AND {col} < ?"
        params.append(period.upper)
    rows = view._rows(
        "SELECT fund_id, kind, CAST(SUM(amount_fen) AS BIGINT) AS fen, MAX(position) AS last_position"
        " FROM rm_fund_movements WHERE program = ? AND kind IN ('disbursed', 'payment_returned', 'recovered')"
        f" AND {col} >= ? AND position <= ?{upper} GROUP BY fund_id, kind ORDER BY fund_id", params)
    per_fund: dict[str, dict[str, int]] = {}
    position = 0
    for r in rows:
        if not covers(r["fund_id"].split(":")[1]):
            continue
        per_fund.setdefault(r["fund_id"], dict.fromkeys(("disbursed", "payment_returned", "recovered"), 0))
        per_fund[r["fund_id"]][r["kind"]] += int(r["fen"])
        position = max(position, int(r["last_position"]))

    def line(sums: dict[str, int]) -> dict:
        return {"disbursed": format_money(sums["disbursed"]), "returned": format_money(sums["payment_returned"]),
                "recovered": format_money(sums["recovered"]),
                "net": format_money(sums["disbursed"] - sums["payment_returned"] - sums["recovered"])}

    total = {k: sum(s[k] for s in per_fund.values()) for k in ("disbursed", "payment_returned", "recovered")}
    return {"program": program, **_head(period),
            "lines": [{"fund_id": fund_id, **line(sums)} for fund_id, sums in sorted(per_fund.items())],
            "total": line(total), "position": position, "position_recorded_at": recorded_time(position),
            "period_basis_note": BASIS_NOTES[period.basis]}


def payees(view: ReadModelQueries, fund_id: str, start: dt.date, end: dt.date, at_position: int,
           after: tuple[str, int] | None, limit: int) -> list[dict]:
    """The public-notice list (公示): one row per payment of the fund paid from `start` to
    `end` (by paid_on), in date and log order, with the claim's parties as the claim's
    document shows them (person ids masked) and whether the payment was returned by then."""
    where, params = "", [at_position, fund_id, start.isoformat(), end.isoformat(), at_position]
    if after is not None:
        where = " AND (m.business_date > ? OR (m.business_date = ? AND m.position > ?))"
        params += [after[0], after[0], after[1]]
    rows = view._rows(
        "SELECT m.position, m.business_date, m.amount_fen, m.program, m.payment_ref, c.doc,"
        " (SELECT COUNT(*) FROM rm_fund_movements r WHERE r.fund_id = m.fund_id AND r.kind = 'payment_returned'"
        " AND r.claim_id = m.claim_id AND r.payment_ref = m.payment_ref AND r.position <= ?) AS returns"
        " FROM rm_fund_movements m LEFT JOIN rm_claims c ON c.claim_id = m.claim_id"
        " WHERE m.fund_id = ? AND m.kind = 'disbursed' AND m.business_date >= ? AND m.business_date <= ?"
        f" AND m.position <= ?{where} ORDER BY m.business_date, m.position LIMIT ?", [*params, limit])
    items = []
    for r in rows:
        doc = orjson.loads(r["doc"]) if r["doc"] else {}
        items.append({"payee": doc.get("applicant"), "beneficiary": doc.get("beneficiary"), "program": r["program"],
                      "amount": format_money(int(r["amount_fen"])), "paid_on": r["business_date"],
                      "payment_ref": r["payment_ref"], "returned": int(r["returns"]) > 0,
                      "_cursor": (r["business_date"], int(r["position"]))})
    return items
