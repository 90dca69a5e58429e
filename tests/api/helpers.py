"""Shared set-ups for the HTTP tests: realistic Liaoning claims, claims driven to a given
status, problem-document checks and a few constants from API.md and DOMAIN.md."""
from __future__ import annotations

from ledger.identifiers import identity_check_char

from ..support import Api, credit_code, job_expansion_claim, person_id

PROBLEM_TYPE = "application/problem+json"
SHENYANG, DALIAN, LIAONING = "210100", "210200", "210000"
APPROVED_ON = "2022-07-16"
PAID_ON = "2022-07-20"


def assert_problem(r, status: int, code: str, field: str | None = None) -> dict:
    """An RFC 9457 problem with the contract's stable code (and the field it names)."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_TYPE), r.headers["content-type"]
    body = r.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys(), body
    assert body["code"] == code, body
    assert body["status"] == status
    if field is not None:
        assert body.get("field") == field, body
    return body


def masked(number: str) -> str:
    return f"{number[:4]}{'*' * 10}{number[-4:]}"


def person_id_ending_in_x(region: str = "210102", birth: str = "19990815") -> str:
    while True:
        number = person_id(region=region, birth=birth)
        if number.endswith("X"):
            return number


def identity_with_birth(birth: str, region: str = "210103", seq: int = 17) -> str:
    """A number whose check character is right, whatever its birth date says."""
    body = f"{region}{birth}{seq:03d}"
    return body + identity_check_char(body)


def skill_certificate_claim(applicant: str | None = None, *, occupation: str = "电工", level: str = "intermediate",
                            certificate_no: str | None = None, region: str = SHENYANG,
                            application_date: str = "2022-07-12", certificate_date: str = "2022-05-20") -> dict:
    return {"program": "skill_certificate", "region": region,
            "applicant": {"kind": "person", "id": applicant or person_id(), "name": "王五"},
            "facts": {"level": level, "occupation": occupation,
                      "certificate_no": certificate_no or f"S2022{person_id()[-6:]}",
                      "certificate_date": certificate_date, "ui_contribution_months": 24,
                      "receiving_ui_benefits": False},
            "application_date": application_date}


def apprenticeship_claim(region: str = SHENYANG, level: str = "advanced", shortage: bool = True) -> dict:
    return {"program": "apprenticeship", "region": region,
            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "鞍钢集团示例有限公司"},
            "beneficiary": {"id": person_id(), "name": "赵六"},
            "facts": {"level": level, "shortage_occupation": shortage, "contract_months": 36,
                      "certificate_no": f"GX{person_id()[-8:]}", "graduation_year": 2020,
                      "diploma_date": "2020-06-30"},
            "application_date": "2022-07-12"}


def submit(clerk: Api, body: dict | None = None) -> dict:
    r = clerk.post("/v1/claims", body or job_expansion_claim())
    assert r.status_code == 201, r.text
    return r.json()


def approve(reviewer: Api, claim_id: str, **extra) -> dict:
    r = reviewer.post(f"/v1/claims/{claim_id}/approve", {"approved_on": APPROVED_ON, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def pay(treasurer: Api, claim_id: str, amount: str, ref: str, kind: str = "settlement") -> dict:
    r = treasurer.post(f"/v1/claims/{claim_id}/payments",
                       {"amount": amount, "kind": kind, "payment_ref": ref, "paid_on": PAID_ON})
    assert r.status_code == 201, r.text
    return r.json()


def approved_job_expansion(staff, **claim) -> dict:
    claim_id = submit(staff.clerk, job_expansion_claim(**claim))["claim_id"]
    return approve(staff.reviewer, claim_id)


def paid_job_expansion(staff, ref: str = "ZF-2022-0001", **claim) -> dict:
    claim_id = approved_job_expansion(staff, **claim)["claim_id"]
    return pay(staff.treasurer, claim_id, "1500.00", ref)


def fund_balance(api: Api, fund_id: str) -> dict:
    r = api.get(f"/v1/funds/{fund_id}")
    assert r.status_code == 200, r.text
    return r.json()["balance"]


def claim_ids(api: Api, **filters) -> list[str]:
    """Every claim the caller can see, walking all pages."""
    ids, cursor = [], None
    while True:
        params = dict(filters, limit=1000)
        if cursor:
            params["cursor"] = cursor
        r = api.get("/v1/claims", **params)
        assert r.status_code == 200, r.text
        ids += [c["claim_id"] for c in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return ids


def big_claim(region: str = SHENYANG) -> dict:
    """A claim entitled to 121,800.00 with half prepayable: an absorption subsidy for a firm
    deferring contributions, 20,300.00 a month × 6 (the internship allowance it once raised is
    bounded at 2,000.00 since the notice's figures are the bounds, DOMAIN.md)."""
    return {"program": "absorption", "region": region,
            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "沈阳示例制造有限公司"},
            "beneficiary": {"id": person_id(), "name": "李四"},
            "facts": {"graduation_year": 2022, "contract_months": 24, "enterprise_size": "small",
                      "employer_monthly_contribution": "20300.00", "contribution_deferred": True},
            "application_date": "2022-07-15"}


def big_internship(client, staff, *, prepay: str = "60900.00") -> dict:
    """A claim in Shenyang entitled to 121,800.00 (big_claim), approved and prepaid."""
    claim = submit(staff.clerk, big_claim())
    assert claim["amounts"]["entitled"] == "121800.00"
    approve(staff.reviewer, claim["claim_id"])
    return pay(staff.treasurer, claim["claim_id"], prepay, "YF-2022-0001", kind="prepayment")
