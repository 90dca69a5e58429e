"""The authorization matrix, derived from the application's routes: every route × role ×
in-region / out-of-region / national caller × no, bad, expired, revoked token and
deactivated user. Each route's expected outcome is one line of ROUTES; a route the
application serves that is missing from it fails the suite (deny by default).

A cell "passes authorization" when the answer is neither 401 nor 403: what the command then
does (201, 409 for a state it no longer applies in, ...) is other tests' business."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from api.routes import all_routes
from api.throttle import Throttle

from ..conftest import open_fund
from ..support import Api, internship_claim, job_expansion_claim, make_user, person_id
from .helpers import APPROVED_ON, PAID_ON, approve, pay, submit

ROLES = ("admin", "clerk", "reviewer", "treasurer", "auditor")
READ_CLAIMS = {"clerk", "reviewer", "treasurer", "auditor", "admin"}
READ_FUNDS = {"reviewer", "treasurer", "auditor", "admin"}
READ_REPORTS = {"treasurer", "auditor", "admin"}
AUDIT = {"auditor", "admin"}
IN, OUT, NATION = "210100", "210200", "000000"
UNKNOWN = "00000000-0000-4000-8000-000000000000"  # an item that is not there: 404 once authorized


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | None        # None: public, no token needed
    scoped: bool = True                 # a caller whose regions miss the resource's is 403


def rule(roles, scoped=True) -> Rule:
    return Rule(frozenset(roles), scoped)


PUBLIC = Rule(None, False)
# The one table: who may call each route (API.md, Authentication and roles).
ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): PUBLIC, ("GET", "/readyz"): PUBLIC, ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC, ("GET", "/docs/oauth2-redirect"): PUBLIC, ("GET", "/redoc"): PUBLIC,
    ("GET", "/"): PUBLIC,  # the dashboard's shell (api/dashboard); its assets are a mount under /assets
    # ReDoc's bundle, served by a route of its own under /assets (its CDN logo blanked): public as the mount is.
    ("GET", "/assets/redoc/redoc.standalone.js"): PUBLIC,
    ("GET", "/metrics"): rule(ROLES, scoped=False),
    ("POST", "/v1/users"): rule({"admin"}),
    ("GET", "/v1/users/me"): rule(ROLES, scoped=False),
    ("GET", "/v1/users"): rule({"admin"}, scoped=False),
    ("GET", "/v1/users/{user_id}"): rule({"admin"}),
    ("POST", "/v1/users/{user_id}/tokens"): rule({"admin"}),
    ("DELETE", "/v1/users/{user_id}/tokens/{token_id}"): rule({"admin"}),
    ("POST", "/v1/users/{user_id}/deactivate"): rule({"admin"}),
    ("POST", "/v1/funds"): rule({"treasurer"}),
    ("POST", "/v1/funds/{fund_id}/allocations"): rule({"treasurer"}),
    ("POST", "/v1/fund-transfers"): rule({"treasurer"}),
    ("GET", "/v1/funds"): rule(READ_FUNDS, scoped=False),
    ("GET", "/v1/funds/{fund_id}"): rule(READ_FUNDS),
    ("GET", "/v1/funds/{fund_id}/movements"): rule(READ_FUNDS),
    ("GET", "/v1/programs"): rule(ROLES, scoped=False),
    ("GET", "/v1/programs/{code}"): rule(ROLES, scoped=False),
    ("PUT", "/v1/programs/{code}/parameters"): rule({"admin"}),
    ("GET", "/v1/programs/{code}/parameter-versions"): rule(ROLES, scoped=False),
    ("GET", "/v1/programs/{code}/parameter-changes"): rule(ROLES, scoped=False),
    ("POST", "/v1/programs/{code}/parameter-changes/{change_id}/confirm"): rule({"admin"}),
    ("POST", "/v1/programs/{code}/parameter-changes/{change_id}/reject"): rule({"admin"}),
    ("POST", "/v1/claims"): rule({"clerk"}),
    ("POST", "/v1/claims/{claim_id}/approve"): rule({"reviewer"}),
    ("POST", "/v1/claims/{claim_id}/reject"): rule({"reviewer"}),
    ("POST", "/v1/claims/{claim_id}/withdraw"): rule({"clerk"}),
    ("POST", "/v1/claims/{claim_id}/facts"): rule({"clerk"}),
    ("POST", "/v1/claims/{claim_id}/payments"): rule({"treasurer"}),
    ("POST", "/v1/claims/{claim_id}/payments/{payment_ref}/return"): rule({"treasurer"}),
    ("POST", "/v1/claims/{claim_id}/close"): rule({"reviewer"}),
    ("POST", "/v1/claims/{claim_id}/clawbacks"): rule({"reviewer"}),
    ("POST", "/v1/claims/{claim_id}/clawbacks/{clawback_id}/confirm"): rule({"reviewer"}),
    ("POST", "/v1/claims/{claim_id}/recoveries"): rule({"treasurer"}),
    ("GET", "/v1/claims/{claim_id}"): rule(READ_CLAIMS),
    ("GET", "/v1/claims/{claim_id}/events"): rule(READ_CLAIMS),
    ("GET", "/v1/claims"): rule(READ_CLAIMS, scoped=False),
    ("GET", "/v1/audit/events"): rule(AUDIT, scoped=False),
    ("GET", "/v1/audit/verify"): rule(AUDIT, scoped=False),
    ("GET", "/v1/audit/seals/latest"): rule(AUDIT, scoped=False),
    ("POST", "/v1/audit/seals"): rule(AUDIT, scoped=False),
    ("GET", "/v1/reports/fund-usage"): rule(READ_REPORTS),
    ("GET", "/v1/reports/program-usage"): rule(READ_REPORTS),
    ("GET", "/v1/reports/payees"): rule(READ_REPORTS),
    ("POST", "/v1/bank-statements"): rule({"treasurer"}),
    ("GET", "/v1/reconciliation"): rule(READ_REPORTS),
    ("POST", "/v1/periods/{fund_id}/{month}/close"): rule({"treasurer"}),
    ("POST", "/v1/claims/{claim_id}/objections"): rule({"clerk", "reviewer"}),
    ("POST", "/v1/claims/{claim_id}/objections/{objection_id}/resolve"): rule({"reviewer"}),
    # The watch list is the province's, not a region's: any admin writes, admins and auditors read.
    ("POST", "/v1/watchlist"): rule({"admin"}, scoped=False),
    ("POST", "/v1/watchlist/{entry_id}/lift"): rule({"admin"}, scoped=False),
    ("GET", "/v1/watchlist"): rule(AUDIT, scoped=False),
}


def served_routes(app) -> set[tuple[str, str]]:
    return {(method, route.path) for route in all_routes(app) for method in (getattr(route, "methods", None) or ())
            if method != "HEAD"}


def test_every_route_has_a_line_in_the_table(client):
    """Deny by default: a new route without its line here fails until someone decides who
    may call it."""
    served = served_routes(client.app)
    assert served - ROUTES.keys() == set(), "routes missing from the authorization matrix"
    assert ROUTES.keys() - served == set(), "lines for routes the application no longer serves"


class World:
    """Shenyang (210100) resources each route can be called on, made by staff who are
    not among the callers under test (so maker-checker never decides a cell)."""

    def __init__(self, client, admin: Api, staff):
        self.staff = staff
        self.ui = open_fund(staff.treasurer, "unemployment_insurance", IN, "500000.00")
        self.es = open_fund(staff.treasurer, "employment_subsidy", IN, "500000.00")
        open_fund(staff.treasurer, "employment_subsidy", "210000", "1000.00")
        self.submitted = submit(staff.clerk)["claim_id"]
        paid = submit(staff.clerk, internship_claim(term_months=3))["claim_id"]
        approve(staff.reviewer, paid)
        pay(staff.treasurer, paid, "1725.00", "YF-M-1", kind="prepayment")
        self.paid = paid
        r = staff.reviewer.post(f"/v1/claims/{paid}/clawbacks", {"amount": "100.00", "reason": "多付"})
        assert r.status_code == 201, r.text
        self.clawback = r.json()["clawback_id"]
        target = admin.post("/v1/users", {"name": "target", "roles": ["clerk"], "regions": [IN]})
        self.target, self.target_token = target.json()["user_id"], target.json()["token_id"]
        r = admin.put("/v1/programs/job_expansion/parameters", {
            "region": IN, "effective_from": "2030-01-01", "values": {"per_hire": "1300.00"},
            "document_no": "沈人社2", "reason": "调整"})
        assert r.status_code == 202, r.text
        self.change = r.json()["change_id"]

    def request(self, method: str, path: str) -> tuple[str, dict, object]:
        """(path, query, JSON body) of a well-formed call of the route on Shenyang's resources."""
        c, f = self.paid, self.es
        july = {"from": "2022-07-01", "to": "2022-07-31"}
        calls = {
            "/v1/users": ({}, {"name": "新人", "roles": ["clerk"], "regions": [IN]}),
            "/v1/users/{user_id}/tokens": ({}, {}),
            "/v1/users/{user_id}/deactivate": ({}, {"reason": "离职"}),
            "/v1/funds": ({}, {"fund_type": "skill_upgrade_account", "region": IN}),
            "/v1/funds/{fund_id}/allocations": ({}, {"amount": "1.00", "source": "municipal", "document_no": "沈1",
                                                     "effective_date": "2022-07-01"}),
            "/v1/fund-transfers": ({}, {"from_fund": f, "to_fund": "employment_subsidy:210000", "amount": "1.00",
                                        "document_no": "上解", "effective_date": "2022-07-02"}),
            "/v1/programs/{code}/parameters": ({}, {"region": IN, "effective_from": "2030-01-01",
                                                    "values": {"per_hire": "1400.00"}, "document_no": "沈人社1",
                                                    "reason": "调整"}),
            "/v1/programs/{code}/parameter-changes/{change_id}/reject": ({}, {"reason": "不采纳"}),
            "/v1/claims": ({}, job_expansion_claim()),
            "/v1/claims/{claim_id}/approve": ({}, {"approved_on": APPROVED_ON}),
            "/v1/claims/{claim_id}/reject": ({}, {"reason": "不符"}),
            "/v1/claims/{claim_id}/withdraw": ({}, {"reason": "撤回"}),
            "/v1/claims/{claim_id}/facts": ({}, {"facts": {"months_served": 3}}),
            "/v1/claims/{claim_id}/payments": ({}, {"amount": "1.00", "kind": "settlement", "payment_ref": "ZF-M",
                                                    "paid_on": PAID_ON}),
            "/v1/claims/{claim_id}/payments/{payment_ref}/return": ({}, {"reason": "退票", "returned_on": PAID_ON}),
            "/v1/claims/{claim_id}/close": ({}, {"reason": "结案"}),
            "/v1/claims/{claim_id}/clawbacks": ({}, {"amount": "1.00", "reason": "追回"}),
            "/v1/claims/{claim_id}/clawbacks/{clawback_id}/confirm": ({}, {}),
            "/v1/claims/{claim_id}/recoveries": ({}, {"amount": "1.00", "reference": "HK-M",
                                                      "received_on": "2022-08-01"}),
            "/v1/audit/seals": ({}, {}),
            "/v1/reports/fund-usage": ({"fund_id": f, **july}, None),
            "/v1/reports/program-usage": ({"program": "internship", "region": IN, **july}, None),
            "/v1/reports/payees": ({"fund_id": f, **july}, None),
            "/v1/bank-statements": ({}, {"fund_id": f, "csv": "date,amount,direction\n2022-07-20,1.00,credit\n"}),
            "/v1/reconciliation": ({"fund_id": f, **july}, None),
            "/v1/periods/{fund_id}/{month}/close": ({}, {"override_reason": "测试"}),
            "/v1/claims/{claim_id}/objections": ({}, {"reason": "异议", "received_on": PAID_ON}),
            "/v1/claims/{claim_id}/objections/{objection_id}/resolve": ({}, {"outcome": "dismissed",
                                                                             "reason": "驳回"}),
            "/v1/watchlist": ({}, {"party_id": person_id(), "reason": "骗取补贴", "document_no": "沈失信1",
                                   "listed_from": "2022-07-01"}),
            "/v1/watchlist/{entry_id}/lift": ({}, {"reason": "整改", "document_no": "沈失信2",
                                                   "lifted_on": "2022-08-01"}),
        }
        query, body = calls.get(path, ({}, None))
        if method in ("POST", "PUT") and body is None:
            body = {}
        concrete = (path.replace("{user_id}", self.target).replace("{token_id}", self.target_token)
                    .replace("{fund_id}", f).replace("{code}", "job_expansion").replace("{claim_id}", c)
                    .replace("{payment_ref}", "YF-M-1").replace("{clawback_id}", self.clawback)
                    .replace("{month}", "2022-01").replace("{change_id}", self.change)
                    .replace("{objection_id}", UNKNOWN).replace("{entry_id}", UNKNOWN))
        if path == "/v1/claims/{claim_id}/approve":
            concrete = concrete.replace(c, self.submitted)
        return concrete, query, body


