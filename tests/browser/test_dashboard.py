"""The dashboard in a real browser (see conftest.py): every page for every role loads
without a console error or a failed request, offline; the figures shown are the API's
(demo data and a scenario written here, now and as of a date); sign-in, claim look-up,
CSV/XLSX downloads, a parameter change proposed by one admin and confirmed by another, a
statement upload and a period close; /docs offline; axe-core finds nothing serious."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest

from ..support import job_expansion_claim, person_id, token_pair
from .conftest import confirm, copy_to_docs, sign_in

# One worker runs them all, one after another (scripts/test: --dist loadgroup): the servers
# and Chromium start once, and Playwright's event loop is gone before the worker's next test.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VIEWS_BY_ROLE = {
    "admin": ["funds", "programs", "claims", "recon", "audit", "users", "me"],
    "treasurer": ["funds", "programs", "claims", "recon", "me"],
    "auditor": ["funds", "programs", "claims", "recon", "audit", "me"],
    "reviewer": ["funds", "programs", "claims", "me"],
    "clerk": ["programs", "claims", "me"],
}
TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
# The server runs on the wall clock: entries dated in 2022 are backdated ones.
BACKDATE = {"reason": "浏览器测试：历史记录补录", "document_no": "测试〔2022〕1号"}


def money(value: str) -> str:
    """The API's money string with thousands separators: what the pages must show."""
    sign, text = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, cents = text.partition(".")
    return f"{sign}{int(whole):,}.{cents}"


def ok(r, status=200):
    assert r.status_code == status, r.text
    return r.json() if r.content else None


@pytest.fixture(scope="module")
def sealed(demo):
    """A seal, so that the audit page has one to show and verify."""
    ok(demo.api("admin", "POST", "/v1/audit/seals", json={"force": True}), 201)


def wait_idle(w):
    """Until the page has no request of its own in flight (app.js counts them on <html
    data-pending>; the load state "networkidle" is reached once, after loading, and a later
    call does not wait for the requests a change starts)."""
    w.page.wait_for_load_state("networkidle")
    w.page.wait_for_function("() => !Number(document.documentElement.dataset.pending || 0)")


