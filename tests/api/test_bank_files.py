"""Statements as Chinese banks export them (issue 20, "Bank files"): GBK or GB18030 bytes
without a charset in the Content-Type, a preamble (bank, account, period) above the header;
read without being told, and refused with clear words (never mojibake) when they cannot be."""
from __future__ import annotations

from .helpers import assert_problem
from .test_reconciliation import paid

COLUMNS = "date:交易时间,debit_amount:借方发生额,credit_amount:贷方发生额,reference:摘要,counterparty:对方户名"
EXPORT = ("中国建设银行单位账户交易明细\n"
          "账号：21050110000000000001,户名：沈阳市失业保险基金专户\n"
          "起始日期：2022-07-01,终止日期：2022-07-31\n"
          "\n"
          "交易时间,借方发生额,贷方发生额,余额,对方户名,摘要\n"
          "2022-07-20 10:01:02,1500.00,,198500.00,沈阳示例科技有限公司,ZF-GBK-1\n"
          "2022-07-26 09:00:00,,88.00,198588.00,{counterparty},利息收入\n")


def send(api, fund_id: str, body: bytes, content_type: str = "text/csv", **params):
    return api.client.post("/v1/bank-statements", params={"fund_id": fund_id, **params}, content=body,
                           headers={**api._headers(None), "Content-Type": content_type})


def test_a_gbk_export_with_a_preamble_is_read_without_being_told(staff, funds):
    claim_id = paid(staff, "ZF-GBK-1", "2022-07-20")
    r = send(staff.treasurer, funds["ui"], EXPORT.format(counterparty="中国建设银行").encode("gbk"), columns=COLUMNS)
    assert r.status_code == 201, r.text
    lines = r.json()["lines"]
    assert [line["line_no"] for line in lines] == [6, 7]  # the file's own lines: the header is line 5
    assert (lines[0]["status"], lines[0]["match"]["claim_id"]) == ("matched", claim_id)
    assert lines[0]["counterparty"] == "沈阳示例科技有限公司"
    assert (lines[1]["direction"], lines[1]["reference"], lines[1]["counterparty"]) == (
        "credit", "利息收入", "中国建设银行")


def test_gb18030_beyond_gbk_round_trips(staff, funds):
    name = "𠮷野家沈阳店"  # U+20BB7 is not in GBK: four bytes in GB18030
    r = send(staff.treasurer, funds["ui"], EXPORT.format(counterparty=name).encode("gb18030"), columns=COLUMNS)
    assert r.status_code == 201, r.text
    assert r.json()["lines"][1]["counterparty"] == name


def test_the_charset_named_is_the_one_used_and_its_refusal_is_clear(staff, funds):
    gbk = EXPORT.format(counterparty="中国建设银行").encode("gbk")
    problem = assert_problem(send(staff.treasurer, funds["ui"], gbk, "text/csv; charset=utf-8", columns=COLUMNS),
                             422, "validation_error", "csv")
    assert "not valid utf-8" in problem["detail"] and "charset=gbk" in problem["detail"]
    r = send(staff.treasurer, funds["ui"], gbk, "text/csv; charset=gbk", columns=COLUMNS)
    assert r.status_code == 201, r.text


def test_bytes_that_are_no_chinese_text_are_refused(staff, funds):
    problem = assert_problem(send(staff.treasurer, funds["ui"], "交易时间,金额\n".encode("gbk") + b"\x80\x80\n"),
                             422, "validation_error", "csv")
    assert "neither UTF-8 nor GBK" in problem["detail"]


def test_a_header_the_mapping_does_not_find_is_named_in_chinese_not_mojibake(staff, funds):
    gbk = EXPORT.format(counterparty="中国建设银行").encode("gbk")
    problem = assert_problem(send(staff.treasurer, funds["ui"], gbk,
                                  columns="date:记账日期,debit_amount:借方发生额,credit_amount:贷方发生额"),
                             422, "validation_error", "line 1")
    # No line names 记账日期: the first is read as the header and the refusal quotes it as sent.
    assert "'记账日期'" in problem["detail"] and "中国建设银行单位账户交易明细" in problem["detail"]
    assert "\ufffd" not in problem["detail"]


def test_skip_lines_still_says_exactly_where_the_header_is(staff, funds):
    paid(staff, "ZF-GBK-1", "2022-07-20")
    gbk = EXPORT.format(counterparty="中国建设银行").encode("gbk")
    r = send(staff.treasurer, funds["ui"], gbk, columns=COLUMNS, skip_lines=4)
    assert r.status_code == 201, r.text
    assert_problem(send(staff.treasurer, funds["ui"], gbk, columns=COLUMNS, skip_lines=2), 422, "validation_error",
                   "line 3")
