"""A restart on the same SQLite file keeps everything, the read models resume from their
recorded position without counting anything twice, and no identity number is ever
written to disk in clear."""
from __future__ import annotations

from pathlib import Path

import orjson
from fastapi.testclient import TestClient

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteTrackingRecorder

from api.app import create_app
from runtime.container import Runtime

from .backends import sqlite_settings
from .conftest import Staff, open_fund
from .support import ADMIN_TOKEN, Api, internship_claim, job_expansion_claim, person_id


def _journey(staff: Staff, fund: str) -> tuple[str, str]:
    claim = staff.clerk.post("/v1/claims", job_expansion_claim()).json()
    cid = claim["claim_id"]
    assert staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"}).status_code == 200
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments", {"amount": "1500.00", "kind": "settlement",
                                                            "payment_ref": "R-1", "paid_on": "2022-07-20"})
    assert r.status_code == 201, r.text
    return cid, fund


def test_restart_keeps_everything_and_projections_resume_without_double_counting(settings):
    with TestClient(create_app(settings)) as client:
        staff = Staff(Api(client, ADMIN_TOKEN))
        fund = open_fund(staff.treasurer, "unemployment_insurance", "210100", "5000.00")
        cid, _ = _journey(staff, fund)
        before = staff.treasurer.get(f"/v1/funds/{fund}").json()
        tokens = {name: getattr(staff, name).token for name in ("clerk", "reviewer", "treasurer")}

    with TestClient(create_app(settings)) as client:
        treasurer = Api(client, tokens["treasurer"])
        assert treasurer.get(f"/v1/funds/{fund}").json()["balance"] == before["balance"]
        assert treasurer.get(f"/v1/claims/{cid}").json()["status"] == "paid"
        # Tokens survive the restart; new writes land on top of the old balance exactly once.
        clerk, reviewer = Api(client, tokens["clerk"]), Api(client, tokens["reviewer"])
        second = clerk.post("/v1/claims", job_expansion_claim()).json()["claim_id"]
        assert reviewer.post(f"/v1/claims/{second}/approve", {"approved_on": "2022-07-16"}).status_code == 200
        balance = treasurer.get(f"/v1/funds/{fund}").json()["balance"]
        assert balance == {"allocated": "5000.00", "reserved": "1500.00", "disbursed": "1500.00",
                           "recovered": "0.00", "available": "2000.00"}
        assert len(treasurer.get("/v1/claims").json()["items"]) == 2


def test_projection_catches_up_after_missing_events(settings):
    """Events written while no projector runs are projected once at the next start."""
    rt = Runtime(settings)
    rt.start(project=False)
    from ledger.access import Actor
    treasurer = Actor("t", "t", frozenset({"treasurer"}), ("210000",))
    rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210100"})
    for i in range(5):
        rt.ledger.allocate(treasurer, "employment_subsidy:210100", {
            "amount": "100.00", "source": "municipal", "document_no": f"D-{i}", "effective_date": "2022-06-10"})
    assert rt.runner.stored_position() == 0
    rt.runner.catch_up()
    assert rt.views.fund("employment_subsidy:210100")["allocated_fen"] == 50000
    rt.close()

    rt = Runtime(settings)
    rt.start(project=False)
    rt.ledger.allocate(treasurer, "employment_subsidy:210100", {
        "amount": "1.00", "source": "municipal", "document_no": "D-last", "effective_date": "2022-06-10"})
    assert rt.runner.catch_up() == 1  # only the new event, not the five already projected
    assert rt.views.fund("employment_subsidy:210100")["allocated_fen"] == 50100
    rt.close()


def test_no_identity_number_in_clear_on_disk(settings, tmp_path):
    ids = []
    with TestClient(create_app(settings)) as client:
        staff = Staff(Api(client, ADMIN_TOKEN))
        open_fund(staff.treasurer, "unemployment_insurance", "210100", "50000.00")
        open_fund(staff.treasurer, "employment_subsidy", "210100", "50000.00")
        for _ in range(3):
            body = job_expansion_claim()
            ids.append(body["beneficiary"]["id"])
            cid = staff.clerk.post("/v1/claims", body, headers={"Idempotency-Key": f"k-{len(ids)}"}).json()["claim_id"]
            staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": "2022-07-16"})
        body = internship_claim()
        ids.append(body["beneficiary"]["id"])
        assert staff.clerk.post("/v1/claims", body).status_code == 201
        number = person_id()
        ids.append(number)
        skill = {"program": "skill_certificate", "region": "210100",
                 "applicant": {"kind": "person", "id": number.lower(), "name": "王五"},
                 "facts": {"level": "primary", "occupation": "电工", "certificate_no": "C-1",
                           "certificate_date": "2022-05-01", "ui_contribution_months": 24,
                           "receiving_ui_benefits": False},
                 "application_date": "2022-07-01"}
        assert staff.clerk.post("/v1/claims", skill).status_code == 201, "skill claim"
        # Filtering by a person's number works without the number being stored.
        found = staff.clerk.get("/v1/claims", applicant_id=number).json()["items"]
        assert len(found) == 1 and found[0]["applicant"]["id"] == number[:4] + "*" * 10 + number[-4:]
    stored = list(_stored_bytes(settings, tmp_path))
    assert len(stored) >= 3
    for where, data in stored:
        for number in ids:
            for form in (number, number.lower(), number[:17]):
                assert form.encode() not in data, f"{form} in clear in {where}"


