"""Fund-usage reports as CSV and XLSX, rendered from the JSON report itself, so an export
can only show what the JSON says.

Layout (both formats, headers in Chinese and English):

- a header block: the title, the fund (or the roll-up: fund type and region), the period,
  the basis, the generation time, the log position and whether the report ties out;
- a blank row, then the table. One fund: one row per movement (allocations by source,
  transfers in and out, reservations, releases, payments by program, returned payments,
  recoveries) with its amount and its effect on each balance component, between the
  opening balance and a totals row ("本期变动合计 Total movements"), then the closing
  balance. A roll-up: one row per fund with its opening balance, movements and closing
  balance, and a totals row ("合计 Total").

Money: CSV cells hold the contract's strings ("1500.00", "-20.00"); XLSX cells hold
numbers — the exact decimal (a `Decimal` built from integer fen, written as its own digits,
no float involved) with the number format `0.00`. The CSV starts with a UTF-8 byte-order
mark so that spreadsheet programs read the Chinese headers right.

Reproducible bytes: the generation time shown is the recorded time of the report's log
position (never the clock), the XLSX workbook's created and modified properties are that
time too, and xlsxwriter writes its zip entries with a fixed timestamp. The same report
renders to the same bytes."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from decimal import Decimal

from ledger.views import json_bytes
from ledger.domain.fund import FUND_TYPES
from ledger.money import format_money

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "csv", "xlsx")
NO_TIME = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)  # a report of nothing (no position yet)

SOURCES_ZH = {"central": "中央", "provincial": "省级", "municipal": "市级", "county": "县级", "other": "其他"}
BALANCE_HEADERS = ("已下达 Allocated", "预留 Reserved", "已支付 Disbursed", "已追回 Recovered", "可用 Available")
COMPONENTS = ("allocated", "reserved", "disbursed", "recovered", "available")


@dataclass(frozen=True)
class Money:
    """A money cell: integer fen (negative allowed)."""
    fen: int

    def text(self) -> str:
        return format_money(self.fen)

    def number(self) -> Decimal:
        return Decimal(self.fen).scaleb(-2)  # exact: 150000 fen -> Decimal("1500.00")


def fen(text: str) -> int:
    """A report's money string (sign allowed) back to fen, exactly."""
    sign = -1 if text.startswith("-") else 1
    whole, cents = text.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(cents))


@functools.lru_cache(maxsize=1)
def _program_names() -> dict[str, str]:
    from ledger.policy.catalog import load_catalog

    return {code: f"{p.name_zh} {p.name_en}" for code, p in load_catalog().programs.items()}


def _balance_cells(balance: dict) -> list:
    return [Money(fen(balance[c])) for c in COMPONENTS]


def _effect(amount: int, allocated: int = 0, reserved: int = 0, disbursed: int = 0, recovered: int = 0) -> list:
    parts = (allocated * amount, reserved * amount, disbursed * amount, recovered * amount)
    return [Money(p) for p in parts] + [Money(parts[0] - parts[1] - parts[2] + parts[3])]


def _yes_no(value: bool) -> str:
    return "是 Yes" if value else "否 No"


def header_block(report: dict) -> list[list]:
    if "lines" in report:
        subject = ["汇总 Roll-up", f"{report['fund_type']} {FUND_TYPES[report['fund_type']]}, "
                                 f"地区 region {report['region']} 及以下 and below"]
    else:
        subject = ["基金 Fund", f"{report['fund_id']} {report['name']}"]
    return [
        ["资金使用情况表 Fund-usage report"],
        subject,
        ["期间 Period", f"{report['from']} 至 to {report['to']}"],
        ["口径 Basis", report["basis"], report["period_basis_note"]],
        ["生成时间 Generated at", report["position_recorded_at"] or "—",
         "日志位置的记账时间 the recorded time of the log position"],
        ["日志位置 Log position", report["position"]],
        ["是否平衡 Ties out", _yes_no(report["ties_out"])],
    ]


def fund_table(report: dict) -> tuple[list[str], list[list], list[int]]:
    """One fund's report: the header, the rows, and which rows are totals (bold)."""
    m = report["movements"]
    rows: list[list] = [["期初余额 Opening balance", "opening", None, *_balance_cells(report["opening"])]]
    for source, amount in m["allocations_by_source"].items():
        a = fen(amount)
        rows.append([f"资金下达 Allocation: {SOURCES_ZH.get(source, source)} {source}", f"allocations:{source}",
                     Money(a), *_effect(a, allocated=1)])
    for label, code, key, effect in (("调入 Transfers in", "transfers_in", "transfers_in", {"allocated": 1}),
                                     ("调出 Transfers out", "transfers_out", "transfers_out", {"allocated": -1}),
                                     ("审批预留 Reservations", "reserved", "reserved", {"reserved": 1}),
                                     ("释放预留 Releases", "released", "released", {"reserved": -1})):
        a = fen(m[key])
        rows.append([label, code, Money(a), *_effect(a, **effect)])
    for program, amount in m["disbursed_by_program"].items():
        a = fen(amount)
        rows.append([f"支付 Payments: {_program_names().get(program, program)}", f"disbursed:{program}", Money(a),
                     *_effect(a, reserved=-1, disbursed=1)])
    for label, code, key, effect in (("退票 Returned payments", "returned", "returned", {"reserved": 1, "disbursed": -1}),
                                     ("追回 Recoveries", "recovered", "recovered", {"recovered": 1})):
        a = fen(m[key])
        rows.append([label, code, Money(a), *_effect(a, **effect)])
    change = (fen(m["allocations"]) + fen(m["transfers_in"]) - fen(m["transfers_out"]), fen(m["reserved_change"]),
              fen(m["disbursed"]) - fen(m["returned"]), fen(m["recovered"]))
    total = [Money(c) for c in change] + [Money(change[0] - change[1] - change[2] + change[3])]
    rows.append(["本期变动合计 Total movements", "total", None, *total])
    rows.append(["期末余额 Closing balance", "closing", None, *_balance_cells(report["closing"])])
    header = ["项目 Item", "代码 Code", "金额 Amount", *BALANCE_HEADERS]
    return header, rows, [0, len(rows) - 2, len(rows) - 1]


