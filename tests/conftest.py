from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.clock import SettableClock
from runtime.settings import Settings

from . import checkout_guard
from . import profiles  # noqa: F401  (loads the Hypothesis profile HYPOTHESIS_PROFILE names)
from .backends import BACKENDS, create_test_database, postgres_settings, sqlite_settings
from .support import ADMIN_TOKEN, Api, make_user
from .templates import LAYERS, Templates

SEEDED = pytest.StashKey()  # the template copied into the test's store, if any
VAR_BEFORE = pytest.StashKey()  # the checkout's var/ when the run began (tests/checkout_guard.py)


def pytest_configure(config):
    # scripts/test runs with --dist loadgroup; registered here too for runs without xdist.
    config.addinivalue_line("markers", "xdist_group(name): run on one xdist worker, one after another")


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller: it outlives every worker
        session.config.stash[VAR_BEFORE] = checkout_guard.snapshot()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(VAR_BEFORE, None)
    if before is None:
        return
    changed = checkout_guard.changes(before, checkout_guard.snapshot())
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"tests wrote into the checkout's {checkout_guard.CHECKOUT_VAR} (a running demo's; tests use "
                   "their tmp_path): " + "; ".join(changed))
        if reporter is not None:
            reporter.write_line("\n" + message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_finish(session):
    # What is alive now (the modules of FastAPI, Hypothesis, schemathesis, Playwright, and
    # the collected tests) lives as long as the process: out of the collector's way, every
    # full collection of the session no longer walks it again.
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    # The long tests first: xdist hands tests out in this order (scripts/test), so the last
    # ones handed out are short and the two workers finish together, not one waiting for the
    # other's long test. The order within each part stays as collected.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def postgres_url():
    url, drop = create_test_database()
    yield url
    drop()


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path) -> Settings:
    """Settings for each backend in turn: every test using them runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_settings(tmp_path)
    return postgres_settings(request.getfixturevalue("postgres_url"), tmp_path)


@pytest.fixture
def clock(settings) -> SettableClock:
    """The ledger's clock in this test: `clock.travel_to(date)`, `clock.advance(days=n)`."""
    return settings.clock


@pytest.fixture
def any_settings(settings) -> Settings:
    return settings


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory):
    templates = Templates(tmp_path_factory)
    yield templates
    templates.close()


@pytest.fixture
def client(request, settings, store_templates):
    # A copy of what a fresh start writes (and the staff and funds fixtures when the test asks
    # for them), so the start below finds its store made: tests/templates.py.
    seeded = store_templates.seed(settings, layers=tuple(n for n in LAYERS if n in request.fixturenames))
    request.node.stash[SEEDED] = seeded
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def admin(client) -> Api:
    return Api(client, ADMIN_TOKEN)


class Staff:
    """The people of a small bureau: two of each role that checks another."""

    ROSTER = (("clerk", "clerk", ["clerk"], ["210100"]),
              ("reviewer", "reviewer", ["reviewer"], ["210100"]),
              ("reviewer2", "reviewer2", ["reviewer"], ["210000"]),
              ("treasurer", "treasurer", ["treasurer"], ["210000"]),
              ("auditor", "auditor", ["auditor"], ["210000"]),
              ("dalian_clerk", "dalian clerk", ["clerk"], ["210200"]))

    def __init__(self, admin: Api, seeded: dict[str, tuple[str, str]] | None = None):
        """`seeded`: the people are in the store already (a template's copy, tests/templates.py),
        attribute -> (token, user id); otherwise they are made here, through the API."""
        self.admin = admin
        for attribute, name, roles, regions in self.ROSTER:
            if seeded:
                token, user_id = seeded[attribute]
                person = Api(admin.client, token)
                person.user_id = user_id
            else:
                person = make_user(admin, name, roles, regions)
            setattr(self, attribute, person)

    def people(self) -> list[tuple[str, Api]]:
        return [(attribute, getattr(self, attribute)) for attribute, *_ in self.ROSTER]


@pytest.fixture
def staff(request, admin) -> Staff:
    seeded = request.node.stash.get(SEEDED, None)
    return Staff(admin, seeded.staff if seeded is not None else None)


@pytest.fixture
def funds(request, staff) -> dict[str, str]:
    """Shenyang's two funds that pay job_expansion and internship claims, with money."""
    seeded = request.node.stash.get(SEEDED, None)
    if seeded is not None and seeded.funds:
        return dict(seeded.funds)  # opened in the template the store was copied from
    return open_funds(staff.treasurer)


def open_fund(treasurer: Api, fund_type: str, region: str, amount: str | None = None) -> str:
    r = treasurer.post("/v1/funds", {"fund_type": fund_type, "region": region})
    assert r.status_code == 201, r.text
    fund_id = r.json()["fund_id"]
    if amount:
        r = treasurer.post(f"/v1/funds/{fund_id}/allocations", {"amount": amount, "source": "provincial",
                                                                 "document_no": "辽财社〔2022〕1号",
                                                                 "effective_date": "2022-06-10"})
        assert r.status_code == 201, r.text
    return fund_id


def open_funds(treasurer: Api) -> dict[str, str]:
    """Shenyang's two funds that pay job_expansion and internship claims, with money (the
    `funds` fixture's)."""
    return {
        "ui": open_fund(treasurer, "unemployment_insurance", "210100", "200000.00"),
        "es": open_fund(treasurer, "employment_subsidy", "210100", "200000.00"),
    }