def call(client, token: str | None, method: str, path: str, query: dict, body):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.request(method, path, params=query or None, json=body, headers=headers)


@pytest.fixture
def world(client, admin, staff):
    return World(client, admin, staff)


@pytest.mark.slow
def test_every_route_by_role_and_region(client, admin, world):
    callers = {(role, scope): make_user(admin, f"{role} {scope}", [role], [scope])
               for role in ROLES for scope in (IN, OUT, NATION)}
    failures = []
    for (method, path), expected in sorted(ROUTES.items()):
        concrete, query, body = world.request(method, path)
        for (role, scope), caller in callers.items():
            r = call(client, caller.token, method, concrete, query, body)
            allowed = expected.roles is None or role in expected.roles
            if allowed and expected.scoped and scope == OUT:
                allowed = False
            refused = r.status_code in (401, 403)
            if allowed == refused or (refused and r.status_code == 401):
                failures.append(f"{method} {path} as {role}@{scope}: {r.status_code} {r.text[:160]}")
    assert not failures, "\n".join(failures)


def test_every_route_refuses_missing_bad_expired_revoked_and_deactivated_tokens(client, admin, world):
    # Hundreds of failed authentications from one client: throttling (its own test) aside.
    client.app.state.throttle = Throttle(100_000, None)
    ledger = client.app.state.runtime.ledger
    real_now = ledger.now
    ledger.now = lambda: real_now() - dt.timedelta(days=400)     # issued long ago: expired today
    expired = make_user(admin, "expired", list(ROLES), [NATION]).token
    ledger.now = real_now
    revoked_user = make_user(admin, "revoked", list(ROLES), [NATION])
    token_id = admin.get(f"/v1/users/{revoked_user.user_id}").json()["tokens"][0]["token_id"]
    assert admin.client.delete(f"/v1/users/{revoked_user.user_id}/tokens/{token_id}",
                               headers=admin._headers(None)).status_code == 204
    deactivated = make_user(admin, "deactivated", list(ROLES), [NATION])
    assert admin.post(f"/v1/users/{deactivated.user_id}/deactivate", {"reason": "离职"}).status_code == 200
    tokens = {"none": None, "bad": "not-a-token-0123456789abcdef0123456789", "expired": expired,
              "revoked": revoked_user.token, "deactivated": deactivated.token}
    failures = []
    for (method, path), expected in sorted(ROUTES.items()):
        concrete, query, body = world.request(method, path)
        for name, token in tokens.items():
            r = call(client, token, method, concrete, query, body)
            if expected.roles is None:
                if r.status_code in (401, 403):
                    failures.append(f"{method} {path} is public but {name} got {r.status_code}")
            elif r.status_code != 401 or r.json().get("code") != "unauthenticated":
                failures.append(f"{method} {path} with a {name} token: {r.status_code} {r.text[:120]}")
    assert not failures, "\n".join(failures)


def test_ones_own_tokens_are_any_users(client, admin):
    for role in ROLES:
        me = make_user(admin, f"self {role}", [role], [OUT])
        r = me.post("/v1/users/me/tokens", {})
        assert r.status_code == 201, (role, r.text)
        fresh = Api(client, r.json()["token"])
        token_id = r.json()["token_id"]
        assert client.delete(f"/v1/users/me/tokens/{token_id}", headers=me._headers(None)).status_code == 204
        assert fresh.get("/v1/users/me").status_code == 401