MOVEMENT_COLUMNS = (("资金下达 Allocations", "allocations"), ("调入 Transfers in", "transfers_in"),
                    ("调出 Transfers out", "transfers_out"), ("审批预留 Reservations", "reserved"),
                    ("释放预留 Releases", "released"), ("支付 Payments", "disbursed"),
                    ("退票 Returned payments", "returned"), ("追回 Recoveries", "recovered"),
                    ("预留变动 Change in reserved", "reserved_change"))


def rollup_table(report: dict) -> tuple[list[str], list[list], list[int]]:
    """A roll-up: one row per fund and a totals row."""
    def row(first: list, part: dict) -> list:
        return [*first, *_balance_cells(part["opening"]),
                *(Money(fen(part["movements"][key])) for _, key in MOVEMENT_COLUMNS),
                *_balance_cells(part["closing"]), _yes_no(part["ties_out"])]

    header = ["基金 Fund", "名称 Name", "地区 Region",
              *(f"期初{h.split(' ')[0]} Opening {h.split(' ', 1)[1].lower()}" for h in BALANCE_HEADERS),
              *(label for label, _ in MOVEMENT_COLUMNS),
              *(f"期末{h.split(' ')[0]} Closing {h.split(' ', 1)[1].lower()}" for h in BALANCE_HEADERS),
              "是否平衡 Ties out"]
    rows = [row([line["fund_id"], line["name"], line["region"]], line) for line in report["lines"]]
    rows.append(row(["合计 Total", None, None], report["total"]))
    return header, rows, [len(rows) - 1]


def table(report: dict) -> tuple[list[str], list[list], list[int]]:
    return rollup_table(report) if "lines" in report else fund_table(report)


def filename(report: dict, extension: str) -> str:
    subject = (f"{report['fund_type']}_{report['region']}" if "lines" in report
               else report["fund_id"].replace(":", "_"))
    return f"fund-usage_{subject}_{report['from']}_{report['to']}_{report['basis']}.{extension}"


# A text cell starting with one of these is read as a formula by spreadsheet programs
# (formula injection: a fund named "=HYPERLINK(...)"); such text is written with a leading
# apostrophe, which shows it as the text it is. Amounts are numbers, never escaped.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.text()
    return spreadsheet_text(value)


def to_csv(report: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in header_block(report):
        writer.writerow([_cell_text(v) for v in line])
    writer.writerow([])
    header, rows, _ = table(report)
    writer.writerow([_cell_text(v) for v in header])
    for line in rows:
        writer.writerow([_cell_text(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _generated(report: dict) -> dt.datetime:
    text = report.get("position_recorded_at")
    if not text:
        return NO_TIME
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def to_xlsx(report: dict) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    # Created and modified: the recorded time of the report's position, never the clock.
    workbook.set_properties({"title": "资金使用情况表 Fund-usage report", "author": "subsidy-ledger",
                             "created": _generated(report).replace(tzinfo=None)})
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "0.00"})
    money_bold = workbook.add_format({"num_format": "0.00", "bold": True})
    integer = workbook.add_format({"num_format": "0"})
    sheet = workbook.add_worksheet("资金使用 Fund usage")

    def put(row: int, col: int, value, emphasis: bool = False) -> None:
        if value is None:
            return
        if isinstance(value, Money):
            sheet.write_number(row, col, value.number(), money_bold if emphasis else money)
        elif isinstance(value, int) and not isinstance(value, bool):
            sheet.write_number(row, col, value, integer)
        else:
            sheet.write_string(row, col, spreadsheet_text(value), bold if emphasis else None)

    r = 0
    for i, line in enumerate(header_block(report)):
        for c, value in enumerate(line):
            put(r, c, value, emphasis=(i == 0 or c == 0))
        r += 1
    r += 1
    header, rows, totals = table(report)
    header_row = r
    for c, value in enumerate(header):
        sheet.write_string(r, c, spreadsheet_text(value), bold)
    r += 1
    for i, line in enumerate(rows):
        for c, value in enumerate(line):
            put(r, c, value, emphasis=i in totals)
        r += 1
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, len(header) - 1, 18)
    _page_setup(sheet, header_row)
    workbook.close()
    return out.getvalue()


def _page_setup(sheet, header_row: int) -> None:
    """As a bureau prints it: A4 landscape, every column on one page's width (as many pages
    down as it takes), the table's header row repeated on each page, page numbers below."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.set_footer("&C第 &P 页 / 共 &N 页 Page &P of &N")


def render(report: dict, fmt: str) -> tuple[bytes, str]:
    """(bytes, media type) of the report in `fmt` (json, csv or xlsx)."""
    if fmt == "csv":
        return to_csv(report), f"{CSV_TYPE}; charset=utf-8"
    if fmt == "xlsx":
        return to_xlsx(report), XLSX_TYPE
    return json_bytes(report), "application/json"
