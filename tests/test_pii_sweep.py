"""A PII sweep after a full run of the real server: identity numbers go in as applicants,
beneficiaries, look-ups by applicant, bad numbers that are refused, numbers in paths and
keys; afterwards none of them is found in clear anywhere the ledger wrote: its databases
(SQLite files with their WAL; PostgreSQL's rows and its WAL), the server's log (the access
log included), exports (audit log, Beancount journal, CSV and XLSX reports), metrics, or
any answer, error bodies included."""
from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import orjson
import psycopg
import pytest

from .servers import Server
from .support import ADMIN_TOKEN, credit_code, person_id, token_pair


def _numbers() -> list[str]:
    numbers = [person_id(region="210102", birth="19990815") for _ in range(6)]
    while not numbers[-1].endswith("X"):
        numbers[-1] = person_id(region="210102", birth="19990815")
    return numbers


def _forms(number: str) -> list[bytes]:
    """The ways a number could be written down in clear."""
    forms = {number, number.lower()}
    return [f.encode() for f in forms] + [f.encode("utf-16-le") for f in forms]


def _journey(server: Server, numbers: list[str], listed_org: str) -> None:
    admin = ADMIN_TOKEN
    tokens = {}
    for role in ("clerk", "reviewer", "treasurer", "auditor"):
        tokens[role], digest = token_pair()
        r = server.call("POST", "/v1/users", admin, json={"name": role, "roles": [role], "regions": ["210000"],
                                                          "token_sha256": digest})
        assert r.status_code == 201, r.text
    clerk, reviewer, treasurer, auditor = (tokens[k] for k in ("clerk", "reviewer", "treasurer", "auditor"))
    for fund_type in ("employment_subsidy", "unemployment_insurance"):
        server.call("POST", "/v1/funds", treasurer, json={"fund_type": fund_type, "region": "210100"})
        server.call("POST", f"/v1/funds/{fund_type}:210100/allocations", treasurer,
                    json={"amount": "100000.00", "source": "provincial", "document_no": "辽财社〔2022〕1号",
                          "effective_date": "2022-06-10"})
    claims = []
    for i, number in enumerate(numbers[:3]):
        # A person applying for themselves, and the same person hired by an employer.
        r = server.call("POST", "/v1/claims", clerk, headers={"Idempotency-Key": f"pii-{number}"}, json={
            "program": "flexible_social_insurance", "region": "210100",
            "applicant": {"kind": "person", "id": number.lower(), "name": f"申请人{i}"},
            "facts": {"left_school_on": "2021-07-01", "monthly_contribution": "900.00", "months": 6,
                      "period_start": "2022-07-01"},
            "application_date": "2022-07-15"})
        assert r.status_code == 201, r.text
        claims.append(r.json()["claim_id"])
        r = server.call("POST", "/v1/claims", clerk, json={
            "program": "job_expansion", "region": "210100",
            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "沈阳示例科技有限公司"},
            "beneficiary": {"id": number, "name": f"毕业生{i}"},
            "facts": {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True},
            "application_date": "2022-07-15"})
        assert r.status_code == 201, r.text
        claims.append(r.json()["claim_id"])
    for claim_id in claims:
        assert server.call("POST", f"/v1/claims/{claim_id}/approve", reviewer,
                           json={"approved_on": "2022-07-16"}).status_code == 200
    r = server.call("POST", f"/v1/claims/{claims[1]}/payments", treasurer,
                    json={"amount": "1500.00", "kind": "settlement", "payment_ref": "ZF-PII-1", "paid_on": "2022-07-20"})
    assert r.status_code == 201, r.text
    # The watch list: person ids (and an organisation's credit code) listed, looked up, lifted,
    # and a claim of a listed beneficiary refused.
    entries = []
    for party in (numbers[5], numbers[2].lower(), listed_org):
        r = server.call("POST", "/v1/watchlist", admin, json={"party_id": party, "reason": "骗取补贴",
                                                              "document_no": "沈人社失信〔2022〕1号",
                                                              "listed_from": "2022-07-01"})
        assert r.status_code == 201, r.text
        entries.append(r.json()["entry_id"])
    r = server.call("POST", "/v1/claims", clerk, json={
        "program": "job_expansion", "region": "210100",
        "applicant": {"kind": "enterprise", "id": credit_code(), "name": "沈阳示例科技有限公司"},
        "beneficiary": {"id": numbers[2], "name": "失信人"},
        "facts": {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True},
        "application_date": "2022-07-15"})
    assert r.status_code == 422 and r.json()["code"] == "not_eligible", r.text
    assert server.call("POST", f"/v1/watchlist/{entries[0]}/lift", admin, json={
        "reason": "整改", "document_no": "沈人社〔2022〕9号", "lifted_on": "2022-08-01"}).status_code == 200
    for params in ({"party_id": numbers[5]}, {"active_on": "2022-07-15"}, None):
        assert server.call("GET", "/v1/watchlist", auditor, params=params).status_code == 200
    server.call("GET", "/v1/reports/payees", auditor, params={"stage": "notice", "on": "2022-07-17"})
    for number in numbers:
        # Look-ups by identity number: the access log writes the query string.
        assert server.call("GET", "/v1/claims", auditor, params={"applicant_id": number}).status_code == 200
        server.call("GET", f"/v1/claims/{number}", auditor)                              # 404 naming the path
        server.call("GET", f"/v1/programs/{number}", auditor)
    bad = numbers[3][:-1] + ("0" if numbers[3][-1] != "0" else "1")                      # a wrong check character
    for body in ({"program": "flexible_social_insurance", "region": "210100",
                  "applicant": {"kind": "person", "id": bad, "name": "错号"},
                  "facts": {"left_school_on": "2021-07-01", "monthly_contribution": "900.00", "months": 6}},
                 {"program": "job_expansion", "region": "210100", "applicant": {"kind": "person", "id": numbers[4],
                                                                                 "name": "错类"}, "facts": {}}):
        assert server.call("POST", "/v1/claims", clerk, json=body).status_code == 422
    server.call("GET", "/v1/claims", auditor, params={"applicant_id": bad})
    for path in ("/v1/audit/events", "/v1/claims", f"/v1/claims/{claims[0]}", f"/v1/claims/{claims[0]}/events",
                 "/metrics"):
        assert server.call("GET", path, ADMIN_TOKEN, params={"limit": 1000} if "audit" in path else None
                           ).status_code == 200
    server.call("GET", "/v1/audit/events", ADMIN_TOKEN, headers={"Accept": "application/x-ndjson"})
    july = {"fund_id": "unemployment_insurance:210100", "from": "2022-07-01", "to": "2022-07-31"}
    server.call("GET", "/v1/reports/payees", auditor, params=july)
    for accept in ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
        r = server.call("GET", "/v1/reports/fund-usage", auditor, params=july, headers={"Accept": accept})
        assert r.status_code == 200
        if accept.endswith("sheet"):
            with zipfile.ZipFile(io.BytesIO(r.content)) as z:   # an XLSX is zipped XML: look inside
                server.bodies += [z.read(name) for name in z.namelist()]


