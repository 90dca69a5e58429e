"""Plumbing shared by every command: the writer, idempotency, clocks and inputs."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Any, Callable
from uuid import UUID

import orjson
from eventsourcing.application import AggregateNotFoundError

from ..application import LedgerApplication
from ..clock import SYSTEM_CLOCK, Clock
from ..domain.ids import idempotency_aggregate_id
from ..domain.records import IdempotencyRecord
from ..errors import (Conflict, IdempotencyMismatch, LedgerError, NotFound, PreconditionFailed, UnauthenticEvent,
                      error_from_record, error_record)
from ..limits import check_date, check_text
from ..pii import PiiProtector
from ..policy.catalog import Catalog, load_catalog
from ..writer import MAX_CACHED_BYTES, Expected, GroupCommitWriter, UnitOfWork
from .dates import DEFAULT_BACKDATE_DAYS, BusinessDates
from .later import DEFERRED, Later

PAGE = 1_000  # stored events read per query when walking the log
WRITE_TIMEOUT_S = 30.0  # a caller waits this long for the writer, then hears `unavailable`
# Refusals not kept under an Idempotency-Key (API.md): those that say "try again" (a retry
# must be able to succeed), and those about who is asking or how, not what: keeping them
# would let any caller, or anyone without a valid token, grow the immutable log.
_NOT_KEPT = ("conflict", "precondition_failed", "unavailable", "too_many_requests", "unauthenticated",
             "forbidden", "payload_too_large", "unsupported_media_type")


@dataclass(frozen=True)
class Idem:
    """An Idempotency-Key with what it is scoped to and the request it came with."""
    key: str
    method: str
    path: str
    body: Any


@dataclass(frozen=True)
class Outcome:
    created: bool
    body: dict


def command(method: Callable) -> Callable:
    """Marks a public command: whatever refusal it gives is kept under its Idempotency-Key."""

    @functools.wraps(method)
    def run(self: "LedgerCore", actor, *args, idem: Idem | None = None, **kwargs):
        try:
            result = method(self, actor, *args, idem=idem, **kwargs)
        except LedgerError as exc:
            if DEFERRED.get():
                return self.keep_refusal_later(actor.user_id, idem, exc)
            raise self.keep_refusal(actor.user_id, idem, exc) from None
        if isinstance(result, Later):
            return result.catch(LedgerError, lambda exc: self.keep_refusal_later(actor.user_id, idem, exc))
        return result

    return run


def parse_date(value: object, *, field: str, default: dt.date | None = None) -> dt.date:
    """A business date (ledger/limits.py: real, YYYY-MM-DD, 2000–2099); left out, `default`
    when one is given (today, for the dates the contract lets a caller leave out)."""
    if value is None and default is not None:
        return default
    return check_date(value, field=field)


require_text = check_text


def _with(expect: Expected, more: UUID) -> Expected:
    if callable(expect):
        return lambda peek: (*expect(peek), more)
    return (*expect, more)


def parse_uuid(value: str, what: str) -> UUID:
    try:
        return UUID(value)
    except (ValueError, TypeError, AttributeError):
        raise NotFound(f"{what} {value!r} not found") from None


class LedgerCore:
    def __init__(self, app: LedgerApplication, pii: PiiProtector, *, catalog: Catalog | None = None,
                 on_commit: Callable[[int], None] | None = None, clock: Clock = SYSTEM_CLOCK,
                 backdate_days: int = DEFAULT_BACKDATE_DAYS, refusals: Any = None,
                 writer_cache_bytes: int = MAX_CACHED_BYTES):
        """`refusals`: where refusals are kept under their idempotency keys (adapters/refusals.py);
        `writer_cache_bytes`: the writer's memory of aggregates (LEDGER_WRITER_CACHE_MB)."""
        self.app = app
        self.clock = clock
        self.backdate_days = backdate_days
        self.pii = pii
        self.catalog = catalog or load_catalog()
        self.writer = GroupCommitWriter(app, on_commit=on_commit, refusals=refusals,
                                        max_cached_bytes=writer_cache_bytes)

    def today(self) -> dt.date:
        """Today in China Standard Time, by the ledger's clock."""
        return self.clock.today()

    def business_dates(self, request: dict) -> BusinessDates:
        """The checker of a command's business dates against today (ledger/service/dates.py)."""
        return BusinessDates(self.today(), self.backdate_days, request)

    def shutdown(self) -> None:
        self.writer.close()

    def stored_events(self, after: int = 0, stop: int | None = None, topics: tuple[str, ...] = (), *,
                      authentic: bool = False) -> Iterator:
        """The stored log in order, as its bytes are kept, page by page. `authentic`: for
        whatever decides or reports on them, each page is checked against the keyed chain
        first (UnauthenticEvent on an event it does not vouch for)."""
        authenticate = getattr(self.app.recorder, "authenticate", None) if authentic else None
        while True:
            page = self.app.recorder.select_notifications(start=after, limit=PAGE, stop=stop, topics=topics,
                                                          inclusive_of_start=False)
            forged = authenticate(page) if authenticate is not None else None
            if forged is not None:
                raise UnauthenticEvent(*forged)
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1].id

    def head_position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def load(self, cls: type, aggregate_id: UUID, what: str) -> Any:
        """The aggregate as stored now (not as the writer holds it in memory)."""
        try:
            aggregate = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"{what} not found") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{what} not found")
        return aggregate

    def _run(self, actor_id: str, idem: Idem | None, command: Callable[[UnitOfWork], Outcome],
             expect: Expected = ()) -> tuple[Outcome, int | None]:
        """Run a command in the writer, with its idempotency record in the same commit.
        `expect`: ids the command will look up (GroupCommitWriter.execute)."""
        record_id = request_hash = None
        if idem is not None:
            scope = f"{actor_id} {idem.method} {idem.path} {idem.key}"
            record_id = idempotency_aggregate_id(hashlib.sha256(scope.encode()).hexdigest())
            canonical = orjson.dumps(idem.body, option=orjson.OPT_SORT_KEYS)
            request_hash = self.pii.keyed_digest(canonical)

        def in_writer(uow: UnitOfWork) -> Outcome | LedgerError:
            if record_id is not None:
                record = uow.find(IdempotencyRecord, record_id)
                # A success is kept in the log with its events; a refusal outside it (and, in
                # stores written before that was so, in the log as well).
                found = (record.request_hash, record.outcome) if record is not None else uow.kept_refusal(record_id)
                if found is not None:
                    if not hmac.compare_digest(found[0], request_hash):
                        return IdempotencyMismatch("this Idempotency-Key was used with another request body")
                    kept = found[1]
                    if "error" in kept:
                        return error_from_record(kept["error"])
                    return Outcome(kept["created"], kept["body"])
            mark = uow.mark()
            try:
                outcome: Outcome | LedgerError = command(uow)
            except LedgerError as exc:
                if uow.changed_since(mark):
                    raise  # the writer discards the half-done command
                outcome = exc
            if record_id is not None and isinstance(outcome, LedgerError):
                if outcome.code not in _NOT_KEPT:
                    # A refusal changes nothing: kept for its key, never as an event.
                    uow.keep_refusal(record_id, request_hash, {"error": error_record(outcome)})
            elif record_id is not None:
                uow.add(IdempotencyRecord(id=record_id, request_hash=request_hash, actor=actor_id,
                                          outcome={"created": outcome.created, "body": outcome.body}))
            return outcome

        if record_id is not None:
            expect = _with(expect, record_id)

        def answer(done: tuple[Any, int | None]) -> tuple[Outcome, int | None]:
            result, position = done
            if isinstance(result, LedgerError):
                result.kept = True
                raise result
            if record_id is not None:
                # The kept outcome is recorded before its commit has a position, and a repeat
                # must answer exactly the original body: keyed answers carry no commit position.
                position = None
            return result, position

        later = Later(self.writer.submit(in_writer, expect=expect, key=record_id).future).then(answer)
        if DEFERRED.get():
            return later  # an asynchronous caller awaits it (ledger/service/later.py)
        return later.wait(WRITE_TIMEOUT_S)

    def keep_refusal_later(self, actor_id: str, idem: Idem | None, exc: LedgerError) -> Any:
        """keep_refusal for an asynchronous caller: raises what the key answers, or returns
        the Later of keeping it."""
        if idem is None or exc.code in _NOT_KEPT or getattr(exc, "kept", False):
            raise exc

        def refuse(uow: UnitOfWork) -> Outcome:
            raise exc

        def unkept(_result: Any) -> Any:
            raise exc

        def kept(refusal: BaseException) -> Any:
            raise refusal

        return self._run(actor_id, idem, refuse).then(unkept).catch(LedgerError, kept)

    def keep_refusal(self, actor_id: str, idem: Idem | None, exc: LedgerError) -> LedgerError:
        """A refusal found before the writer (bad input, a missing role) is kept under its
        Idempotency-Key like any other 4xx; returns what the key now answers."""
        if idem is None or exc.code in _NOT_KEPT or getattr(exc, "kept", False):
            return exc

        def refuse(uow: UnitOfWork) -> Outcome:
            raise exc

        try:
            self._run(actor_id, idem, refuse)
        except LedgerError as kept:
            return kept
        return exc

    @staticmethod
    def check_version(aggregate: Any, if_match: int | None) -> None:
        if if_match is not None and aggregate.version != if_match:
            if if_match < 1:  # api/deps.py: a malformed or weak tag names no version
                raise PreconditionFailed(f"If-Match names no version (send the ETag, e.g. \"{aggregate.version}\", "
                                         "or *): the resource is at version " + str(aggregate.version))
            raise PreconditionFailed(f"the resource is at version {aggregate.version}, not {if_match}")

    @staticmethod
    def conflict_if(condition: bool, detail: str) -> None:
        if condition:
            raise Conflict(detail)