def axe_check(w, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(w.page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                                            f"{[n['target'] for n in v['nodes'][:3]]}" for v in bad)


@pytest.mark.parametrize("role", list(VIEWS_BY_ROLE))
def test_every_page_loads_cleanly_for_each_role(demo, open_page, sealed, role):
    w = open_page()
    sign_in(w, demo, role)
    shown = [a.get_attribute("data-view") for a in w.page.query_selector_all("#nav a")]
    assert shown == VIEWS_BY_ROLE[role], "the views follow the role exactly"
    for view in shown:
        w.page.goto(f"{demo.url}/#{view}")
        w.page.wait_for_selector(f"main[data-view={view}] section")
        wait_idle(w)
        w.shot(f"{role}-{view}")
        if role in ("admin", "treasurer"):
            axe_check(w, f"{role}/{view}")
    w.assert_clean()
    assert not any("token" in u.lower() for u in w.urls), "the token never goes into a URL"
    assert w.page.context.cookies() == [], "no cookies at all"


def test_funds_and_reports_equal_the_api_with_downloads(demo, open_page):
    w = open_page(viewport=(1920, 1080))
    sign_in(w, demo, "treasurer")
    page = w.page
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tbody tr")
    funds = ok(demo.api("treasurer", "GET", "/v1/funds", params={"limit": 1000}))["items"]
    rows = page.query_selector_all("#funds-table tbody tr")
    assert len(rows) == len(funds)
    for f in funds:
        cells = page.locator(f'#funds-table tr[data-fund="{f["fund_id"]}"] td.num').all_inner_texts()
        assert cells == [money(f["balance"][k]) for k in ("allocated", "reserved", "disbursed", "recovered",
                                                          "available")], f["fund_id"]
    fund_id = "employment_subsidy:210100"
    page.click(f'#funds-table tr[data-fund="{fund_id}"] button')
    page.wait_for_selector("#fund-report .report-head")
    wait_idle(w)
    page.fill("#report-month", "2022-07")
    page.locator("#report-month").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.locator("#fund-report .report-head", has_text="2022-07-01").wait_for()
    report = ok(demo.api("treasurer", "GET", "/v1/reports/fund-usage",
                         params={"fund_id": fund_id, "from": "2022-07-01", "to": "2022-07-31"}))
    for k in ("allocated", "reserved", "disbursed", "recovered", "available"):
        cells = page.locator(f'#report-balances tr[data-balance="{k}"] td.num').all_inner_texts()
        assert cells == [money(report["opening"][k]), money(report["closing"][k])], k
    assert page.locator('#report-movements tr[data-movement="disbursed"] td').inner_text() == \
        money(report["movements"]["disbursed"])
    for code, amount in report["movements"]["disbursed_by_program"].items():
        assert page.locator(f'#report-movements tr[data-program="{code}"] td').inner_text() == money(amount)
    # the chart's data table: month-end closing balances of 2022, each the API's
    page.fill("#chart-year", "2022")
    page.locator("#chart-year").press("Enter")
    page.locator(".chart-data tr", has_text="2022-06").last.wait_for(state="attached")
    wait_idle(w)
    june = ok(demo.api("treasurer", "GET", "/v1/reports/fund-usage",
                       params={"fund_id": fund_id, "from": "2022-06-01", "to": "2022-06-30"}))
    row = [c.strip() for c in page.locator(".chart-data tr", has_text="2022-06").last.locator("td").all_text_contents()]
    assert row == [money(june["closing"][k]) for k in ("allocated", "reserved", "disbursed", "recovered")]
    w.shot("funds-report")
    copy_to_docs("funds-report")
    # downloads: the same bytes as the API's, and the XLSX reads back with the closing balance
    # Real clicks, as a user makes them, with the chart's year field still focused after
    # Enter: scroll anchoring once moved the page under the mouse between press and release.
    try:
        with page.expect_download() as d:
            page.locator("#dl-csv").click()
    except Exception:
        raise AssertionError(f"no download; status: {page.locator('#status').inner_text()}; {w.problems}; {w.urls[-4:]}")
    csv_bytes = open(d.value.path(), "rb").read()
    csv_text = csv_bytes.decode("utf-8-sig")
    api_csv = demo.api("treasurer", "GET", "/v1/reports/fund-usage", headers={"Accept": "text/csv"},
                       params={"fund_id": fund_id, "from": "2022-07-01", "to": "2022-07-31"}).content
    assert csv_bytes == api_csv
    assert list(csv.reader(io.StringIO(csv_text)))
    with page.expect_download() as d:
        page.locator("#dl-xlsx").click()
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(open(d.value.path(), "rb").read()))
    values = {str(c.value) for sheet in book for r in sheet.iter_rows() for c in r if c.value is not None}
    closing = report["closing"]["available"]
    assert any(v.replace(",", "") in (closing, closing.rstrip("0").rstrip("."), str(float(closing)))
               for v in values), f"closing {closing} not in the workbook"
    w.assert_clean()


