"""Keeps the read models current: catches up at start-up, then follows new events, woken
at once by this process's writer and, on PostgreSQL, by other processes' commits
(adapters/wakeups.py), polling briefly in case a wakeup is missed."""
from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import InterfaceError, OperationalError, Tracking

from ledger.errors import UnauthenticEvent

from .lag import LagMeter
from .projector import LedgerProjection, ProjectionFault

log = logging.getLogger(__name__)

BATCH_EVENTS = 2_000
IDLE_POLL_S = 0.05
STANDBY_POLL_S = 1.0
ERROR_BACKOFF_S = 1.0
# A batch that fails for a reason other than a store that is away is tried this many times,
# then event by event, so the event at fault is named and everything before it projected.
ATTEMPTS_BEFORE_ONE_BY_ONE = 2
ATTEMPTS_OF_ONE_EVENT = 3
# The store being away (a dropped connection, a full pool) is always worth another try.
TRANSIENT = (OperationalError, InterfaceError, OSError)


class Election(Protocol):
    def try_lead(self) -> bool: ...
    def resign(self) -> None: ...


class Wakeups(Protocol):
    """Tells the runner of other processes' commits (adapters/wakeups.py)."""

    def start(self, wake) -> None: ...  # wake(position | None)
    def stop(self) -> None: ...


