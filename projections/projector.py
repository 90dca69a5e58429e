"""Turns events into read-model rows. Each row is the contract view of its aggregate as
of the tracked position. A fund's row and a claim's document are patched by each of their
events from the event's own fields (projections/fund_rows.py, projections/claim_rows.py,
both checked against the aggregates by tests), read from the stored JSON without the
library's full decode (projections/event_fields.py); bank statements, users and watch-list
entries are applied with the aggregate's own mutator to the aggregate the projector keeps
in memory, since their documents are views derived from the whole aggregate."""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, DomainEvent, OriginatorVersionError, Snapshot
from eventsourcing.persistence import Notification, PersistenceError, Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from ledger.domain.bank import BankStatement
from ledger.domain.claim import Claim
from ledger.domain.fund import Fund
from ledger.domain.lean import Event as LeanEvent
from ledger.domain.users import User
from ledger.domain.watchlist import WatchListEntry
from ledger.views import event_type, json_bytes, user_view, utc_text

from .backdated import INSERT_BACKDATED, backdated_row
from .claim_rows import ClaimState
from .claim_rows import patch as patch_claim
from .event_fields import EventReader
from .fund_rows import FundState
from .fund_rows import patch as patch_fund
from .movements import day_rows, is_movement, movement_rows
from .notices import UPSERT_NOTICE, UPSERT_WATCHLIST, notice_rows, watchlist_rows
from .reconciliation import ReconciliationRows
from .sql import INSERT_CLAIM_BENEFICIARY, UPSERT_FUND_DAY
from .store import ReadModelQueries

MAX_REMEMBERED_AGGREGATES = 50_000
log = logging.getLogger(__name__)


class ProjectionFault(Exception):
    """An event the projection cannot decode or apply: it will fail the same way every
    time, so the runner stops there instead of retrying, and says where."""

    def __init__(self, position: int, cause: BaseException):
        super().__init__(f"the event at position {position} cannot be projected: {type(cause).__name__}: {cause}")
        self.position = position
        self.cause = cause


def _event_topics(*aggregates: type) -> tuple[str, ...]:
    return tuple(sorted({get_topic(value) for cls in aggregates for value in vars(cls).values()
                         if isinstance(value, type) and issubclass(value, (DomainEvent, LeanEvent))
                         and not issubclass(value, Snapshot)}))


def _follows(version: int, domain_event: Any) -> None:
    """A patch applies only to the version just before the event's, as the aggregate's own
    mutator insists: an event that skips one (a log written by a broken writer) cannot be
    applied, and the projection stops there instead of patching over the gap."""
    if version != domain_event.originator_version - 1:
        raise OriginatorVersionError(f"event version {domain_event.originator_version} does not follow "
                                     f"version {version} of {domain_event.originator_id}")