def test_a_scenario_written_here_and_as_of_a_date(demo, open_page):
    """A fund opened and given money now: the page shows it as the API does; as of
    yesterday it did not exist and the others stood as the API says they stood then."""
    fund_id = "inclusive_finance:210302"
    r = demo.api("treasurer", "POST", "/v1/funds", json={"fund_type": "inclusive_finance", "region": "210302"})
    assert r.status_code in (201, 409), r.text
    for amount, doc in (("12345.67", "辽财金〔2026〕7号"), ("1000000.01", "辽财金〔2026〕8号")):
        ok(demo.api("treasurer", "POST", f"/v1/funds/{fund_id}/allocations",
                    json={"amount": amount, "source": "provincial", "document_no": doc,
                          "effective_date": TODAY.isoformat()}), 201)
    now = ok(demo.api("treasurer", "GET", f"/v1/funds/{fund_id}"))
    w = open_page()
    sign_in(w, demo, "auditor")
    page = w.page
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector(f'#funds-table tr[data-fund="{fund_id}"]')
    cells = page.locator(f'#funds-table tr[data-fund="{fund_id}"] td.num').all_inner_texts()
    assert cells == [money(now["balance"][k]) for k in ("allocated", "reserved", "disbursed", "recovered",
                                                        "available")]
    assert page.locator("#fund-tree li[data-region='210302']").count() >= 1
    # the fund's movements with their document numbers (GET /v1/funds/{id}/movements)
    page.click(f'#funds-table tr[data-fund="{fund_id}"] button')
    page.click("#load-documents")
    page.wait_for_selector("#documents-table tbody tr")
    docs = page.locator("#documents-table tbody").inner_text()
    assert "辽财金〔2026〕7号" in docs and "12,345.67" in docs and "1,000,000.01" in docs
    # as of yesterday (end of day, China Standard Time)
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tbody tr")
    page.select_option("#basis", "recorded")
    page.fill("#asof", yesterday)
    page.locator("#asof").press("Enter")
    page.locator("#funds-table caption", has_text=yesterday).wait_for()
    then = ok(demo.api("auditor", "GET", "/v1/funds",
                       params={"limit": 1000, "as_of": f"{yesterday}T23:59:59.999999+08:00"}))["items"]
    assert fund_id not in {f["fund_id"] for f in then}
    assert page.locator(f'#funds-table tr[data-fund="{fund_id}"]').count() == 0
    assert page.locator("#funds-table tbody tr[data-fund]").count() == len(then)
    for f in then:
        cells = page.locator(f'#funds-table tr[data-fund="{f["fund_id"]}"] td.num').all_inner_texts()
        assert cells == [money(f["balance"][k]) for k in ("allocated", "reserved", "disbursed", "recovered",
                                                          "available")]
    w.shot("funds-as-of")
    w.assert_clean()


def test_claim_look_up_by_id_and_identity_number_never_in_a_url(demo, open_page):
    identity = person_id(region="210102")
    claim = ok(demo.api("clerk", "POST", "/v1/claims", json={
        "program": "job_search", "region": "210102",
        "applicant": {"kind": "person", "id": identity, "name": "王五"},
        "facts": {"graduation_year": 2022, "hardship_category": "low_income"},
        "application_date": "2022-07-15", "backdate": BACKDATE}), 201)
    claim_id = claim["claim_id"]
    ok(demo.api("reviewer", "POST", f"/v1/claims/{claim_id}/approve", json={"approved_on": "2022-07-20", "backdate": BACKDATE}))
    w = open_page()
    sign_in(w, demo, "reviewer")
    page = w.page
    page.goto(f"{demo.url}/#claims")
    page.select_option("#lookup-mode", "applicant")
    page.fill("#lookup-value", identity)
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector(f'#claims-table tr[data-claim="{claim_id}"]')
    assert page.input_value("#lookup-value") == "", "the identity number is not left on the page"
    page.click(f'#claims-table tr[data-claim="{claim_id}"] button')
    page.wait_for_selector("#claim-amounts")
    api_claim = ok(demo.api("reviewer", "GET", f"/v1/claims/{claim_id}"))
    for k, v in api_claim["amounts"].items():
        assert page.locator(f'#claim-amounts tr[data-amount="{k}"] td').inner_text() == money(v), k
    events = ok(demo.api("reviewer", "GET", f"/v1/claims/{claim_id}/events"))["items"]
    assert page.locator("#timeline li").count() == len(events)
    shown = page.locator("#explanation").inner_text()
    assert all(item["zh"] in shown for item in api_claim["entitlement_explanation"])
    html = page.content()
    assert identity not in html and identity[6:14] not in html, "identity numbers only masked on the page"
    assert not any(identity in u or identity[6:14] in u for u in w.urls), "never in a request URL"
    w.shot("claim")
    copy_to_docs("claim")
    # by claim id, on a demo claim that was paid
    paid = ok(demo.api("reviewer", "GET", "/v1/claims", params={"status": "paid", "limit": 1}))["items"][0]
    page.select_option("#lookup-mode", "claim")
    page.fill("#lookup-value", paid["claim_id"])
    page.click("#lookup-form button[type=submit]")
    page.locator("#claim-results dd", has_text=paid["claim_id"]).wait_for()
    assert page.locator('#claim-amounts tr[data-amount="paid"] td').inner_text() == money(paid["amounts"]["paid"])
    # by the beneficiary's identity number (a hire the employer claimed for), in a header too
    graduate = person_id(region="210102")
    hire = job_expansion_claim(region="210102", beneficiary=graduate)
    hire["backdate"] = BACKDATE
    hired = ok(demo.api("clerk", "POST", "/v1/claims", json=hire), 201)["claim_id"]
    page.select_option("#lookup-mode", "beneficiary")
    page.fill("#lookup-value", graduate)
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector(f'#claims-table tr[data-claim="{hired}"]')
    assert graduate not in page.content()
    assert not any(graduate in u or graduate[6:14] in u for u in w.urls), "never in a request URL"
    w.assert_clean()


