"""Refusals the domain can give. Each carries a stable `code` that the edges (HTTP, CLI)
translate; the domain never knows about status codes."""
from __future__ import annotations


class LedgerError(Exception):
    code = "error"

    def __init__(self, detail: str, *, field: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field


class ValidationFailed(LedgerError):
    code = "validation_error"


class OutOfBounds(ValidationFailed):
    """A value outside its parameter's bounds (or below its floor): `bound` says which limit
    (`limit`: min, max or floor), its `value`, and its source in English and Chinese with its
    document number, so that a client can say the refusal in Chinese."""

    def __init__(self, detail: str, *, field: str, bound: dict):
        super().__init__(detail, field=field)
        self.bound = bound


class Unauthenticated(LedgerError):
    code = "unauthenticated"


class Forbidden(LedgerError):
    code = "forbidden"


class NotFound(LedgerError):
    code = "not_found"


class InvalidState(LedgerError):
    code = "invalid_state"


class CalendarNotLoaded(InvalidState):
    """A notice would count working days in a year whose holiday schedule nobody loaded
    (409 invalid_state, as the contract says): told apart so the demo can step around it."""


class InsufficientFunds(LedgerError):
    code = "insufficient_funds"


class NotEligible(LedgerError):
    code = "not_eligible"

    def __init__(self, detail: str, *, rule: str, explanation: list[dict] | None = None):
        super().__init__(detail)
        self.rule = rule
        self.explanation = explanation or []


class LimitExceeded(LedgerError):
    code = "limit_exceeded"


class CapReached(LimitExceeded):
    """Nothing remains of a cap across claims; carries the decision's steps, which cite the
    earlier claims that took it."""

    def __init__(self, detail: str, *, rule: str, explanation: list[dict] | None = None):
        super().__init__(detail)
        self.rule = rule
        self.explanation = explanation or []


class Duplicate(LedgerError):
    code = "duplicate"


class Conflict(LedgerError):
    """Concurrent modification, or the same request still in flight: safe to retry."""

    code = "conflict"


class IdempotencyMismatch(LedgerError):
    code = "idempotency_mismatch"


class PeriodClosed(LedgerError):
    code = "period_closed"


class PreconditionFailed(LedgerError):
    code = "precondition_failed"


class TooManyRequests(LedgerError):
    """More commands are queued than the writer takes; the caller should slow down."""

    code = "too_many_requests"

    def __init__(self, detail: str, *, retry_after_s: int = 1):
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class PayloadTooLarge(LedgerError):
    """A body beyond its declared size (ledger/limits.py), refused before it is read."""

    code = "payload_too_large"


class UnsupportedMediaType(LedgerError):
    """A body in a media type or charset the endpoint does not read."""

    code = "unsupported_media_type"


class Unavailable(LedgerError):
    """The store is busy or unreachable; the caller should retry after a pause."""

    code = "unavailable"

    def __init__(self, detail: str, *, retry_after_s: int = 1):
        super().__init__(detail)
        self.retry_after_s = retry_after_s


_BY_CODE = {cls.code: cls for cls in (
    ValidationFailed, Unauthenticated, Forbidden, NotFound, InvalidState, InsufficientFunds, LimitExceeded,
    Duplicate, Conflict, IdempotencyMismatch, PeriodClosed, PreconditionFailed,
)}


def error_from_record(record: dict) -> LedgerError:
    """Rebuild a refusal kept in an idempotency record, to answer a repeat the same way."""
    if record["code"] == NotEligible.code:
        return NotEligible(record["detail"], rule=record.get("rule") or "", explanation=record.get("explanation"))
    if record["code"] == LimitExceeded.code and record.get("explanation") is not None:
        return CapReached(record["detail"], rule=record.get("rule") or "", explanation=record.get("explanation"))
    return _BY_CODE[record["code"]](record["detail"], field=record.get("field"))


def error_record(exc: LedgerError) -> dict:
    record = {"code": exc.code, "detail": exc.detail, "field": exc.field}
    if isinstance(exc, (NotEligible, CapReached)):
        record["rule"] = exc.rule
        record["explanation"] = exc.explanation
    return record


class UnauthenticEvent(Unavailable):
    """A stored event that its chain row and MAC do not vouch for (API.md, "A keyed chain"):
    inserted or rewritten by someone without LEDGER_CHAIN_KEY. It is never used: a command
    that would load it is answered `503` and /readyz raises the alert."""

    def __init__(self, position: int | None, problem: str):
        where = f"position {position}" if position is not None else "an unknown position"
        super().__init__(f"an event this command needs (log {where}) is not vouched for by the keyed chain "
                         f"({problem}): it is not used; operators are alerted (run `ledger verify`)",
                         retry_after_s=60)
        self.position = position
        self.problem = problem