class LedgerProjection(Projection[ReadModelQueries]):
    name = "ledger_views"
    # Only these aggregates have read models; the log's other events (uniqueness keys,
    # idempotency records, credentials, seals, the parties' watches) are skipped by the
    # store's query, never decoded.
    topics = _event_topics(Fund, Claim, BankStatement, User, WatchListEntry)

    def __init__(self, view: ReadModelQueries, app: Application):
        super().__init__(view)
        self._app = app
        self._reader = EventReader(app.mapper)
        self._known: OrderedDict[UUID, Aggregate] = OrderedDict()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.process_batch([(self._reader.of_event(domain_event), tracking.notification_id)], tracking)

    def process_notifications(self, notifications: Sequence[Notification], tracking: Tracking) -> int:
        """Project a batch of stored events in one transaction, with `tracking` (the log position
        the batch covers, which may lie beyond its last event); returns that position."""
        read = self._reader.read
        batch = []
        for n in notifications:
            try:
                batch.append((read(n), n.id))
            except Exception as exc:
                raise ProjectionFault(n.id, exc) from exc
        return self.process_batch(batch, tracking)

    def process_batch(self, batch: Sequence[tuple[Any, int]], tracking: Tracking) -> int:
        """`batch`: (event, position) pairs, as EventReader.read gives the events."""
        funds: dict[UUID, tuple[FundState, int]] = {}
        claims: dict[UUID, tuple[ClaimState, int, int]] = {}
        claim_events: list[tuple] = []
        users: dict[UUID, tuple[User, int, int]] = {}
        watchlist: dict[UUID, tuple[WatchListEntry, int, int]] = {}
        fund_history: list[tuple] = []
        movements: list[tuple[Any, int, str]] = []
        reconciliation = ReconciliationRows()
        backdated: list[tuple] = []
        try:
            for domain_event, position in batch:
                try:
                    aggregate = self._project_one(domain_event, position, funds, claims, claim_events, users,
                                                  fund_history, movements, reconciliation, watchlist)
                    row = backdated_row(domain_event, aggregate, position) if aggregate is not None else None
                    if row is not None:
                        backdated.append(row)
                except (PersistenceError, OSError):
                    raise  # loading an aggregate from the store: worth another try
                except Exception as exc:
                    raise ProjectionFault(position, exc) from exc
            user_rows = [self._user_row(u, first, p) for u, first, p in users.values()]
            fund_movements = movement_rows(movements, self._recorded_times)
            self.view.write_batch(
                [f.row(p) for f, p in funds.values()],
                [self._claim_row(c, first, p) for c, first, p in claims.values()],
                claim_events,
                tracking,
                fund_history=fund_history,
                fund_movements=fund_movements,
                statements=[(UPSERT_FUND_DAY, day_rows(fund_movements)), *reconciliation.statements(),
                            (UPSERT_NOTICE, notice_rows([(c, p) for c, _, p in claims.values()])),
                            (UPSERT_WATCHLIST, watchlist_rows(list(watchlist.values()))),
                            (INSERT_BACKDATED, backdated),
                            (INSERT_CLAIM_BENEFICIARY, [(str(c.id), c.beneficiary_ref) for c, _, _ in claims.values()
                                                        if c.beneficiary_ref])],
                users=user_rows,
                user_regions=[(str(u.id), region) for u, _, _ in users.values() for region in u.regions],
            )
        except BaseException:
            # Memory may be ahead of what was written: start again from the store.
            self._known.clear()
            raise
        return tracking.notification_id

    def _project_one(self, domain_event, position: int, funds, claims, claim_events, users, fund_history,
                     movements, reconciliation, watchlist) -> Aggregate | None:
        """Projects one event; returns what it changed as it stands after it: the aggregate, or
        the state of a fund's or a claim's row (each has the id, region and fund code a
        backdated entry's row takes)."""
        topic_class = domain_event.__class__.__qualname__.split(".")[0]
        if topic_class == "Fund":
            fund = self._fund(domain_event)
            funds[domain_event.originator_id] = (fund, position)
            # The fund as it stood after this event (a tuple now: the state moves on).
            fund_history.append((*fund.row(position), event_type(domain_event)))
            if is_movement(domain_event):
                movements.append((domain_event, position, fund.fund_code))
            reconciliation.fund_event(domain_event, fund.fund_code, position)
            return fund
        elif topic_class == "BankStatement":
            statement = self._apply(domain_event)
            reconciliation.statement_event(domain_event, statement, position)
            if event_type(domain_event) == "LinesMatched":
                # An import's last event: a statement (up to 100,000 lines) is not kept for a
                # later re-import, which loads it again.
                self._known.pop(statement.id, None)
            return statement
        elif topic_class == "Claim":
            claim = self._claim(domain_event, claims)
            # A row keeps the position of the claim's first event as its list order.
            first = claims.get(claim.id, (None, position))[1]
            claims[claim.id] = (claim, first, position)
            data = domain_event.data()
            claim_events.append((
                str(claim.id), domain_event.originator_version, position,
                event_type(domain_event), domain_event.timestamp, data.get("actor"),
                json_bytes(data).decode()))
            return claim
        elif topic_class == "User":
            user = self._apply(domain_event)
            users[user.id] = (user, users.get(user.id, (None, position))[1], position)
            return user
        elif topic_class == "WatchListEntry":
            entry = self._apply(domain_event)
            watchlist[entry.id] = (entry, watchlist.get(entry.id, (None, position))[1], position)
            return entry
        return None

    def _fund(self, domain_event: Any) -> FundState:
        """The fund's row state after this event, patched from the event's own fields
        (projections/fund_rows.py); the aggregate is loaded only for a fund not in memory
        and for an event type without a patch."""
        fund_id, version = domain_event.originator_id, domain_event.originator_version
        state = self._known.get(fund_id)
        if state is not None and (type(state) is not FundState or state.version != version - 1):
            state = None  # remembered from another pass over the log (a rebuild): not this event's
        if version == 1:
            state = FundState.opened(domain_event)
        else:
            if state is None:
                state = FundState.of(self._app.repository.get(fund_id, version=version - 1))
            _follows(state.version, domain_event)
            if not patch_fund(state, domain_event):
                state = FundState.of(domain_event.domain_event().mutate(
                    self._app.repository.get(fund_id, version=version - 1)))
        self._remember(fund_id, state)
        return state

    def _claim(self, domain_event: Any, batch: dict) -> ClaimState:
        """The claim's document state after this event, patched from the event's own fields
        (projections/claim_rows.py). A claim not in memory (a live projection after a restart,
        or one forgotten among more than MAX_REMEMBERED_AGGREGATES) is taken from its stored
        row, which the batches before this one wrote with their tracking position; the
        aggregate is loaded only for an event type without a patch."""
        claim_id, version = domain_event.originator_id, domain_event.originator_version
        if type(domain_event).__name__ == "Submitted":
            state = ClaimState.submitted(domain_event)
        else:
            state = batch[claim_id][0] if claim_id in batch else self._known.get(claim_id)
            if state is not None and (type(state) is not ClaimState or state.version != version - 1):
                state = None  # remembered from another pass over the log (a rebuild): not this event's
            if state is None:
                state = self._stored_claim(claim_id, version - 1)
            _follows(state.version, domain_event)
            if not patch_claim(state, domain_event):
                state = ClaimState.of(domain_event.domain_event().mutate(
                    self._app.repository.get(claim_id, version=version - 1)))
        self._remember(claim_id, state)
        return state

    def _stored_claim(self, claim_id: UUID, version: int) -> ClaimState:
        """The claim as of `version` from its stored row. Rows are written with their tracking
        position, so the row of a claim whose earlier events were projected is at that
        version; one that is not (a read model changed behind the projection's back) is
        logged and the aggregate decides, as it did before claims were patched."""
        row = self.view.claim_state_row(str(claim_id))
        if row is None or row["version"] != version:
            log.warning("claim %s: the read model holds version %s, the projection expected %s; loading the aggregate",
                        claim_id, row and row["version"], version)
            return ClaimState.of(self._app.repository.get(claim_id, version=version))
        return ClaimState.from_row(row["doc"], row["applicant_ref"],
                                   lambda: self.view.clawback_confirmations(str(claim_id)))

    def _remember(self, aggregate_id: UUID, state: Any) -> None:
        self._known[aggregate_id] = state
        self._known.move_to_end(aggregate_id)
        if len(self._known) > MAX_REMEMBERED_AGGREGATES:
            self._known.popitem(last=False)

    def _recorded_times(self, positions: list[int]) -> dict[int, str]:
        """The chain's recorded times of these positions: one query per batch."""
        return {position: utc_text(moment) for position, moment in self._app.recorder.recorded_at(positions).items()}

    def _apply(self, domain_event: Any) -> Aggregate:
        aggregate_id = domain_event.originator_id
        aggregate = self._known.get(aggregate_id)
        if aggregate is not None and aggregate.version != domain_event.originator_version - 1:
            aggregate = None  # remembered from another pass over the log (a rebuild): not this event's
        if aggregate is None and domain_event.originator_version > 1:
            aggregate = self._app.repository.get(aggregate_id, version=domain_event.originator_version - 1)
        aggregate = domain_event.mutate(aggregate)
        self._remember(aggregate_id, aggregate)
        return aggregate

    @staticmethod
    def _user_row(user: User, first_position: int, position: int) -> tuple:
        return (str(user.id), " " + " ".join(user.roles) + " ", 1 if user.active else 0, first_position, position,
                json_bytes(user_view(user)).decode())

    @staticmethod
    def _claim_row(claim: ClaimState, first_position: int, position: int) -> tuple:
        return (str(claim.id), claim.program, claim.region, claim.status, claim.applicant_ref, claim.fund_code,
                claim.submitted_at, first_position, position, claim.version, json_bytes(claim.doc()).decode(),
                claim.entitled_fen)