def test_parameter_change_proposed_by_one_admin_and_confirmed_by_another(demo, open_page):
    second_token, digest = token_pair()
    second = ok(demo.api("admin", "POST", "/v1/users", json={"name": "第二管理员", "roles": ["admin"],
                                                              "regions": ["000000"], "token_sha256": digest}), 201)
    program = ok(demo.api("admin", "GET", "/v1/programs/job_search", params={"region": "210200"}))
    assert program["parameters"]["amount"] == "1000.00"  # the province's; a city's may not be lower
    name, new_value = "amount", "1200.00"
    w = open_page()
    sign_in(w, demo, "admin")
    page = w.page
    page.goto(f"{demo.url}/#programs")
    page.wait_for_selector("#propose-form")
    # The officer reads the clause in Chinese and each source in Chinese (DOMAIN.md, texts).
    page.wait_for_selector("#parameters .clause-text")
    wait_idle(w)  # the page's reports and changes are loaded before the officer acts
    first = ok(demo.api("admin", "GET", "/v1/programs"))["items"][0]
    assert first["clause_text"] in page.locator("#parameters .clause-text").inner_text()
    assert "本地假设" in page.locator("#parameters-table").inner_text() or "原文" in page.locator(
        "#parameters-table").inner_text()
    assert ".md" not in page.locator("#parameters-table").inner_text(), "no file names: sources and bounds in words"
    page.select_option("#propose-program", "job_search")
    page.fill("#propose-region", "210200")
    page.fill("#propose-from", (TODAY + dt.timedelta(days=30)).isoformat())
    # a typed form built from the parameter's value and bounds, not raw JSON
    page.locator("#propose-region").dispatch_event("change")
    page.locator(f"#param-{name}").wait_for()
    # The fields the program's first choice drew may be on screen already: wait for those of
    # the region and date asked for last, or their redraw undoes the value typed.
    wait_idle(w)
    assert page.input_value(f"#param-{name}") == "1000.00"
    assert "1000000.00" in page.locator(f'#propose-values [data-parameter="{name}"] small').inner_text()
    page.fill(f"#param-{name}", "1200")
    page.fill("#propose-doc", "大人社〔2026〕12号")
    page.fill("#propose-reason", "浏览器测试")
    # A double-click is one proposal: the button is disabled at once, and the change is shown
    # (old → new) and asked for once.
    page.dblclick("#propose-form button[type=submit]")
    shown = confirm(w, "浏览器测试")
    assert "1000.00" in shown and new_value in shown and "大连市" in shown, shown
    page.wait_for_selector("#changes-table tr[data-change]")
    change_id = page.locator("#changes-table tr[data-change]").last.get_attribute("data-change")
    assert page.locator(f'#changes-table tr[data-change="{change_id}"] button.confirm').count() == 0, \
        "the proposer is not offered to confirm"
    w.shot("programs-proposed")
    w2 = open_page()
    sign_in(w2, demo, "admin", token=second_token)
    w2.page.goto(f"{demo.url}/#programs")
    w2.page.click(f'#changes-table tr[data-change="{change_id}"] button.confirm')
    confirm(w2, new_value)
    w2.page.wait_for_selector("#status.ok")
    changes = ok(demo.api("admin", "GET", "/v1/programs/job_search/parameter-changes",
                          params={"status": "in_force"}))["items"]
    confirmed = next(c for c in changes if c["change_id"] == change_id)
    proposed = ok(demo.api("admin", "GET", "/v1/programs/job_search/parameter-changes"))["items"]
    assert len([c for c in proposed if c["reason"] == "浏览器测试"]) == 1, "one change for a double-click"
    assert confirmed["confirmed_by"] == second["user_id"]
    w.assert_clean()
    w2.assert_clean()


