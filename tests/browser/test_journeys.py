"""Two people's whole sessions, each as one scripted journey (issue 20, "Done when"):
a finance officer's month-end (read the funds, open the month report, print it, download it,
upload a GBK statement from a Chinese bank, read the matches, close the month after
confirming) and an auditor's review (verify the chain, filter the log by fund and type,
follow a claim's timeline with its amounts)."""
from __future__ import annotations

import pytest

from .conftest import confirm, sign_in
from .test_dashboard import ok, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
FUND, MONTH = "employment_subsidy:210200", "2022-12"


def gbk_statement(items: list[dict]) -> bytes:
    """The fund's December payments as a Chinese bank exports them: GBK, two preamble lines,
    Chinese headers, 借/贷 for the direction."""
    lines = ["中国工商银行 账户明细", "账号：6222 0000 0000 0000,币种：人民币", "交易日期,金额,借贷标志,摘要"]
    for i in items:
        lines.append(f"{i['date']},{i['amount']},{'借' if i['kind'] == 'payment' else '贷'},{i['reference']}")
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def test_a_finance_officers_month_end(demo, open_page):
    w = open_page(viewport=(1440, 900))
    sign_in(w, demo, "treasurer")
    page = w.page
    # the funds, by name, with their total
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tfoot tr")
    page.locator(f'#funds-table tr[data-fund="{FUND}"] button', has_text="大连市 · 就业补助资金").click()
    page.wait_for_selector("#fund-report .report-head")
    # the month report of December, printed alone and downloaded
    page.fill("#report-month", MONTH)
    page.locator("#report-card form button[type=submit]").click()
    page.locator("#fund-report .report-head", has_text=f"{MONTH}-01").wait_for()
    wait_idle(w)
    page.evaluate("window.print = () => window.__printed = document.body.classList.contains('print-report')")
    page.click("#print")
    assert page.evaluate("window.__printed") is True, "打印月报 prints the report alone"
    with page.expect_download() as d:
        page.click("#dl-xlsx")
    assert d.value.suggested_filename.endswith(".xlsx")
    # the bank's statement, in GBK with a preamble
    recon = ok(demo.api("treasurer", "GET", "/v1/reconciliation", params={"fund_id": FUND, "from": f"{MONTH}-01",
                                                                        "to": f"{MONTH}-31"}))
    items = recon["unmatched_in_ledger"]
    assert items, "the demo pays in December 2022"
    page.goto(f"{demo.url}/#recon")
    page.wait_for_selector("#recon-counts")
    page.select_option("#recon-fund", FUND)
    page.fill("#recon-month", MONTH)
    page.locator("#recon-month").press("Enter")
    page.locator("#close-target", has_text=MONTH).wait_for()
    page.set_input_files("#statement-file", files=[{"name": "工行对账单.csv", "mimeType": "text/csv",
                                                    "buffer": gbk_statement(items)}])
    page.fill("#statement-skip", "2")
    page.fill("#statement-columns", "date:交易日期,amount:金额,direction:借贷标志,reference:摘要")
    page.fill("#statement-debit", "借")
    page.fill("#statement-credit", "贷")
    page.click("#statement-form button[type=submit]")
    text = confirm(w, "GB18030")
    assert "中国工商银行" in text, "the statement is read as GBK, not mojibake"
    page.wait_for_selector("#statement-result dl")
    page.locator("#recon-counts [data-count=matched]", has_text=str(len(items))).wait_for()
    assert page.locator("#recon-counts [data-count=unmatched_in_ledger]").inner_text() == "0"
    assert "精确匹配" in page.locator("#recon-matched").inner_text()
    # the month closes after one confirmation, and is listed
    page.click("#close-button")
    confirm(w, MONTH)
    page.wait_for_selector("#close-result dl")
    page.locator(f'#periods-table tr[data-month="{MONTH}"]', has_text="已结账").wait_for()
    assert MONTH in ok(demo.api("treasurer", "GET", "/v1/periods", params={"fund_id": FUND}))["closed_months"]
    w.shot("journey-month-end")
    w.assert_clean()


def test_an_auditors_review(demo, open_page):
    ok(demo.api("admin", "POST", "/v1/audit/seals", json={"force": True}), 201)
    w = open_page(viewport=(1440, 900))
    sign_in(w, demo, "auditor")
    page = w.page
    page.goto(f"{demo.url}/#audit")
    page.wait_for_selector("#events-table tbody tr")
    assert page.locator("#chain-status").inner_text() == "通过"
    assert page.locator("#seal-check").inner_text() == "通过"
    # the log of one fund's payments, filtered on the server
    page.select_option("#ev-fund", FUND)
    page.select_option("#ev-type", "Approved")
    page.click("#events-form button[type=submit]")
    page.wait_for_function("() => [...document.querySelectorAll('#events-table tbody tr')].every((tr) => tr.dataset.type === 'Approved')")
    wait_idle(w)
    first = page.locator("#events-table tbody tr").first
    claim_id = first.locator("td:nth-child(5) button").get_attribute("title")
    # follow that claim: its events in the log, then its timeline with amounts
    first.locator("td:nth-child(5) button").click()
    page.wait_for_function(f"() => [...document.querySelectorAll('#events-table tbody tr')].length > 1 && "
                           f"[...document.querySelectorAll('#events-table tbody tr td:nth-child(5) button')].every((b) => b.title === '{claim_id}')")
    page.goto(f"{demo.url}/#claims")
    page.fill("#lookup-value", claim_id)
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#timeline li")
    claim = ok(demo.api("auditor", "GET", f"/v1/claims/{claim_id}"))
    timeline = page.locator("#timeline").inner_text()
    approved = f"{int(claim['amounts']['approved'].replace('.', '')) / 100:,.2f}"
    assert "核定" in timeline and approved in timeline
    w.shot("journey-audit")
    w.assert_clean()
