"""The funds and claims views on PostgreSQL (the other browser tests run the demo on
SQLite): the same names, figures and 合计 as the API answers, and claims browsed with the
server's filters and paging."""
from __future__ import annotations

import pytest

from .conftest import sign_in
from .test_dashboard import money, ok
from .test_officer import fen, shown

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
KEYS = ("allocated", "reserved", "disbursed", "recovered", "available")


@pytest.fixture
def pg_page(browser, pg_demo):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(20_000)
    yield page, problems
    context.close()


def test_funds_and_claims_views_on_postgresql(pg_demo, pg_page):
    page, problems = pg_page

    class W:  # sign_in's view of a watched page
        pass
    w = W()
    w.page = page
    sign_in(w, pg_demo, "treasurer")
    page.goto(f"{pg_demo.url}/#funds")
    page.wait_for_selector("#funds-table tfoot tr")
    funds = ok(pg_demo.api("treasurer", "GET", "/v1/funds", params={"limit": 1000}))["items"]
    assert funds
    for f in funds:
        row = page.locator(f'#funds-table tr[data-fund="{f["fund_id"]}"]')
        assert row.locator("td.num").all_inner_texts() == [money(f["balance"][k]) for k in KEYS]
        assert "·" in row.locator("th button").inner_text() and ":" not in row.locator("th button").inner_text()
    assert [shown(x) for x in page.locator("#funds-table tfoot td.num").all_inner_texts()] == \
        [sum(fen(f["balance"][k]) for f in funds) for k in KEYS]
    page.goto(f"{pg_demo.url}/#claims")
    page.wait_for_selector("#browse-table tbody tr")
    page.select_option("#browse-status", "approved")
    page.select_option("#browse-limit", "20")
    page.click("#browse-form button[type=submit]")
    page.wait_for_function("() => [...document.querySelectorAll('#browse-table tbody tr td:nth-child(6)')].every((td) => td.textContent === '已核定')")
    first = ok(pg_demo.api("treasurer", "GET", "/v1/claims", params={"status": "approved", "limit": 20}))
    assert [r.get_attribute("data-claim") for r in page.locator("#browse-table tbody tr").all()] == \
        [c["claim_id"] for c in first["items"]]
    assert not problems, problems