def test_a_redraw_under_way_is_announced_and_waited_for(demo, open_page):
    """While a request of the page is in flight <main> is aria-busy and <html data-pending>
    counts it; `wait_idle` waits for it (the load state alone returned at once, and a value
    typed before a late redraw was lost: the bounds test below timed out on it)."""
    w = open_page()
    sign_in(w, demo, "admin")
    page = w.page
    page.goto(f"{demo.url}/#programs")
    page.wait_for_selector("#propose-form")
    wait_idle(w)
    held = []
    page.route("**/v1/programs/job_search?*", lambda route: held.append(route))
    page.select_option("#propose-program", "job_search")
    page.wait_for_function("() => document.documentElement.dataset.pending === '1'")
    assert page.get_attribute("#main", "aria-busy") == "true"
    page.wait_for_load_state("networkidle")  # returns although the redraw's request is held
    assert page.evaluate("document.documentElement.dataset.pending") == "1"
    held[0].continue_()
    wait_idle(w)
    assert page.evaluate("document.documentElement.dataset.pending") == "0"
    assert page.get_attribute("#main", "aria-busy") == "false"
    page.unroute("**/v1/programs/job_search?*")
    w.assert_clean()


def test_bounds_are_read_in_chinese_and_a_refusal_at_a_floor_says_it_in_chinese(demo, open_page):
    """Issue 19/20: in Chinese mode the Programs page shows each bound's and floor's source in
    Chinese (`source_zh`), never the English `source`, which English mode shows; a value
    below the province's floor is refused in Chinese, naming the floor and its source."""
    w = open_page()
    w.allowed_statuses.add(422)
    sign_in(w, demo, "admin")
    page = w.page
    page.goto(f"{demo.url}/#programs")
    page.wait_for_selector("#propose-form")
    page.wait_for_selector("#parameters-table tr[data-parameter]")
    wait_idle(w)  # the first program's table is drawn before the officer picks another
    page.select_option("#program", "job_search")
    page.fill("#param-region", "210200")
    page.click("form.toolbar:has(#program) button[type=submit]")
    page.locator("#parameters-table caption", has_text="大连").wait_for()
    program = ok(demo.api("admin", "GET", "/v1/programs/job_search",
                          params={"region": "210200", "on": page.input_value("#param-on")}))
    cells = {name: page.locator(f'#parameters-table tr[data-parameter="{name}"] td.bounds').inner_text()
             for name in program["bounds"]}
    for name, bound in program["bounds"].items():
        assert bound["source_zh"] in cells[name], (name, cells[name])
        assert bound["source"] not in cells[name] and not re.search(r"[A-Za-z]{2,}", cells[name]), cells[name]
    floor = program["bounds"]["amount"]["floor"]
    assert floor["source_zh"] in cells["amount"] and "本省同日现行标准 1000.00" in cells["amount"]
    # A city's value below the province's: refused, said in Chinese with the floor's source.
    # (Anshan: the test above puts a change for Dalian in force on the same demo ledger.)
    page.select_option("#propose-program", "job_search")
    page.fill("#propose-region", "210300")
    page.fill("#propose-from", (TODAY + dt.timedelta(days=30)).isoformat())
    page.locator("#propose-region").dispatch_event("change")
    page.locator("#param-amount").wait_for()
    wait_idle(w)  # as above: the fields of the region and date asked for last
    assert floor["source_zh"] in page.locator('#propose-values [data-parameter="amount"] small').inner_text()
    page.fill("#param-amount", "900")  # after the redraw: wait_idle waited for it
    assert page.input_value("#param-amount") == "900"
    page.fill("#propose-doc", "大人社〔2026〕13号")
    page.fill("#propose-reason", "低于省级标准")
    page.click("#propose-form button[type=submit]")
    confirm(w, "900.00")
    page.wait_for_selector("#status.error .problem")
    said = page.locator("#status.error .problem").inner_text()
    assert "输入有误（参数值 amount）：不得低于辽宁省同日现行标准 1,000.00" in said, said
    assert floor["source_zh"] in said, said
    w.shot("programs-bound-refused")
    # English mode: the English sources, as the API gives them.
    page.click("#lang")
    page.wait_for_selector("#nav >> text=Funds")
    page.goto(f"{demo.url}/#programs")
    page.wait_for_selector("#parameters-table tr[data-parameter]")
    code = page.input_value("#program")
    english = ok(demo.api("admin", "GET", f"/v1/programs/{code}",
                          params={"region": page.input_value("#param-region"), "on": page.input_value("#param-on")}))
    for name, bound in english["bounds"].items():
        cell = page.locator(f'#parameters-table tr[data-parameter="{name}"] td.bounds').inner_text()
        assert bound["source"] in cell and bound["source_zh"] not in cell, (name, cell)
    page.click("#lang")
    w.assert_clean()


