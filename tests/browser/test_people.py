"""The revised contract's people side in the dashboard (issue 20, item 10): a person makes
their own token on the sign-in page (Web Crypto; the token goes nowhere) and reads out its
hash; one admin proposes the user with it, another confirms; the person signs in with the
token and rotates it from their own page."""
from __future__ import annotations

import hashlib

import pytest

from ..support import token_pair
from .conftest import confirm, sign_in
from .test_dashboard import ok

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_person_makes_a_token_two_admins_register_it_and_the_person_rotates_it(demo, open_page):
    tokens = {}
    for name in ("甲管理员", "乙管理员"):
        token, digest = token_pair()
        ok(demo.api("admin", "POST", "/v1/users", json={"name": name, "roles": ["admin"], "regions": ["210000"],
                                                         "token_sha256": digest}), 201)
        tokens[name] = token
    # the person, on the sign-in page
    person = open_page()
    page = person.page
    page.goto(demo.url + "/")
    requests_before = len(person.urls)
    page.click("#make-token")
    page.wait_for_selector("#new-token-hash")
    token = page.input_value("#new-token")
    digest = page.locator("#new-token-hash").get_attribute("data-hash")
    assert digest == hashlib.sha256(token.encode()).hexdigest() and len(token) >= 43
    page.wait_for_load_state("networkidle")
    sent = [u for u in person.urls[requests_before:] if "/assets/" not in u]
    assert sent == [], "making a token sends nothing (only the page's own assets load: font glyphs, the icon)"
    spoken = page.locator("#new-token-hash").inner_text()
    # admin 甲 proposes the user with the hash as read out (spaces and all)
    a = open_page()
    sign_in(a, demo, "admin", token=tokens["甲管理员"])
    a.page.goto(f"{demo.url}/#users")
    a.page.wait_for_selector("#users-table")
    a.page.fill("#new-user-name", "新出纳")
    a.page.check("#new-user-roles input[value=treasurer]")
    a.page.select_option("#new-user-regions", ["210100"])
    a.page.fill("#new-user-hash", spoken)
    a.page.click("#new-user-form button[type=submit]")
    assert "沈阳市" in confirm(a, "新出纳")
    a.page.wait_for_selector("#user-changes-table tr[data-change]")
    change = a.page.locator("#user-changes-table tr[data-change]", has_text="新出纳")
    assert change.locator("button.confirm").count() == 0, "the proposer does not confirm"
    # admin 乙 confirms it
    b = open_page()
    sign_in(b, demo, "admin", token=tokens["乙管理员"])
    b.page.goto(f"{demo.url}/#users")
    b.page.locator("#user-changes-table tr", has_text="新出纳").locator("button.confirm").click()
    confirm(b, "新出纳")
    b.page.locator("#users-table tr", has_text="新出纳").wait_for()
    # the person signs in with their own token and rotates it
    sign_in(person, demo, "treasurer", token=token)
    assert "新出纳" in page.locator("#who").inner_text()
    page.goto(f"{demo.url}/#me")
    page.wait_for_selector("#rotate")
    page.click("#rotate")
    confirm(person)
    page.wait_for_selector("#rotated-token")
    new = page.input_value("#rotated-token")
    assert new != token
    assert page.evaluate("sessionStorage.getItem('ledger.token')") == new
    assert demo.server.call("GET", "/v1/users/me", token).status_code == 401, "the old token is revoked"
    assert demo.server.call("GET", "/v1/users/me", new).json()["name"] == "新出纳"
    page.goto(f"{demo.url}/#funds")
    page.wait_for_selector("#funds-table tbody tr")
    # 甲 proposes new roles for the person, 乙 confirms; then 甲 deactivates them
    a.page.reload()
    row = a.page.locator("#users-table tr", has_text="新出纳")
    row.locator("button.change-roles").click()
    a.page.locator("#confirm-dialog #edit-user-roles input[value=auditor]").check()
    confirm(a, "新出纳")
    a.page.locator("#user-changes-table tr", has_text="新出纳").wait_for()
    b.page.reload()
    b.page.locator("#user-changes-table tr", has_text="新出纳").locator("button.confirm").click()
    confirm(b, "审计员")
    b.page.locator("#users-table tr", has_text="新出纳").filter(has_text="审计员").wait_for()
    user_id = demo.server.call("GET", "/v1/users/me", new).json()["user_id"]
    assert set(ok(demo.api("admin", "GET", f"/v1/users/{user_id}"))["roles"]) == {"treasurer", "auditor"}
    a.page.reload()
    a.page.locator("#users-table tr", has_text="新出纳").locator("button.reject").click()
    a.page.fill("#deactivate-reason", "调岗")
    confirm(a, "新出纳")
    a.page.locator("#users-table tr", has_text="新出纳").filter(has_text="已停用").wait_for()
    assert demo.server.call("GET", "/v1/users/me", new).status_code == 401
    for w in (person, a, b):
        w.assert_clean()
