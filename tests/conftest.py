from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from runtime.settings import Settings

from .backends import BACKENDS, create_test_database, postgres_settings, sqlite_settings
from .support import ADMIN_TOKEN, Api, make_user


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
def any_settings(settings) -> Settings:
    return settings


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def admin(client) -> Api:
    return Api(client, ADMIN_TOKEN)


class Staff:
    """The people of a small bureau: two of each role that checks another."""

    def __init__(self, admin: Api):
        self.admin = admin
        self.clerk = make_user(admin, "clerk", ["clerk"], ["210100"])
        self.reviewer = make_user(admin, "reviewer", ["reviewer"], ["210100"])
        self.reviewer2 = make_user(admin, "reviewer2", ["reviewer"], ["210000"])
        self.treasurer = make_user(admin, "treasurer", ["treasurer"], ["210000"])
        self.auditor = make_user(admin, "auditor", ["auditor"], ["210000"])
        self.dalian_clerk = make_user(admin, "dalian clerk", ["clerk"], ["210200"])


@pytest.fixture
def staff(admin) -> Staff:
    return Staff(admin)


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