def test_statement_upload_and_period_close(demo, open_page):
    fund_id = "skill_upgrade_account:210300"
    month = "2022-09"
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    page.goto(f"{demo.url}/#recon")
    page.wait_for_selector("#recon-counts")
    page.select_option("#recon-fund", fund_id)
    page.fill("#recon-month", month)
    page.locator("#recon-month").press("Enter")
    page.locator("#recon-counts", has_text=fund_id).wait_for()
    # As a Chinese bank exports it: GBK, a preamble above the header, its own column names.
    reference = f"未入账-{uuid.uuid4().hex[:8]}"
    statement = (f"中国工商银行 账户明细\n账号,2103000000000000001\n交易日期,金额,借贷标志,摘要\n"
                 f"{month}-15,123.45,借,{reference}\n")
    page.fill("#statement-columns", "date:交易日期,amount:金额,direction:借贷标志,reference:摘要")
    page.fill("#statement-debit", "借")
    page.fill("#statement-credit", "贷")
    page.set_input_files("#statement-file", files=[{"name": "statement.csv", "mimeType": "text/csv",
                                                    "buffer": statement.encode("gbk")}])
    page.click("#statement-form button[type=submit]")
    confirm(w, "statement.csv")
    page.wait_for_selector("#statement-result dl")
    page.locator("#recon-counts [data-count=unmatched_in_bank]", has_text="1").wait_for()
    page.locator("#recon td", has_text=reference).wait_for()  # read as GBK: the reference as the bank wrote it
    recon = ok(demo.api("treasurer", "GET", "/v1/reconciliation",
                        params={"fund_id": fund_id, "from": f"{month}-01", "to": f"{month}-30"}))
    for key in ("matched", "unmatched_in_ledger", "unmatched_in_bank"):
        assert page.locator(f"#recon-counts [data-count={key}]").inner_text() == str(len(recon[key])), key
    w.shot("reconciliation")
    copy_to_docs("reconciliation")
    # an unmatched line: the month closes only with an override reason
    w.allowed_statuses.add(409)
    page.click("#close-form button[type=submit]")
    confirm(w, month)
    page.wait_for_selector("#status.error")
    w.allowed_statuses.discard(409)
    w.problems[:] = [p for p in w.problems if "409" not in p and "Failed to load resource" not in p]
    page.fill("#close-override", "银行未达已核实，次月调整")
    page.click("#close-form button[type=submit]")
    confirm(w, "银行未达已核实")
    page.wait_for_selector("#close-result dl")
    assert month in page.locator("#close-result").inner_text()
    r = demo.api("treasurer", "POST", f"/v1/periods/{fund_id}/{month}/close", json={})
    assert r.status_code in (200, 201, 409), r.text
    w.assert_clean()


