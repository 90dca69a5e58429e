"""The dashboard as a finance officer and an auditor meet it (issue 20): names rather than
codes, 合计 rows and subtotals, Chinese problems, Beijing times and amounts in the logs,
both time bases, confirmed actions sent once, claims browsed on the server, the month
report printed alone, phones and charts. Each figure is checked against the API's."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from .conftest import confirm, sign_in
from .test_dashboard import ok, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
FUND = "employment_subsidy:210100"


def fen(value: str) -> int:
    return int(Decimal(value) * 100)


def shown(text: str) -> int:
    """A figure as the page shows it (thousands separators) in fen."""
    return fen(text.replace(",", ""))


def beijing(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def open_fund(w, demo, fund_id=FUND):
    page = w.page
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector(f'#funds-table tr[data-fund="{fund_id}"]')
    page.click(f'#funds-table tr[data-fund="{fund_id}"] button')
    page.wait_for_selector("#fund-report .report-head")
    wait_idle(w)


def test_names_not_codes_totals_and_subtotals(demo, open_page):
    w = open_page(viewport=(1440, 900))
    sign_in(w, demo, "treasurer")
    page = w.page
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tfoot tr")
    row = page.locator(f'#funds-table tr[data-fund="{FUND}"]')
    assert "沈阳市 · 就业补助资金" in row.locator("th").inner_text()
    assert row.locator("td").nth(1).inner_text().startswith("沈阳市")
    assert "辽宁" in page.locator("#who").inner_text() and "210000" not in page.locator("#who").inner_text()
    # 合计: each money column summed, as the API's balances add up
    funds = ok(demo.api("treasurer", "GET", "/v1/funds", params={"limit": 1000}))["items"]
    totals = page.locator("#funds-table tfoot td.num").all_inner_texts()
    keys = ("allocated", "reserved", "disbursed", "recovered", "available")
    assert [shown(x) for x in totals] == [sum(fen(f["balance"][k]) for f in funds) for k in keys]
    assert "合计" in page.locator("#funds-table tfoot").inner_text()
    # the province's 已拨入 is net of what it passed down: the page says so
    assert "扣除下拨" in page.locator("#allocated-note").inner_text()
    # the tree: the province's subtotal is its own fund and those below it
    ofType = [f for f in funds if f["fund_type"] == "unemployment_insurance"]  # the tree's first type
    subtotal = page.locator('#fund-tree [data-subtotal="210000"]').first.inner_text()
    figures = re.findall(r"-?[\d,]+\.\d\d", subtotal)
    assert shown(figures[0]) == sum(fen(f["balance"]["available"]) for f in ofType)
    assert shown(figures[1]) == sum(fen(f["balance"]["disbursed"]) for f in ofType)
    # the month report: program names, a total, and 预留变动 explained
    open_fund(w, demo)
    page.fill("#report-month", "2022-12")
    page.locator("#report-card form button[type=submit]").click()
    page.locator("#fund-report .report-head", has_text="2022-12-01").wait_for()
    report = ok(demo.api("treasurer", "GET", "/v1/reports/fund-usage", params={"fund_id": FUND, "from": "2022-12-01",
                                                                             "to": "2022-12-31"}))
    by_program = report["movements"]["disbursed_by_program"]
    assert by_program, "the demo pays in December 2022"
    programs = {p["code"]: p["name_zh"] for p in ok(demo.api("treasurer", "GET", "/v1/programs"))["items"]}
    for code in by_program:
        assert programs[code] in page.locator(f'#report-programs tr[data-program="{code}"] th').inner_text()
    assert shown(page.locator("#report-programs tfoot td").inner_text()) == sum(fen(v) for v in by_program.values())
    note = page.locator('#report-movements tr[data-movement="reserved_change"]').inner_text()
    assert "预留 − 释放 − 支付 + 退票" in note and "支付会消耗" in note
    w.assert_clean()


def test_timeline_and_audit_log_in_chinese_with_amounts_and_beijing_time(demo, open_page):
    paid = ok(demo.api("admin", "GET", "/v1/claims", params={"status": "paid", "limit": 1}))["items"][0]
    events = ok(demo.api("admin", "GET", f"/v1/claims/{paid['claim_id']}/events"))["items"]
    users = {u["user_id"]: u["name"] for u in ok(demo.api("admin", "GET", "/v1/users", params={"limit": 1000}))["items"]}
    w = open_page()
    sign_in(w, demo, "admin")
    page = w.page
    page.goto(f"{demo.url}/#claims")
    page.fill("#lookup-value", paid["claim_id"])
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#timeline li")
    timeline = page.locator("#timeline").inner_text()
    assert "[object Object]" not in timeline
    assert "受理申请" in timeline and "Submitted" not in timeline
    payment = next(e for e in events if e["type"] == "PaymentRecorded")
    amount = f"{payment['data']['amount_fen'] / 100:,.2f}"
    assert amount in timeline, "the payment's amount (amount_fen) is shown"
    assert beijing(payment["recorded_at"]) in timeline, "recorded times in Beijing time"
    assert users[payment["actor"]] in timeline and payment["actor"] not in timeline, "actors by name"
    payments = page.locator("#claim-payments tfoot td.num").inner_text()
    assert shown(payments) == sum(fen(p["amount"]) for p in paid["payments"]), "the payments' 合计"
    # the audit log: Chinese types, amounts, Beijing time
    page.goto(f"{demo.url}/#audit")
    page.wait_for_selector("#events-table tbody tr")
    log = page.locator("#events-table").inner_text()
    assert "资金拨入" in log and "[object Object]" not in log
    first = page.locator("#events-table tbody tr").first
    position = int(first.get_attribute("data-position"))
    event = next(e for e in ok(demo.api("admin", "GET", "/v1/audit/events",
                                        params={"after_position": position - 1, "limit": 1}))["items"])
    assert beijing(event["recorded_at"]) in first.inner_text()
    w.assert_clean()


def test_problems_in_chinese_with_the_english_detail_one_click_away(demo, open_page):
    w = open_page()
    w.allowed_statuses.add(401)
    page = w.page
    page.goto(demo.url + "/")
    page.fill("#token", "not-a-token-at-all")
    page.click("form.signin button[type=submit]")
    error = page.locator(".signin .error")
    error.wait_for()
    assert "登录失败：令牌无效或已过期" in error.inner_text()
    english = error.locator(".problem-detail span[lang=en]")
    assert not english.is_visible(), "the English detail is folded"
    error.locator(".problem-detail summary").click()
    assert english.is_visible() and "unauthenticated" in english.inner_text()


def test_time_bases_and_the_latest_month_with_data(demo, open_page):
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#basis")
    options = page.locator("#basis option").all_inner_texts()
    assert options == ["按业务日期", "按记账时间"]
    # 按业务日期 at a date of 2022: the balances the month report closes with on that day
    page.fill("#asof", "2022-08-31")
    page.locator("#asof").press("Enter")
    page.locator("#funds-table caption", has_text="2022-08-31").wait_for()
    report = ok(demo.api("treasurer", "GET", "/v1/reports/fund-usage", params={"fund_id": FUND, "from": "2022-08-01",
                                                                             "to": "2022-08-31"}))
    cells = page.locator(f'#funds-table tr[data-fund="{FUND}"] td.num').all_inner_texts()
    assert [shown(c) for c in cells] == [fen(report["closing"][k]) for k in
                                         ("allocated", "reserved", "disbursed", "recovered", "available")]
    assert fen(report["closing"]["disbursed"]) or fen(report["closing"]["reserved"]), "not an empty ledger"
    # the fund's report opens on the latest month with a movement, not on an empty current one
    page.locator("button", has_text="当前").click()
    open_fund(w, demo)
    moves = ok(demo.api("treasurer", "GET", f"/v1/funds/{FUND}/movements", params={"limit": 1000}))["items"]
    latest = max(m["business_date"] for m in moves)[:7]
    assert page.input_value("#report-month") == latest
    assert page.input_value("#chart-year") == latest[:4]
    # the program's spending opens on the year of its latest claim
    page.goto(f"{demo.url}/#programs")
    page.wait_for_selector("#usage-table")
    code = page.input_value("#usage-program")
    claims = ok(demo.api("treasurer", "GET", "/v1/claims", params={"program": code, "limit": 1000}))["items"]
    assert page.input_value("#usage-year") == max(c["approved_on"] or c["application_date"] for c in claims)[:4]
    w.assert_clean()


def test_close_acts_on_the_month_on_screen_once_and_lists_closed_months(demo, open_page):
    fund_id, month = "unemployment_insurance:210300", "2022-10"
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and "/close" in r.url else None)
    page.goto(f"{demo.url}/#recon")
    page.wait_for_selector("#recon-counts")
    page.select_option("#recon-fund", fund_id)
    page.fill("#recon-month", month)
    page.locator("#recon-month").press("Enter")
    page.locator("#close-target", has_text=month).wait_for()
    # typed in the toolbar but not applied: the close still names the month on screen
    page.fill("#recon-month", "2022-11")
    page.fill("#close-override", "浏览器测试：已核实")
    page.dblclick("#close-button")
    text = confirm(w)
    assert month in text and "2022-11" not in text and "鞍山市" in text
    page.wait_for_selector("#close-result dl")
    assert len(posts) == 1 and f"/{month}/close" in posts[0].url
    assert posts[0].headers.get("idempotency-key"), "each change carries an Idempotency-Key"
    page.locator(f'#periods-table tr[data-month="{month}"]', has_text="已结账").wait_for()
    periods = ok(demo.api("treasurer", "GET", "/v1/periods", params={"fund_id": fund_id}))
    assert month in periods["closed_months"] and "2022-11" not in periods["closed_months"]
    # cancelled: nothing is sent
    page.click("#close-button")
    page.locator("#confirm-dialog").wait_for()
    page.click("#confirm-cancel")
    page.locator("#confirm-dialog").wait_for(state="detached")
    assert len(posts) == 1
    # reopening takes two people: the treasurer asks, an admin confirms
    page.locator(f'#periods-table tr[data-month="{month}"] button.ask-reopen').click()
    page.fill("#reopen-reason", "补记十月退票")
    page.fill("#reopen-doc", "鞍财社〔2026〕3号")
    confirm(w, month)
    request = page.locator(f'#periods-table tr[data-month="{month}"] .reopen-request')
    request.wait_for()
    assert request.locator("button").count() == 0, "the proposer does not confirm"
    admin = open_page()
    sign_in(admin, demo, "admin")
    admin.page.goto(f"{demo.url}/#recon")
    admin.page.wait_for_selector("#recon-counts")
    admin.page.select_option("#recon-fund", fund_id)
    admin.page.locator(f'#periods-table tr[data-month="{month}"] button.confirm-reopen').click()
    confirm(admin, "补记十月退票")
    admin.page.locator(f'#periods-table tr[data-month="{month}"]', has_text="未结账").wait_for()
    assert month not in ok(demo.api("treasurer", "GET", "/v1/periods", params={"fund_id": fund_id}))["closed_months"]
    admin.assert_clean()
    w.assert_clean()


def test_browse_claims_on_the_server_with_paging_sorting_and_export(demo, open_page):
    w = open_page()
    sign_in(w, demo, "reviewer")
    page = w.page
    page.goto(f"{demo.url}/#claims")
    page.wait_for_selector("#browse-table tbody tr")
    page.select_option("#browse-status", "paid")
    page.select_option("#browse-limit", "20")
    page.click("#browse-form button[type=submit]")
    page.wait_for_function("() => [...document.querySelectorAll('#browse-table tbody tr td:nth-child(6)')].every((td) => td.textContent === '已支付')")
    every = ok(demo.api("reviewer", "GET", "/v1/claims", params={"status": "paid", "limit": 1000}))["items"]
    first = ok(demo.api("reviewer", "GET", "/v1/claims", params={"status": "paid", "limit": 20}))
    ids = [r.get_attribute("data-claim") for r in page.locator("#browse-table tbody tr").all()]
    assert ids == [c["claim_id"] for c in first["items"]]
    assert any("status=paid" in u for u in w.urls), "filtered by the server"
    page.click("#browse-next")
    page.locator("#browse-page", has_text="第 2 页").wait_for()
    second = ok(demo.api("reviewer", "GET", "/v1/claims", params={"status": "paid", "limit": 20,
                                                                  "cursor": first["next_cursor"]}))
    ids = [r.get_attribute("data-claim") for r in page.locator("#browse-table tbody tr").all()]
    assert ids == [c["claim_id"] for c in second["items"]]
    # sorted by the server by the entitled amount: a click ascending, another largest first,
    # from the first page, and the next page goes on in that order
    heading = page.locator('#browse-table th[data-key="entitled"]')
    assert page.locator('#browse-table th[data-key="paid"] button').count() == 0, "a page is not sorted alone"
    heading.locator("button").click()
    page.locator('#browse-table th[data-key="entitled"][aria-sort="ascending"]').wait_for()
    page.locator('#browse-table th[data-key="entitled"] button').click()
    page.locator('#browse-table th[data-key="entitled"][aria-sort="descending"]').wait_for()
    assert page.locator("#browse-page").inner_text() == "第 1 页"
    assert page.locator('#browse-table th[data-key="submitted_at"]').get_attribute("aria-sort") == "none"
    arrow = page.evaluate("() => getComputedStyle(document.querySelector("
                          "'#browse-table th[data-key=entitled] button'), '::after').content")
    assert "▼" in arrow
    largest = ok(demo.api("reviewer", "GET", "/v1/claims", params={"status": "paid", "sort": "-entitled",
                                                                   "limit": 1000}))["items"]
    entitled = [fen(c["amounts"]["entitled"]) for c in largest]
    assert len(set(entitled)) > 1 and entitled == sorted(entitled, reverse=True)
    on_screen = [shown(x) for x in page.locator("#browse-table tbody td.num:nth-child(9)").all_inner_texts()]
    assert on_screen == entitled[:20]
    assert [r.get_attribute("data-claim") for r in page.locator("#browse-table tbody tr").all()] == \
        [c["claim_id"] for c in largest[:20]]
    assert any("sort=-entitled" in u and "cursor" not in u for u in w.urls), "sorted by the server"
    page.click("#browse-next")
    page.locator("#browse-page", has_text="第 2 页").wait_for()
    on_screen = [shown(x) for x in page.locator("#browse-table tbody td.num:nth-child(9)").all_inner_texts()]
    assert on_screen == entitled[20:40]
    # the whole filtered list as CSV in that order, with its total
    with page.expect_download() as d:
        page.click("#browse-export")
    rows = list(csv.reader(io.StringIO(open(d.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 1 + len(every) + 1
    assert [r[0] for r in rows[1:-1]] == [c["claim_id"] for c in largest]
    assert fen(rows[-1][-1]) == sum(fen(c["amounts"]["paid"]) for c in every)
    assert any("status=paid" in u and "sort=-entitled" in u and "cursor" not in u for u in w.urls[-3:]), \
        "the server exports the filtered list in its order"
    with page.expect_download() as d:
        page.click("#browse-export-xlsx")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(open(d.value.path(), "rb").read())).active
    assert sheet.max_row == 1 + len(every) + 1 and sheet.page_setup.orientation == "landscape"
    w.assert_clean()


def test_audit_log_filters_on_the_server_and_pages(demo, open_page):
    w = open_page()
    sign_in(w, demo, "auditor")
    page = w.page
    page.goto(f"{demo.url}/#audit")
    page.wait_for_selector("#events-table tbody tr")
    page.select_option("#ev-type", "Approved")
    page.select_option("#ev-fund", FUND)
    page.select_option("#ev-limit", "50")
    page.click("#events-form button[type=submit]")
    page.wait_for_function("() => [...document.querySelectorAll('#events-table tbody tr')].every((tr) => tr.dataset.type === 'Approved')")
    wait_idle(w)
    api = ok(demo.api("auditor", "GET", "/v1/audit/events", params={"type": "Approved", "fund_id": FUND, "limit": 1000}))
    shown_rows = page.locator("#events-table tbody tr")
    expected = api["items"][:50]
    assert [int(r.get_attribute("data-position")) for r in shown_rows.all()] == [e["position"] for e in expected]
    assert all(e["data"]["fund_code"] == FUND for e in expected)
    if len(api["items"]) > 50:
        page.click("#ev-next")
        page.locator("#ev-page", has_text="第 2 页").wait_for()
        assert int(shown_rows.first.get_attribute("data-position")) == api["items"][50]["position"]
    w.assert_clean()


def test_the_month_report_prints_alone_as_a_bureau_files_it(demo, open_page):
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    open_fund(w, demo)
    page.evaluate("document.body.classList.add('print-report')")
    page.emulate_media(media="print")
    assert page.locator("#report-card").is_visible()
    for hidden in ("#funds-table", "#fund-tree", "#fund-chart", "#nav", "#dl-csv", ".top"):
        assert not page.locator(hidden).first.is_visible(), hidden
    text = page.locator("#report-card").inner_text()
    assert "资金使用月报" in text and "单位：元" in text
    for line in ("制表人", "审核人", "负责人", "制表日期"):
        assert line in page.locator(".sign-lines").inner_text()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 2, f"the report alone: {pages} pages"
    w.shot("month-report-print")
    page.emulate_media(media="screen")
    page.evaluate("document.body.classList.remove('print-report')")
    assert page.locator("#funds-table").is_visible()
    w.assert_clean()


@pytest.mark.parametrize("view", ["sign-in", "funds", "programs", "claims", "recon", "audit", "users", "me"])
def test_a_phone_never_scrolls_sideways(demo, open_page, view):
    w = open_page(viewport=(390, 844))
    page = w.page
    if view == "sign-in":
        page.goto(demo.url + "/")
        page.click("#make-token")
        page.wait_for_selector("#new-token-hash")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        return w.assert_clean()
    sign_in(w, demo, "admin")
    page.goto(f"{demo.url}/#{view}")
    page.wait_for_selector(f"main[data-view={view}] section " + ("dl" if view == "me" else "table"))
    wait_idle(w)
    if view == "funds":
        open_fund(w, demo)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    w.shot(f"phone-{view}")
    w.assert_clean()


def test_chart_uses_the_bundled_font_and_survives_a_new_year(demo, open_page):
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    open_fund(w, demo)
    legend = page.locator("#fund-chart svg text", has_text="已拨入").first
    legend.wait_for()
    assert "Noto Sans SC" in legend.evaluate("(n) => getComputedStyle(n).fontFamily + ' ' + (n.getAttribute('style') || '')")
    assert page.evaluate("document.fonts.check('14px \"Noto Sans SC\"', '资金')")
    for year in ("2022", "2023", "2022"):
        page.fill("#chart-year", year)
        page.locator("#chart-year").press("Enter")
        page.locator("#fund-chart svg text", has_text=f"· {year}").wait_for()
        wait_idle(w)
        assert page.locator("#fund-chart svg path").count() > 4, f"the chart of {year} is drawn"
        assert page.locator("#fund-chart svg").count() == 1
    w.assert_clean()


def test_look_up_by_payment_reference_and_by_a_partial_claim_id(demo, open_page):
    paid, other = ok(demo.api("treasurer", "GET", "/v1/claims", params={"status": "paid", "limit": 2}))["items"]
    ref = paid["payments"][0]["payment_ref"]
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    page.goto(f"{demo.url}/#claims")
    page.select_option("#lookup-mode", "payment_ref")
    page.fill("#lookup-value", ref.lower())
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#claim-amounts")
    assert paid["claim_id"] in page.locator("#claim-results").inner_text()
    assert not any(ref in u or ref.lower() in u for u in w.urls if "/v1/claims?" in u)
    # the 8 characters the lists show find the claim too
    page.select_option("#lookup-mode", "claim")
    page.fill("#lookup-value", other["claim_id"][:8])
    page.click("#lookup-form button[type=submit]")
    page.locator("#claim-results dd", has_text=other["claim_id"]).wait_for()
    w.assert_clean()


def test_reconciliation_opens_on_a_paying_fund_and_its_latest_month_of_payments(demo, open_page):
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    page.goto(f"{demo.url}/#recon")
    page.wait_for_selector("#recon-counts")
    wait_idle(w)
    fund_id = page.input_value("#recon-fund")
    fund = ok(demo.api("treasurer", "GET", f"/v1/funds/{fund_id}"))
    assert fen(fund["balance"]["disbursed"]) > 0
    moves = ok(demo.api("treasurer", "GET", f"/v1/funds/{fund_id}/movements", params={"limit": 1000}))["items"]
    paid = max(m["business_date"] for m in moves if m["kind"] in ("disbursed", "payment_returned", "recovered"))
    assert page.input_value("#recon-month") == paid[:7]
    counts = [int(page.locator(f"#recon-counts [data-count={k}]").inner_text()) for k in
              ("matched", "unmatched_in_ledger", "unmatched_in_bank")]
    assert sum(counts) > 0, "not an empty month"
    w.assert_clean()
