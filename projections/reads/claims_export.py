"""A filtered list of claims as a bureau files it: CSV (UTF-8 with a BOM, so Excel reads the
Chinese) and XLSX (A4 landscape, one page wide, the header row repeated), with names beside
the codes and a 合计 row. The rows are the API's claim documents (identity numbers masked
as the API answers them); amounts go from the API's two-decimal strings through fen
(export.Money), exactly."""
from __future__ import annotations

import csv
import io

from .export import Money, fen, spreadsheet_text

HEADER = ["申请编号 Claim", "项目 Program", "项目名称 Program name", "地区 Region", "地区名称 Region name",
          "申请人 Applicant", "申请人证件 Applicant id", "申请日期 Application date", "状态 Status", "状态名称",
          "资金 Fund", "应享 Entitled", "核定 Approved", "已付 Paid"]
AMOUNTS = ("entitled", "approved", "paid")
STATUS_ZH = {"submitted": "已受理", "approved": "已核定", "prepaid": "已预付", "paid": "已支付", "closed": "已结案",
             "rejected": "已驳回", "withdrawn": "已撤回"}
WIDTH = len(HEADER) - len(AMOUNTS)  # the text columns before the amounts


def rows(claims: list[dict], program_names: dict[str, str], region_names: dict[str, str]) -> list[list]:
    out = []
    for c in claims:
        out.append([c["claim_id"], c["program"], program_names.get(c["program"], ""), c["region"],
                    region_names.get(c["region"], ""), c["applicant"]["name"], c["applicant"]["id"],
                    c["application_date"], c["status"], STATUS_ZH.get(c["status"], ""), c.get("fund_id") or "",
                    *(Money(fen(c["amounts"][k])) for k in AMOUNTS)])
    return out


def totals(lines: list[list]) -> list:
    return [f"合计 Total ({len(lines)})", *([""] * (WIDTH - 1)),
            *(Money(sum(line[WIDTH + i].fen for line in lines)) for i in range(len(AMOUNTS)))]


def to_csv(claims: list[dict], program_names: dict[str, str], region_names: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    lines = rows(claims, program_names, region_names)
    for line in [*lines, totals(lines)]:
        writer.writerow([spreadsheet_text(v) for v in line[:WIDTH]] + [v.text() for v in line[WIDTH:]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(claims: list[dict], program_names: dict[str, str], region_names: dict[str, str]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.set_properties({"title": "申请清单 Claims", "author": "subsidy-ledger"})
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
    sheet = workbook.add_worksheet("申请 Claims")
    for c, title in enumerate(HEADER):
        sheet.write_string(0, c, title, bold)
    lines = rows(claims, program_names, region_names)
    for r, line in enumerate([*lines, totals(lines)], start=1):
        last = r == len(lines) + 1
        for c, value in enumerate(line):
            if c >= WIDTH:
                sheet.write_number(r, c, value.number(), money_bold if last else money)
            else:
                sheet.write_string(r, c, spreadsheet_text(value), bold if last else None)
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, len(HEADER) - 1, 14)
    sheet.freeze_panes(1, 0)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_footer("&C第 &P 页 / 共 &N 页 Page &P of &N")
    workbook.close()
    return out.getvalue()