def _files(directory: Path) -> dict[str, bytes]:
    found = {}
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_socket():
            found[str(path)] = path.read_bytes()
    return found


def _postgres_rows(settings) -> dict[str, bytes]:
    rows = {}
    with psycopg.connect(**settings.pg_conninfo(), autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                                             (settings.pg_schema,))]
        for table in tables:
            text = conn.execute(f'SELECT string_agg(t::text, E\'\\n\') FROM "{settings.pg_schema}"."{table}" t'
                                ).fetchone()[0]
            rows[f"postgres table {table}"] = (text or "").encode()
        data_dir = conn.execute("SHOW data_directory").fetchone()[0]
    wal = Path(data_dir) / "pg_wal"
    if not os.access(wal, os.R_OK):
        pytest.fail(f"PostgreSQL's WAL ({wal}) cannot be read to sweep it: run the tests as a user who can",
                    pytrace=False)
    for segment in sorted(wal.glob("0*"), key=lambda p: p.stat().st_mtime)[-4:]:  # the run's newest segments
        rows[f"postgres WAL {segment.name}"] = segment.read_bytes()
    return rows


@pytest.mark.slow
def test_no_identity_number_in_clear_anywhere_after_a_full_run(settings, tmp_path):
    numbers = _numbers()
    listed_org = credit_code()  # listed, never a claimant: stored only protected
    server = Server(settings, tmp_path)
    try:
        _journey(server, numbers, listed_org)
        sqlite_while_running = _files(settings.sqlite_path.parent) if settings.backend == "sqlite" else {}
    finally:
        server.stop()
    env = {**server.env}
    for command in (["export", "--out", str(tmp_path / "export")],
                    ["export", "--format", "beancount", "--out", str(tmp_path / "journal.beancount")],
                    ["verify"]):
        done = subprocess.run([sys.executable, "-c", "from runtime.cli import main; main()", *command],
                              cwd=server.workdir, env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stdout.decode()[-2000:] + done.stderr.decode()[-2000:]
        server.bodies.append(done.stdout + done.stderr)
    places = {**_files(tmp_path), **sqlite_while_running}
    places.update({f"answer {i}": body for i, body in enumerate(server.bodies)})
    # The audit export keeps each event's stored bytes in base64: look at them decoded too.
    for line in (tmp_path / "export" / "events.ndjson").read_bytes().splitlines():
        record = orjson.loads(line)
        places[f"export event {record['position']}"] = base64.b64decode(record["state"])
    if settings.backend == "postgres":
        places.update(_postgres_rows(settings))
    assert any(b"2101**********" in content for content in places.values()), "nothing masked was seen: no sweep"
    assert (tmp_path / "server.log").read_text().count("applicant_id=") >= len(numbers)
    leaks = [(name, number) for number in numbers for name, content in places.items()
             if any(form in content for form in _forms(number))]
    assert not leaks, leaks[:20]
    # A watch-list party is stored only protected, whichever its kind: the organisation's code
    # was only ever sent in a body, so it is nowhere the ledger wrote.
    assert any(listed_org[:4].encode() + b"**********" in content for content in places.values())
    org_leaks = [name for name, content in places.items() if any(form in content for form in _forms(listed_org))]
    assert not org_leaks, org_leaks[:20]
