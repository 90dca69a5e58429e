"""Who may call each write route, checked before its body is read (API.md, "Refusals are
not the log's business"): a caller whose roles cannot use a route is `403` whatever it
sends, so no body of such a caller is parsed, validated or kept under its Idempotency-Key.

The ledger checks roles (and regions, maker-checker, ...) again in each command: this table
only puts the answer first. Routes whose allowed callers depend on more than a role (one's
own tokens: any role; another's: admin) are left to the command. Every other write route
has a line here (tests/api/test_roles_before_bodies.py holds it to the authorization matrix)."""
from __future__ import annotations

from ledger.service.audit import READ_AUDIT

ADMIN = ("admin",)
TREASURER = ("treasurer",)
CLERK = ("clerk",)
REVIEWER = ("reviewer",)

ROUTE_ROLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/v1/users"): ADMIN,
    ("POST", "/v1/users/{user_id}/deactivate"): ADMIN,
    ("POST", "/v1/users/{user_id}/reactivate"): ADMIN,
    ("POST", "/v1/users/{user_id}/roles"): ADMIN,
    ("POST", "/v1/users/changes/{change_id}/confirm"): ADMIN,
    ("POST", "/v1/users/changes/{change_id}/reject"): ADMIN,
    ("POST", "/v1/funds"): TREASURER,
    ("POST", "/v1/funds/{fund_id}/allocations"): TREASURER,
    ("POST", "/v1/fund-transfers"): TREASURER,
    ("PUT", "/v1/programs/{code}/parameters"): ADMIN,
    ("POST", "/v1/programs/{code}/parameter-changes/{change_id}/confirm"): ADMIN,
    ("POST", "/v1/programs/{code}/parameter-changes/{change_id}/reject"): ADMIN,
    ("POST", "/v1/claims"): CLERK,
    ("POST", "/v1/claims/{claim_id}/approve"): REVIEWER,
    ("POST", "/v1/claims/{claim_id}/reject"): REVIEWER,
    ("POST", "/v1/claims/{claim_id}/withdraw"): CLERK,
    ("POST", "/v1/claims/{claim_id}/facts"): CLERK,
    ("POST", "/v1/claims/{claim_id}/payments"): TREASURER,
    ("POST", "/v1/claims/{claim_id}/payments/{payment_ref}/return"): TREASURER,
    ("POST", "/v1/claims/{claim_id}/close"): REVIEWER,
    ("POST", "/v1/claims/{claim_id}/clawbacks"): REVIEWER,
    ("POST", "/v1/claims/{claim_id}/clawbacks/{clawback_id}/confirm"): REVIEWER,
    ("POST", "/v1/claims/{claim_id}/recoveries"): TREASURER,
    ("POST", "/v1/claims/{claim_id}/objections"): ("clerk", "reviewer"),
    ("POST", "/v1/claims/{claim_id}/objections/{objection_id}/resolve"): REVIEWER,
    ("POST", "/v1/audit/seals"): READ_AUDIT,
    ("POST", "/v1/bank-statements"): TREASURER,
    ("POST", "/v1/periods/{fund_id}/{month}/close"): TREASURER,
    ("POST", "/v1/periods/{fund_id}/{month}/reopen"): TREASURER,
    ("POST", "/v1/periods/{fund_id}/{month}/reopen/{change_id}/confirm"): ("treasurer", "admin"),
    ("POST", "/v1/watchlist"): ADMIN,
    ("POST", "/v1/watchlist/{entry_id}/lift"): ADMIN,
    ("PUT", "/v1/holiday-calendar/{year}"): ADMIN,
    ("POST", "/v1/holiday-calendar/{year}/changes/{change_id}/confirm"): ADMIN,
    ("POST", "/v1/holiday-calendar/{year}/changes/{change_id}/reject"): ADMIN,
}

# Write routes whose callers a role alone does not decide: the command does.
DECIDED_BY_THE_COMMAND = frozenset({
    ("POST", "/v1/users/{user_id}/tokens"),
    ("DELETE", "/v1/users/{user_id}/tokens/{token_id}"),
})


def roles_of(methods, path: str) -> tuple[str, ...] | None:
    """The roles that may call a route (None: any caller the gate let through)."""
    for method in methods or ():
        roles = ROUTE_ROLES.get((method, path))
        if roles is not None:
            return roles
    return None
