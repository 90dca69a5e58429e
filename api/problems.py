"""RFC 9457 problem documents, one per ledger refusal code."""
from __future__ import annotations

from .jsonresponse import JSONResponse as ORJSONResponse

from ledger.errors import CapReached, LedgerError, NotEligible, OutOfBounds, TooManyRequests, Unavailable
from ledger.identifiers import mask_identity_numbers

STATUS = {
    "validation_error": 422, "unauthenticated": 401, "forbidden": 403, "not_found": 404,
    "invalid_state": 409, "insufficient_funds": 409, "not_eligible": 422, "limit_exceeded": 409,
    "duplicate": 409, "conflict": 409, "idempotency_mismatch": 422, "period_closed": 409,
    "precondition_failed": 412, "too_many_requests": 429, "unavailable": 503, "payload_too_large": 413,
    "unsupported_media_type": 415,
}
TITLES = {
    "validation_error": "Invalid input", "unauthenticated": "Not authenticated", "forbidden": "Forbidden",
    "not_found": "Not found", "invalid_state": "Not allowed in the current state",
    "insufficient_funds": "Insufficient funds", "not_eligible": "Not eligible", "limit_exceeded": "Limit exceeded",
    "duplicate": "Duplicate", "conflict": "Conflict", "idempotency_mismatch": "Idempotency key reused",
    "period_closed": "Period closed", "precondition_failed": "Precondition failed",
    "too_many_requests": "Too many requests", "unavailable": "Service unavailable",
    "payload_too_large": "Payload too large", "unsupported_media_type": "Unsupported media type",
}


def problem(code: str, detail: str, *, field: str | None = None, extra: dict | None = None,
            headers: dict | None = None, status: int | None = None) -> ORJSONResponse:
    status = status or STATUS[code]
    # A detail may echo what the caller sent; no answer carries an identity number in clear.
    body = {"type": f"https://subsidy-ledger.example/problems/{code}", "title": TITLES.get(code, code), "status": status,
            "detail": mask_identity_numbers(detail), "code": code}
    if field:
        body["field"] = field
    if extra:
        body.update(extra)
    return ORJSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def problem_from_error(exc: LedgerError) -> ORJSONResponse:
    extra, headers = None, None
    if isinstance(exc, (NotEligible, CapReached)):
        extra = {"rule": exc.rule, "entitlement_explanation": exc.explanation}
    if isinstance(exc, OutOfBounds):
        # The limit and its Chinese source: the English detail says them for the log.
        extra = {"bound": exc.bound}
    if isinstance(exc, (Unavailable, TooManyRequests)):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return problem(exc.code, exc.detail, field=exc.field, extra=extra, headers=headers)