def _stored_bytes(settings, tmp_path):
    """Everything the ledger wrote: the SQLite files (with their WAL), or every row of every
    table in the PostgreSQL schema, events as stored bytes."""
    if settings.backend == "sqlite":
        files = [p for p in Path(tmp_path).rglob("*") if p.is_file()]
        assert any(p.name == "ledger.db" for p in files)
        for path in files:
            yield path.name, path.read_bytes()
        return
    import psycopg

    with psycopg.connect(**settings.pg_conninfo()) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (settings.pg_schema,))]
        assert "ledger_events" in tables
        for table in tables:
            rows = conn.execute(f'SELECT t::text FROM "{settings.pg_schema}"."{table}" t').fetchall()
            yield table, "\n".join(r[0] for r in rows).encode()
            if table == "ledger_events":
                for (state,) in conn.execute(f'SELECT state FROM "{settings.pg_schema}".ledger_events'):
                    yield table, bytes(state)


def test_a_dropped_read_model_is_rebuilt_at_start_up(settings):
    from ledger.access import Actor
    from projections import sql

    treasurer = Actor("t", "t", frozenset({"treasurer"}), ("210000",))
    rt = Runtime(settings)
    rt.start(project=False)
    rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210100"})
    rt.ledger.allocate(treasurer, "employment_subsidy:210100", {
        "amount": "100.00", "source": "municipal", "document_no": "D", "effective_date": "2022-06-10"})
    rt.runner.catch_up()
    with rt.views.datastore.transaction(commit=True) as c:  # an operator drops the read model
        for table in sql.READ_MODEL_TABLES:
            c.execute(rt.views._q(f"DROP TABLE rm_{table[3:]}"))
    rt.close()

    rt = Runtime(settings)
    rt.start()
    rt.reads.wait_consistent()
    assert rt.views.fund("employment_subsidy:210100")["allocated_fen"] == 10000
    rt.close()


def test_a_read_model_made_before_a_column_was_declared_gains_it_and_is_rebuilt_once(settings):
    """rm_claims made before entitled_fen (GET /v1/claims?sort=entitled): the column is added
    at start-up and the read models are rebuilt from the log, so every claim's amount is
    there to sort by. Reads wait for the rebuild: the position the last projector published
    in the shared head file is no longer the read models'. The next start rebuilds nothing."""
    with TestClient(create_app(settings)) as client:
        clerk = Staff(Api(client, ADMIN_TOKEN)).clerk
        for body in (internship_claim(term_months=12), job_expansion_claim(), internship_claim(term_months=3),
                     internship_claim(term_months=6)):
            assert clerk.post("/v1/claims", body).status_code == 201
    rt = Runtime(settings)
    with rt.views.datastore.transaction(commit=True) as c:  # the table as it was made before
        if settings.backend != "postgres":
            c.execute("DROP INDEX ix_claims_by_entitled")  # SQLite drops no indexed column
        c.execute(rt.views._q("ALTER TABLE rm_claims DROP COLUMN entitled_fen"))
    rt.close()

    rt = Runtime(settings)
    assert not rt.views.all_rows("rm_claims") and not rt.runner.stored_position(), "to be rebuilt from the log"
    rt.start()
    rt.reads.wait_consistent()
    rows = rt.views.claims(filters={}, scopes=["000000"], sort="-entitled", limit=100)
    entitled = [int(orjson.loads(r["doc"])["amounts"]["entitled"].replace(".", "")) for r in rows]
    assert [r["sort_key"] for r in rows] == entitled and len(set(entitled)) == 4
    assert entitled == sorted(entitled, reverse=True)
    head = rt.reads.wait_consistent()
    assert rt.runner.stored_position() == head
    rt.close()

    rt = Runtime(settings)
    try:
        assert rt.runner.stored_position() == head and len(rt.views.all_rows("rm_claims")) == 4, "rebuilt once"
    finally:
        rt.close()


def test_a_busy_database_at_start_up_is_not_taken_for_a_missing_tracking_table(tmp_path, monkeypatch):
    """A worker restarted while others use the store: the SQLite recorder of the library takes
    an OperationalError in its first probe for "no tracking table yet" and fails on the
    migration row that is there (which stops every uvicorn worker), or renames the live
    tracking table. The read models must open as they are."""
    settings = sqlite_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        staff = Staff(Api(client, ADMIN_TOKEN))
        fund = open_fund(staff.treasurer, "unemployment_insurance", "210100", "5000.00")
        _journey(staff, fund)
    rt = Runtime(settings)
    head, position = rt.ledger.head_position(), rt.runner.stored_position()
    rt.close()
    assert position == head > 0

    real = SQLiteTrackingRecorder.max_tracking_id

    def busy_for_the_migration_mark(self, application_name):
        if application_name == self.table_migration_identifier:
            raise OperationalError("database is locked")
        return real(self, application_name)

    monkeypatch.setattr(SQLiteTrackingRecorder, "max_tracking_id", busy_for_the_migration_mark)
    rt = Runtime(settings)
    try:
        assert rt.runner.stored_position() == head
        with rt.views.datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            assert "old1_tracking" not in {r[0] for r in c.fetchall()}
        assert rt.views.fund(fund)["disbursed_fen"] == 150_000
    finally:
        rt.close()