def test_audit_page_shows_the_chain_and_seal_as_the_api_does(demo, open_page, sealed):
    w = open_page()
    sign_in(w, demo, "auditor")
    page = w.page
    page.goto(f"{demo.url}/#audit")
    page.wait_for_selector("#events-table tbody tr")
    verify = ok(demo.api("auditor", "GET", "/v1/audit/verify"))
    assert page.locator("#chain-status").inner_text() == ("通过" if verify["ok"] else "未通过")
    shown_head = page.locator("#head-hash").inner_text()
    assert len(shown_head) == 64
    assert page.locator("#seal-check").inner_text() == "通过"
    with page.expect_download() as d:
        page.click("#export-log")
    first = open(d.value.path(), encoding="utf-8").readline()
    assert '"position"' in first and '"hash"' in first
    w.shot("audit")
    copy_to_docs("audit")
    w.assert_clean()


def test_audit_page_on_a_ledger_never_sealed_asks_for_no_seal(bare, open_page):
    """No seal yet is a normal state, not an error: the page must not ask for the latest seal
    (a 404 the browser logs as a console error) when the verification lists none."""
    w = open_page(base=bare.url)
    sign_in(w, bare, "auditor")
    w.page.goto(f"{bare.url}/#audit")
    w.page.wait_for_selector("#events-table")
    wait_idle(w)
    assert w.page.locator("#seal-check").inner_text() == "尚无封印"
    assert not any("/v1/audit/seals" in u for u in w.urls)
    w.assert_clean()


def test_english_switch_and_print_layout(demo, open_page):
    w = open_page()
    sign_in(w, demo, "treasurer")
    page = w.page
    page.click("#lang")
    page.wait_for_selector("#nav >> text=Funds")
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tbody tr")
    assert "Available" in page.locator("#funds-table thead").inner_text()
    page.emulate_media(media="print")
    assert not page.locator("#nav").is_visible()
    fund_cell = page.locator("#funds-table tbody tr th").first
    assert fund_cell.is_visible() and fund_cell.inner_text().strip(), "the fund column prints (it is not blanked)"
    w.shot("funds-print-en")
    page.emulate_media(media="screen")
    page.click("#lang")
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tbody tr")
    w.shot("funds")
    copy_to_docs("funds")
    w.assert_clean()


def test_sign_in_refuses_a_bad_token_and_keeps_it_out_of_storage_but_the_session(demo, open_page):
    w = open_page()
    w.allowed_statuses.add(401)
    page = w.page
    page.goto(demo.url + "/")
    w.shot("sign-in")
    copy_to_docs("sign-in")
    page.fill("#token", "not-a-token")
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".signin .error")
    assert page.evaluate("sessionStorage.getItem('ledger.token')") is None
    sign_in(w, demo, "auditor")
    assert page.evaluate("sessionStorage.getItem('ledger.token')") == demo.tokens["auditor"]
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("document.cookie") == ""


def test_docs_and_redoc_render_offline_with_security_headers(demo, open_page):
    w = open_page()
    page = w.page
    page.goto(demo.url + "/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 30
    # The bearer scheme of /openapi.json: one Authorize button, not a header field per operation.
    page.locator("button.authorize").first.click()
    page.get_by_text("bearerAuth").first.wait_for()
    page.keyboard.press("Escape")
    w.shot("docs")
    page.goto(demo.url + "/redoc")
    page.get_by_text("/v1/claims/{claim_id}/approve").first.wait_for(timeout=30_000)
    w.shot("redoc", full_page=False)
    w.assert_clean()
    for path in ("/", "/docs", "/redoc", "/assets/app/app.js", "/assets/echarts/echarts.min.js"):
        r = demo.server.http.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