class ProjectionRunner:
    def __init__(self, app: Application, projection: LedgerProjection, *, election: Election | None = None,
                 batch_events: int = BATCH_EVENTS, shared_head=None, wakeups: Wakeups | None = None):
        self.app = app
        self.projection = projection
        self.view = projection.view
        self._election = election
        self._batch_events = batch_events
        # adapters/head.py: where the leader tells this host's processes how far it has got.
        self._shared_head = shared_head
        self._wakeups = wakeups
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._progress = threading.Condition()
        self._thread: threading.Thread | None = None
        self.position = self.view.max_tracking_id(app.name) or 0
        self.position_before_last_step = self.position
        self.leading = False
        self.last_error: str | None = None
        # Set when an event cannot be projected: the position it stopped at and why. The
        # projection then stays stopped (a restart after a fix resumes it): reads answer 503
        # at once and /readyz raises the alert, instead of a retry loop hiding the fault.
        self.stopped: ProjectionFault | None = None
        self._failures = 0
        self._narrow_until: int | None = None
        # Commit-to-projected time of this process's own writes (projections/lag.py).
        self.lag = LagMeter()

    @property
    def tracking_name(self) -> str:
        return self.app.name

    def stored_position(self) -> int:
        return self.view.max_tracking_id(self.app.name) or 0

    def step(self, upto: int | None = None) -> int:
        """Project the next batch of the log (not beyond position `upto`); returns how many
        log positions it covered, events without a read model included. Raises
        ProjectionFault, once what precedes the event at fault is projected, when an event
        cannot be projected; the runner is then stopped."""
        if self.stopped is not None:
            raise self.stopped
        head = self.app.recorder.max_notification_id() or 0
        stop = head if upto is None else min(upto, head)
        if stop <= self.position:
            return 0
        narrow = self._narrow_until is not None and self.position < self._narrow_until
        limit = 1 if narrow else self._batch_events
        notifications = self.app.recorder.select_notifications(
            start=self.position, limit=limit, stop=stop, topics=self.projection.topics, inclusive_of_start=False)
        # A short page means nothing else of interest up to `stop`: the batch covers that far.
        covered = notifications[-1].id if len(notifications) == limit else stop
        # Only events the keyed chain vouches for reach the read models (API.md, "A keyed
        # chain"): a forged one stops the projection there, loudly, as an unprojectable one does.
        forged = self.app.recorder.authenticate(notifications) if hasattr(self.app.recorder, "authenticate") else None
        if forged is not None:
            fault = ProjectionFault(forged[0], UnauthenticEvent(*forged))
            self._stop_at(fault, [n for n in notifications if n.id < forged[0]])
            raise fault
        try:
            position = self.projection.process_notifications(notifications, Tracking(self.app.name, covered))
        except ProjectionFault as fault:
            self._stop_at(fault, [n for n in notifications if n.id < fault.position])
            raise
        except TRANSIENT:
            raise
        except Exception as exc:
            self._failures += 1
            if not narrow and self._failures >= ATTEMPTS_BEFORE_ONE_BY_ONE:
                self._narrow_until, self._failures = covered, 0   # event by event through this batch
            elif narrow and notifications and self._failures >= ATTEMPTS_OF_ONE_EVENT:
                fault = ProjectionFault(notifications[0].id, exc)
                self._stop_at(fault, [])
                raise fault from exc
            raise
        self._failures = 0
        if self._narrow_until is not None and position >= self._narrow_until:
            self._narrow_until = None
        self._advance(position)
        return position - self.position_before_last_step

    def _advance(self, position: int) -> None:
        # The lag first: a reader woken by the notice may read the lag at once, and must find
        # these commits projected (tests/test_projection_batches.py met one still waiting).
        self.lag.projected(position)
        with self._progress:
            self.position_before_last_step, self.position = self.position, position
            self._progress.notify_all()
        self._publish(position)

    def _publish(self, position: int) -> None:
        if self._shared_head is not None and self.leading:
            self._shared_head.projected_to(position)

    def _stop_at(self, fault: ProjectionFault, before: list) -> None:
        """Project what precedes the event at fault, then stop there, loudly."""
        if fault.position - 1 > self.position:
            try:
                self._advance(self.projection.process_notifications(
                    before, Tracking(self.app.name, fault.position - 1)))
            except Exception:
                log.exception("projecting the events before position %d failed too", fault.position)
        log.error("projection %s STOPPED at log position %d: %s. Reads answer 503 until it is fixed and the "
                  "service restarted; /readyz shows the alert.", self.projection.name, fault.position, fault,
                  exc_info=fault.cause)
        self.stopped = fault
        with self._progress:
            self._progress.notify_all()  # readers waiting for a position beyond it give up now

    def catch_up(self, progress=None, upto: int | None = None) -> int:
        """Project everything recorded so far (or up to `upto`); returns the events projected."""
        self.position = self.stored_position()
        total = 0
        while (count := self.step(upto)) > 0:
            total += count
            if progress is not None:
                progress(count, self.position)
        return total

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="ledger-projections", daemon=True)
        self._thread.start()
        if self._wakeups is not None:
            self._wakeups.start(self._woken_by_commit)

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        if self._wakeups is not None:
            self._wakeups.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._election is not None:
            self._election.resign()

    def _woken_by_commit(self, position: int | None) -> None:
        """A commit seen on the database (any process's, this one's included): a step only
        for one the projection has not reached, as this process's own are told by notify()."""
        if position is None or position > self.position:
            self._wake.set()

    def notify(self, position: int) -> None:
        """Called after a local commit, so the projector does not wait for its poll."""
        self.lag.committed(position)
        self._wake.set()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self._turn()

    def _turn(self) -> None:
        """One turn of the loop: stand by, or project the next batch (waiting when idle)."""
        if self._election is not None and not self._lead():
            self.leading = False
            # A standby has nothing to retry: whatever failed when it last led (or when it
            # last asked to) is over as soon as the database answers again (/readyz).
            if self.last_error is not None and self._database_answers():
                self.last_error = None
            self._stopped.wait(STANDBY_POLL_S)
            return
        if not self.leading:
            self.leading = True
            self.position = self.stored_position()
            self._publish(self.position)
        if self.stopped is not None:
            self._stopped.wait(STANDBY_POLL_S)  # keeps the lead, so no other process repeats the fault
            return
        try:
            if self.step() == 0:
                self._wake.wait(IDLE_POLL_S)
                self._wake.clear()
            self.last_error = None
        except ProjectionFault:
            return  # stopped; step() has said where and why
        except Exception as exc:  # keep following: the next step starts from the stored position
            log.exception("projection step failed")
            self.last_error = type(exc).__name__
            self.position = self._safe_stored_position()
            self._stopped.wait(ERROR_BACKOFF_S)

    def _lead(self) -> bool:
        """Whether this process leads; an election that cannot be held (the database away)
        is standing by, never the end of the loop."""
        try:
            return self._election.try_lead()
        except Exception as exc:
            log.warning("the projection election failed (%s); standing by", type(exc).__name__)
            self.last_error = type(exc).__name__
            return False

    def _database_answers(self) -> bool:
        try:
            self.stored_position()
            self.app.recorder.max_notification_id()
        except Exception:
            return False
        return True

    def _safe_stored_position(self) -> int:
        try:
            return self.stored_position()
        except Exception:
            return self.position

    def wait_for(self, target: int, timeout_s: float) -> bool:
        """Block until the read models include position `target`, or the time is up."""
        if self.leading:
            with self._progress:
                return self._progress.wait_for(lambda: self.position >= target or self.stopped is not None,
                                               timeout=timeout_s) and self.position >= target
        return wait_for_position(self.view, self.app.name, target, timeout_s)


def wait_for_position(view, name: str, target: int, timeout_s: float) -> bool:
    """Poll a read-model store projected elsewhere until it has reached `target`."""
    deadline = time.monotonic() + timeout_s
    pause = 0.001
    while True:
        if (view.max_tracking_id(name) or 0) >= target:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.02)
