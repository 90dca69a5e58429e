"""The suite's stores are copies of templates (tests/templates.py): a copy must be what a
fresh start (and the staff and funds fixtures) would have left, or every test using one
checks something else than it says. Compared with a store made the ordinary way, on both
backends: the same tables, columns, indexes and functions; the same events in the same
order; a hash chain that verifies; read models equal to a rebuild from the log; an
application started on it that writes nothing; tokens that work; and a next write that
lands at the next position and extends the chain."""
from __future__ import annotations

import dataclasses
import os
import shutil
import uuid

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from projections.rebuild import differences, rebuild
from runtime.container import open_read_model

from .conftest import Staff, open_funds
from .support import ADMIN_TOKEN, Api, token_pair
from .templates import LAYERS, standard_settings, store_structure


def _elsewhere(settings, name: str):
    """The same settings with a store of their own beside the test's."""
    if settings.backend == "sqlite":
        return dataclasses.replace(settings, database_url=f"sqlite:///{settings.sqlite_path.parent.parent}/{name}"
                                                         f"/var/ledger.db")
    return dataclasses.replace(settings, pg_schema=f"{settings.pg_schema}_{name}")


def _log(rt) -> list[tuple]:
    """The log as the code sees it, without what differs between any two starts (ids made
    at random, times): position, topic, aggregate version."""
    return [(n.id, n.topic, n.originator_version)
            for n in rt.app.recorder.select_notifications(start=None, limit=1_000_000)]


def _made(settings, layers):
    """A ledger started the ordinary way on an empty store, with what `layers` ask for."""
    client = TestClient(create_app(settings)).__enter__()
    staff = funds = None
    if layers:
        staff = Staff(Api(client, ADMIN_TOKEN))
        if "funds" in layers:
            funds = open_funds(staff.treasurer)
    return client, staff, funds


def _wait_for_projection(rt):
    assert rt.runner.wait_for(rt.ledger.head_position(), 10)


@pytest.mark.parametrize("layers", [(), ("staff",), LAYERS], ids=["fresh", "staff", "staff+funds"])
def test_a_copy_is_what_a_fresh_start_leaves(settings, store_templates, layers):
    assert standard_settings(settings)
    if settings.backend == "postgres" and shutil.which("pg_dump") is None:
        message = "pg_dump is not on the PATH: PostgreSQL tests start fresh, with no copies to check"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " — in CI they must be copies", pytrace=False)
        pytest.skip(message)
    fresh_settings, copy_settings = _elsewhere(settings, "fresh"), _elsewhere(settings, "copy")
    fresh, fresh_staff, fresh_funds = _made(fresh_settings, layers)
    try:
        rt = fresh.app.state.runtime
        _wait_for_projection(rt)
        fresh_log, fresh_head = _log(rt), rt.ledger.head_position()
        fresh_rows = {t: len(rt.views.all_rows(t)) for t in ("rm_users", "rm_user_regions", "rm_funds",
                                                             "rm_fund_history", "rm_fund_movements")}
    finally:
        fresh.__exit__(None, None, None)

    template = store_templates.seed(copy_settings, layers=layers)
    assert template is not None, "the suite's settings must be copied from a template"
    assert store_structure(copy_settings) == store_structure(fresh_settings)

    with TestClient(create_app(copy_settings)) as client:
        rt = client.app.state.runtime
        # Starting on the copy finds everything done: it writes nothing, as a restart would not.
        assert rt.ledger.head_position() == fresh_head
        assert _log(rt) == fresh_log
        _wait_for_projection(rt)
        assert {t: len(rt.views.all_rows(t)) for t in fresh_rows} == fresh_rows
        check = rt.ledger.verify_chain()
        assert check["chain_ok"] and check["ok"], check

        # The read models are what the log says, as a rebuild from it makes them.
        rebuilt = open_read_model(copy_settings, elsewhere=f"{copy_settings.pg_schema}_rebuild"
                                  if copy_settings.backend == "postgres" else "rebuilt.db")
        try:
            rebuild(rt.app, rebuilt)
            assert differences(rt.views, rebuilt) == []
        finally:
            rebuilt.datastore.close()

        admin = Api(client, ADMIN_TOKEN)
        assert admin.get("/v1/users/me").status_code == 200
        if layers:
            staff = Staff(admin, template.staff)
            assert [name for name, _ in staff.people()] == [name for name, _ in fresh_staff.people()]
            roster = {attribute: (name, roles, regions) for attribute, name, roles, regions in Staff.ROSTER}
            for attribute, person in staff.people():
                me = person.get("/v1/users/me")
                assert me.status_code == 200, (attribute, me.text)
                me = me.json()
                assert me["user_id"] == person.user_id
                assert (me["name"], me["roles"], me["regions"]) == roster[attribute], me
        if "funds" in layers:
            assert template.funds == fresh_funds
            for fund_id in template.funds.values():
                fund = staff.treasurer.get(f"/v1/funds/{fund_id}")
                assert fund.status_code == 200 and fund.json()["balance"]["allocated"] == "200000.00", fund.text

        # The next write takes the next position and extends the chain.
        r = admin.post("/v1/users", {"name": f"after the copy {uuid.uuid4().hex[:6]}", "roles": ["auditor"],
                                     "regions": ["210000"], "token_sha256": token_pair()[1]})
        assert r.status_code == 201, r.text
        assert rt.ledger.head_position() > fresh_head
        assert [n.id for n in rt.app.recorder.select_notifications(start=fresh_head, limit=10,
                                                                   inclusive_of_start=False)][0] == fresh_head + 1
        assert rt.ledger.verify_chain()["chain_ok"]


def test_settings_other_than_the_suites_start_fresh(settings, store_templates):
    """A copy holds what the suite's settings write; other settings never get one."""
    other = dataclasses.replace(settings, token_ttl_days=7)
    assert not standard_settings(other)
    assert store_templates.seed(other) is None
