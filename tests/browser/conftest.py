"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, package
`chromium`), headless, against one real server (uvicorn subprocess, demo data) per test module.
Every request to anything but that server is aborted and counted as a failure: the pages
must work without internet access.

Where Chromium or Playwright is missing they skip with a message, except in CI (CI=true),
where they fail (as the PostgreSQL tests do, tests/backends.py). Screenshots go to
build/test-artifacts/browser/ (printed when the module's tests are done; never var/, a running
demo's)."""
from __future__ import annotations

import os
import re
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ..backends import postgres_settings, sqlite_settings
from ..servers import ROOT, Server
from ..support import ADMIN_TOKEN, token_pair

CHROMIUM = os.environ.get("LEDGER_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "build" / "test-artifacts" / "browser"


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not (ROOT / "web" / "node_modules" / "echarts").exists():
        return "the dashboard's assets are not installed (scripts/test runs npm ci in web/)"
    return None


@pytest.fixture(scope="session")
def browser_available():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " — in CI the browser tests must run", pytrace=False)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Demo:
    server: Server
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.base_url

    def api(self, role: str, method: str, path: str, **kwargs):
        return self.server.call(method, path, self.tokens[role], **kwargs)


@pytest.fixture(scope="module")
def demo(browser_available, tmp_path_factory) -> Demo:
    tmp = tmp_path_factory.mktemp("browser")
    settings = sqlite_settings(tmp)
    server = Server(settings, tmp, port=_free_port(), env={"LEDGER_DEMO_DATA": "1"}, log_level="warning")
    try:
        lines = (settings.data_dir / "demo-tokens.txt").read_text().split("\n")
        tokens = dict(line.split(" ", 1) for line in lines if line)
        tokens["admin"] = ADMIN_TOKEN
        yield Demo(server, tokens)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pg_demo(browser_available, tmp_path_factory, postgres_url) -> Demo:
    """The demo on PostgreSQL (a schema of its own in the run's test database)."""
    tmp = tmp_path_factory.mktemp("browser-pg")
    settings = postgres_settings(postgres_url, tmp)
    server = Server(settings, tmp, port=_free_port(), env={"LEDGER_DEMO_DATA": "1"}, log_level="warning")
    try:
        lines = (settings.data_dir / "demo-tokens.txt").read_text().split("\n")
        tokens = dict(line.split(" ", 1) for line in lines if line)
        tokens["admin"] = ADMIN_TOKEN
        yield Demo(server, tokens)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bare(browser_available, tmp_path_factory) -> Demo:
    """A server with nothing but its bootstrap admin and an auditor: a ledger on its first day."""
    tmp = tmp_path_factory.mktemp("browser-bare")
    server = Server(sqlite_settings(tmp), tmp, port=_free_port(), log_level="warning")
    try:
        token, digest = token_pair()
        r = server.call("POST", "/v1/users", ADMIN_TOKEN, json={"name": "审计员", "roles": ["auditor"], "regions": ["210000"],
                                                                "token_sha256": digest})
        assert r.status_code == 201, r.text
        yield Demo(server, {"admin": ADMIN_TOKEN, "auditor": token})
    finally:
        server.stop()


# Module, not session: Playwright's sync API keeps an asyncio loop running in the thread
# while it is started, and asyncio.run() in any later test of the same worker then fails
# ("cannot be called from a running event loop": tests/test_reads_door.py did).
@pytest.fixture(scope="module")
def browser(browser_available):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()
    print(f"\nbrowser screenshots: {ARTIFACTS}")


@dataclass
class Watched:
    """A page with what went wrong on it: console errors, page errors, failed requests
    (4xx/5xx answers too) and requests to anything but the server (aborted)."""
    page: object
    problems: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    allowed_statuses: set[int] = field(default_factory=set)

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)

    def shot(self, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _allowed_refusal(text: str, allowed: set[int]) -> bool:
    """Chromium's console line for an answer a test expects (a refusal it provokes)."""
    m = re.fullmatch(r"Failed to load resource: the server responded with a status of (\d{3}) .*", text)
    return bool(m) and int(m.group(1)) in allowed


@pytest.fixture
def open_page(browser, demo):
    contexts = []

    def make(viewport=(1280, 800), base: str | None = None) -> Watched:
        """`base`: the server the page may talk to (the demo's unless given)."""
        allowed = (base or demo.url) + "/"
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        w = Watched(page)

        def gate(route):
            url = route.request.url
            if url.startswith(allowed) or url.startswith(("blob:", "data:")):
                return route.continue_()
            w.problems.append(f"blocked request to {url}")
            return route.abort()

        context.route("**/*", gate)
        page.on("console", lambda m: w.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" and not _allowed_refusal(m.text, w.allowed_statuses) else None)
        page.on("pageerror", lambda e: w.problems.append(f"page error: {e}"))
        # Requests elsewhere are counted where they are blocked; a download's blob: ends as "aborted".
        page.on("requestfailed", lambda r: w.problems.append(f"request failed: {r.url} {r.failure}")
                if r.url.startswith(allowed) else None)
        page.on("request", lambda r: w.urls.append(r.url))
        page.on("response", lambda r: w.problems.append(f"HTTP {r.status} {r.request.method} {r.url}")
                if r.status >= 400 and r.status not in w.allowed_statuses else None)
        page.set_default_timeout(20_000)
        return w

    yield make
    for c in contexts:
        c.close()


def sign_in(w: Watched, demo: Demo, role: str, token: str | None = None) -> None:
    page = w.page
    page.goto(demo.url + "/")
    page.fill("#token", token or demo.tokens[role])
    page.click("form.signin button[type=submit]")
    page.wait_for_selector("#nav a")


def confirm(w: Watched, expect: str | None = None) -> str:
    """Answer the dashboard's confirmation (what the action will do, asked once): its text."""
    dialog = w.page.locator("#confirm-dialog")
    dialog.wait_for()
    text = dialog.inner_text()
    if expect is not None:
        assert expect in text, text
    w.page.click("#confirm-ok")
    dialog.wait_for(state="detached")
    return text


def copy_to_docs(name: str) -> None:
    """Key screenshots for the README (docs/screenshots), when asked: LEDGER_UPDATE_SCREENSHOTS=1."""
    if os.environ.get("LEDGER_UPDATE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", target / f"{name}.png")
