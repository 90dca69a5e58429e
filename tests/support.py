"""Helpers for tests: valid identifiers, users with roles, and common set-ups."""
from __future__ import annotations

import datetime as dt
import itertools
import time

from ledger.identifiers import credit_check_char, identity_check_char

_serial = itertools.count(1)


def person_id(seq: int | None = None, region: str = "210103", birth: str = "20000101") -> str:
    """A valid identity number; without `seq`, a new one each call: the sequence has three
    digits, so the birth date moves on a day every thousand (caps and once-only keys per
    person would otherwise join strangers whose numbers came round again)."""
    if seq is None:
        n = next(_serial)
        seq = n % 1000
        birth = (dt.datetime.strptime(birth, "%Y%m%d") + dt.timedelta(days=n // 1000)).strftime("%Y%m%d")
    body = f"{region}{birth}{seq % 1000:03d}"
    return body + identity_check_char(body)


def credit_code(serial: str | None = None, region: str = "210100") -> str:
    serial = serial or f"MA{next(_serial):07d}"
    body = ("91" + region + serial.ljust(9, "0"))[:17]
    return body + credit_check_char(body)


ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
PII_KEY = "00" * 16 + "11" * 16
SEAL_KEY = "5e" * 32  # an Ed25519 seed for tests; a real one never lives beside the database
CHAIN_KEY = "c4" * 32  # LEDGER_CHAIN_KEY for tests: the MACs of the chain


class Api:
    """A TestClient with a token, speaking the contract's JSON."""

    def __init__(self, client, token: str):
        self.client = client
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, headers: dict | None = None, **params):
        return self.client.get(path, headers=self._headers(headers), params=params or None)

    def post(self, path: str, body: dict | None = None, headers: dict | None = None):
        return self.client.post(path, json={} if body is None else body, headers=self._headers(headers))

    def put(self, path: str, body: dict, headers: dict | None = None):
        return self.client.put(path, json=body, headers=self._headers(headers))

    def delete(self, path: str, headers: dict | None = None):
        return self.client.delete(path, headers=self._headers(headers))


def token_pair() -> tuple[str, str]:
    """A token as its owner makes it (`ledger token new`), and its SHA-256 for an admin."""
    from ledger.domain.users import new_token, token_hash

    token = new_token()
    return token, token_hash(token)


def make_user(admin: Api, name: str, roles: list[str], regions: list[str]) -> Api:
    """A new user, made at once by the bootstrap admin (`admin`) and registered with the
    hash of a token made here, speaking with that token; `.user_id` is its id."""
    token, digest = token_pair()
    r = admin.post("/v1/users", {"name": name, "roles": roles, "regions": regions, "token_sha256": digest})
    assert r.status_code == 201, r.text
    api = Api(admin.client, token)
    api.user_id = r.json()["user_id"]
    return api


def new_user(ledger, admin, name: str, roles: list[str], regions: list[str]) -> tuple[dict, str]:
    """make_user through the Ledger door (`admin`: the bootstrap admin's Actor): the answer
    and the token."""
    token, digest = token_pair()
    body = ledger.create_user(admin, {"name": name, "roles": roles, "regions": regions,
                                      "token_sha256": digest}).body
    return body, token


def job_expansion_claim(region: str = "210100", beneficiary: str | None = None, applicant: str | None = None,
                        application_date: str = "2022-07-15") -> dict:
    return {"program": "job_expansion", "region": region,
            "applicant": {"kind": "enterprise", "id": applicant or credit_code(), "name": "沈阳示例科技有限公司"},
            "beneficiary": {"id": beneficiary or person_id(), "name": "张三"},
            "facts": {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True},
            "application_date": application_date}


def internship_claim(region: str = "210100", term_months: int = 3, application_date: str = "2022-07-15") -> dict:
    return {"program": "internship", "region": region,
            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "见习单位"},
            "beneficiary": {"id": person_id(), "name": "李四"},
            "facts": internship_facts(term_months), "application_date": application_date}


def internship_facts(term_months: int = 3) -> dict:
    """An internship's facts at submission: a graduate who left school in June 2022 (一.3)."""
    return {"term_months": term_months, "intern_category": "graduate_left", "started_on": "2022-07-01",
            "left_school_on": "2022-06-30"}


def parameters_in_force(ledger, program: str, request: dict) -> dict:
    """A parameter change as two national admins put it in force: one proposes (with a
    document and a reason, retroactive where it reaches into the past), another confirms.
    For tests whose subject is not the change itself. Returns the confirmation."""
    from ledger.access import Actor

    proposer = Actor("admin-proposer", "admin who proposes", frozenset({"admin"}), ("000000",))
    confirmer = Actor("admin-confirmer", "admin who confirms", frozenset({"admin"}), ("000000",))
    body = {"document_no": "测试〔2022〕1号", "reason": "a test's parameters", "retroactive": True, **request}
    change = ledger.propose_parameter_change(proposer, program, body).body
    return ledger.confirm_parameter_change(confirmer, program, change["change_id"]).body


def wait_until(condition, timeout_s: float = 10, pause_s: float = 0.01) -> bool:
    """Whether `condition()` held before `timeout_s` (asked once more at the end)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause_s)
    return bool(condition())
