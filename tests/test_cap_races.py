"""Claims racing for the last of a cap, for the same person-months or for one key typed
several ways, on SQLite and PostgreSQL, through several worker processes of the real
server: the cap, the months and the key hold exactly. Each worker has a writer of its own;
the cap's aggregate is taken in the claim's own transaction, so of two claims that read the
same remainder one commits and the other is decided again on what the first left."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from ledger.domain.caps import ClaimCap
from ledger.domain.ids import cap_aggregate_id, limit_aggregate_id, person_months_aggregate_id
from ledger.domain.months import PersonMonths
from runtime.container import Runtime

from .servers import Server
from .support import ADMIN_TOKEN, credit_code, person_id, token_pair

MONTHS_PER_CLAIM = 5
CLAIMS = 12                     # 60 months asked for against a cap of 24


@pytest.mark.slow
def test_claims_racing_for_the_last_months_of_a_cap_through_several_workers(settings, tmp_path):
    server = Server(settings, tmp_path, workers=2, log_level="warning")
    number = person_id()
    try:
        clerk, digest = token_pair()
        r = server.call("POST", "/v1/users", ADMIN_TOKEN, json={"name": "clerk", "roles": ["clerk"],
                                                                "regions": ["210000"], "token_sha256": digest})
        assert r.status_code == 201, r.text
        answers: list = []
        lock = threading.Lock()
        start = threading.Barrier(CLAIMS)

        def claim(i: int) -> None:
            start.wait()
            r = server.call("POST", "/v1/claims", clerk, json={
                "program": "flexible_social_insurance", "region": "210100",
                "applicant": {"kind": "person", "id": number, "name": "灵活就业"},
                # Periods two months apart, overlapping: together they cover 27 months of the
                # person's window, more than the cap (one subsidy per person-month holds too).
                "facts": {"left_school_on": "2022-06-15", "monthly_contribution": "1200.00",
                          "months": MONTHS_PER_CLAIM,
                          "period_start": f"{2022 + (6 + 2 * i) // 12}-{(6 + 2 * i) % 12 + 1:02d}-01"},
                "application_date": "2022-07-15"}, headers={"Idempotency-Key": f"race-{i}"})
            with lock:
                answers.append(r)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(CLAIMS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
    finally:
        server.stop()
    statuses = Counter(r.status_code for r in answers)
    assert set(statuses) <= {201, 409}, [r.text for r in answers if r.status_code not in (201, 409)]
    granted = [r.json() for r in answers if r.status_code == 201]
    months = [int(round(int(c["amounts"]["entitled"].replace(".", "")) / 80000)) for c in granted]  # 800.00 a month
    assert sum(months) == 24, months                                                # exactly the cap, never beyond
    assert all(r.json()["code"] in ("limit_exceeded", "conflict") for r in answers if r.status_code == 409)
    # The store agrees: one cap aggregate whose takings are those of the acknowledged claims.
    rt = Runtime(settings)
    try:
        cap = rt.app.repository.get(cap_aggregate_id(f"flexible_social_insurance:person:{rt.ledger.pii.ref(number)}"))
        assert isinstance(cap, ClaimCap)
        assert cap.taken == {c["claim_id"]: m for c, m in zip(granted, months)}
    finally:
        rt.close()


def _race(server, token: str, bodies: list[dict]) -> list:
    """Post every body at once (one thread each, released together); the answers."""
    answers: list = []
    lock = threading.Lock()
    start = threading.Barrier(len(bodies))

    def post(i: int, body: dict) -> None:
        start.wait()
        r = server.call("POST", "/v1/claims", token, json=body, headers={"Idempotency-Key": f"race-{i}"})
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=post, args=(i, body)) for i, body in enumerate(bodies)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return answers


def _clerk(server) -> str:
    # The clerk makes the token; the admin registers only its hash (as in the first race).
    token, digest = token_pair()
    r = server.call("POST", "/v1/users", ADMIN_TOKEN, json={"name": "clerk", "roles": ["clerk"], "regions": ["210000"],
                                                            "token_sha256": digest})
    assert r.status_code == 201, r.text
    return token


@pytest.mark.slow
def test_one_persons_months_racing_across_employers_and_programs(settings, tmp_path):
    """One subsidy per person-month (DOMAIN.md, F3) under concurrency: three employers'
    social insurance, three flexible-employment, a public-welfare post's and a care
    institution's claims for the same person and the same six months, through two worker
    processes at once. Exactly one is paid those months."""
    server = Server(settings, tmp_path, workers=2, log_level="warning")
    number = person_id()
    social = [{"program": "social_insurance", "region": "210100",
               "applicant": {"kind": "enterprise", "id": credit_code(), "name": f"分公司{i}"},
               "beneficiary": {"id": number, "name": "毕业生"},
               "facts": {"diploma_date": "2022-06-30", "hired_on": "2022-07-01", "period_start": "2022-07-01",
                         "registered_unemployed": False, "contract_months": 24, "enterprise_size": "large",
                         "employer_monthly_contribution": "1000.00", "months": 6, "retained_intern": False},
               "application_date": "2022-07-15"} for i in range(3)]
    flexible = [{"program": "flexible_social_insurance", "region": "210100",
                 "applicant": {"kind": "person", "id": number, "name": "毕业生"},
                 "facts": {"left_school_on": "2021-07-01", "monthly_contribution": "1200.00", "months": 6,
                           "period_start": "2022-07-01"}, "application_date": "2022-07-15"} for _ in range(3)]
    # The care plan's and 四.14's programs hold the same person's months (DOMAIN.md, F3).
    others = [{"program": "public_welfare_post", "region": "210100",
               "applicant": {"kind": "enterprise", "id": credit_code(), "name": "公益性岗位单位"},
               "beneficiary": {"id": number, "name": "毕业生"},
               "facts": {"hardship_category": "orphan", "diploma_date": "2022-06-30", "placed_on": "2022-07-01",
                         "period_start": "2022-07-01", "employer_monthly_contribution": "800.00", "months": 6},
               "application_date": "2022-07-15"},
              {"program": "care_institution_social_insurance", "region": "210100",
               "applicant": {"kind": "institution", "id": credit_code(), "name": "托育机构"},
               "beneficiary": {"id": number, "name": "毕业生"},
               "facts": {"institution_type": "childcare", "hardship_certified": True, "hired_on": "2022-07-01",
                         "period_start": "2022-07-01", "employer_monthly_contribution": "800.00", "months": 6},
               "application_date": "2022-07-15"}]
    try:
        answers = _race(server, _clerk(server), social + flexible + others)
    finally:
        server.stop()
    statuses = Counter(r.status_code for r in answers)
    assert statuses[201] == 1 and set(statuses) <= {201, 409}, [r.text for r in answers if r.status_code != 409]
    assert all(r.json()["code"] in ("limit_exceeded", "conflict") for r in answers if r.status_code == 409)
    (granted,) = [r.json() for r in answers if r.status_code == 201]
    rt = Runtime(settings)
    try:
        months = rt.app.repository.get(person_months_aggregate_id(f"person-months:{rt.ledger.pii.ref(number)}"))
        assert isinstance(months, PersonMonths)
        assert {c: h["months"] for c, h in months.held.items()} == {
            granted["claim_id"]: ["2022-07", "2022-08", "2022-09", "2022-10", "2022-11", "2022-12"]}
    finally:
        rt.close()


@pytest.mark.slow
def test_one_certificate_typed_several_ways_racing_is_taken_once(settings, tmp_path):
    """Keys in normal form (DOMAIN.md, F12) under concurrency: eight people claim one
    certificate typed four ways, at once, through two worker processes. One is accepted."""
    server = Server(settings, tmp_path, workers=2, log_level="warning")
    spellings = ("ZS20260001", "ＺＳ２０２６０００１", "ZS-20260001", "zs 2026 0001") * 2
    bodies = [{"program": "skill_certificate", "region": "210100",
               "applicant": {"kind": "person", "id": person_id(), "name": f"持证人{i}"},
               "facts": {"level": "intermediate", "occupation": "电工", "certificate_no": typed,
                         "certificate_date": "2022-05-20", "ui_contribution_months": 24,
                         "receiving_ui_benefits": False}, "application_date": "2022-07-12"}
              for i, typed in enumerate(spellings)]
    try:
        answers = _race(server, _clerk(server), bodies)
    finally:
        server.stop()
    statuses = Counter(r.status_code for r in answers)
    assert statuses[201] == 1 and set(statuses) <= {201, 409}, [r.text for r in answers if r.status_code != 409]
    assert all(r.json()["code"] in ("duplicate", "conflict") for r in answers if r.status_code == 409)
    rt = Runtime(settings)
    try:
        limit = rt.app.repository.get(limit_aggregate_id("skill_certificate:certificate:ZS20260001"))
        assert limit.holders == [next(r.json()["claim_id"] for r in answers if r.status_code == 201)]
    finally:
        rt.close()
