"""Wiring: one event-sourced application, the read models and their runner, and the
ledger service, built from Settings. The API and the CLI both start from here."""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import tempfile
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from ledger.application import LedgerApplication
from ledger.audit.seal import SealKey
from adapters.head import SharedHead
from adapters.refusals import KeptRefusals
from adapters.wakeups import LogWakeups
from ledger.errors import InvalidState, TooManyRequests, UnauthenticEvent
from ledger.pii import PiiProtector
from ledger.policy.catalog import Catalog
from ledger.service import Ledger
from projections.election import FileLockElection, PostgresAdvisoryElection
from projections.projector import LedgerProjection
from projections.reads import Consistency, Reads
from projections.runner import ProjectionRunner
from projections.store import PostgresReadModel, SQLiteReadModel

from .collector import set_collector
from .settings import Settings, SettingsError

log = logging.getLogger(__name__)


def open_read_model(settings: Settings, *, elsewhere: str | None = None):
    """The read models, or with `elsewhere` a separate store for a rebuild: a file name
    beside the SQLite database, or a schema of its own on PostgreSQL."""
    env = settings.views_env()
    if elsewhere and settings.backend == "sqlite":
        env["SQLITE_DBNAME"] = str(settings.sqlite_path.with_name(elsewhere))
    elif elsewhere:
        import psycopg

        with psycopg.connect(**settings.pg_conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{elsewhere}"')
        env["POSTGRES_SCHEMA"] = elsewhere
    factory = InfrastructureFactory.construct(Environment("ledger_views", env))
    if settings.backend == "sqlite":
        return factory.tracking_recorder(SQLiteReadModel)
    return factory.tracking_recorder(PostgresReadModel)


# Advisory-lock keys: one for start-up (schema creation), one for the projection leader.
STARTUP_LOCK_KEY = 0x1ED6E5_0001
PROJECTOR_LOCK_KEY = 0x1ED6E5_0002
VERIFY_LOCK_KEY = 0x1ED6E503  # the key's high half; the schema's CRC-32 is its low half


def verification_lock(settings: Settings):
    """The lock that lets one verification over the API run at a time among every process of
    this ledger (API.md, "Bounded work per request"): a file beside the SQLite database, or an
    advisory lock keyed by the schema on PostgreSQL."""
    if settings.backend == "sqlite":
        return FileLockElection(str(settings.sqlite_path) + ".verify.lock")
    schema = zlib.crc32((settings.pg_schema or "public").encode())
    return PostgresAdvisoryElection(settings.pg_conninfo(), (VERIFY_LOCK_KEY << 32) | schema, when_unreachable=True)


@contextmanager
def startup_lock(settings: Settings):
    """Several workers starting at once create tables one after another, not together."""
    if settings.backend != "postgres":
        yield
        return
    import psycopg

    with psycopg.connect(**settings.pg_conninfo(), autocommit=True, connect_timeout=10) as conn:
        if settings.pg_schema:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.pg_schema}"')
        conn.execute("SELECT pg_advisory_lock(%s)", (STARTUP_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (STARTUP_LOCK_KEY,))


def shared_head_path(settings: Settings) -> Path:
    """Where this host's processes share the head (adapters/head.py): beside the SQLite file,
    or for PostgreSQL in shared memory, named after the database and schema."""
    if settings.backend == "sqlite":
        return settings.sqlite_path.resolve().with_name(settings.sqlite_path.name + ".head")
    info = settings.pg_conninfo()
    key = "|".join(str(info.get(k)) for k in ("host", "port", "dbname")) + "|" + (settings.pg_schema or "")
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    return base / f"ledger-head-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


ADOPT_HINT = ("run `ledger chain adopt` once, with the service stopped: it verifies the log against its latest "
              "seal and then writes the MACs (README, \"Adopting the keyed chain\")")


def check_chain_keyed(recorder) -> None:
    """A store whose events carry no MACs was written before LEDGER_CHAIN_KEY existed: the
    service does not start on it (every load would be refused) until it is adopted. A first
    MAC that does not verify means the key is not this store's."""
    first = recorder.first_chain_row()
    if first is None:
        return
    if first.get("mac") is None:
        raise SettingsError(f"the log's events have no MACs under LEDGER_CHAIN_KEY (it was written before the keyed "
                            f"chain, or its adoption did not finish): {ADOPT_HINT}")
    if not recorder.chain_mac.valid(first["hash"], first["mac"]):
        raise SettingsError(f"LEDGER_CHAIN_KEY does not verify the MAC of the log's first event (position "
                            f"{first['position']}): the key is not the one this store was written with (or the row "
                            "was tampered with; `ledger verify` tells). Set the key this store's MACs were made with")


class Runtime:
    def __init__(self, settings: Settings | None = None, *, read_models: bool = True, catalog: Catalog | None = None,
                 adopting: bool = False):
        """`read_models=False` opens the log only (no read models are opened, created or
        followed): for `ledger verify` when they are missing, which must not create them.
        `catalog`: the shipped policy catalog (default: the files in ledger/policy/).
        `adopting`: for `ledger chain adopt` and `ledger verify`, which open a store whose
        events have no MACs yet (anything else refuses to start on it)."""
        self.settings = settings or Settings.from_env()
        set_collector(self.settings.gc_threshold)  # the process's: a Runtime is its composition root
        # Keys first: a missing or misplaced key stops the start before the database is touched.
        pii_key = self.settings.resolve_pii_key()
        seal_key = SealKey.from_seed_hex(self.settings.resolve_seal_seed())
        chain_key = self.settings.resolve_chain_key()
        with startup_lock(self.settings):
            # The PII key also authenticates snapshots: it never lives in the database, and it
            # is never rotated (identity hashes depend on it), so snapshots stay usable.
            self.app = LedgerApplication(env=self.settings.event_store_env(), snapshot_key=pii_key,
                                         chain_key=chain_key)
            if not adopting:
                try:
                    check_chain_keyed(self.app.recorder)
                except SettingsError:
                    self.app.close()
                    raise
            self.views = open_read_model(self.settings) if read_models else None
            # Refusals kept under their Idempotency-Keys: beside the log, never in it.
            refusals = KeptRefusals(self.app.recorder, self.settings.clock.now)
            refusals.create_table()
        self.projection = self.runner = self.reader = self.reads = None
        # The head this host's processes share, published by the event store adapter at each commit.
        self.shared_head = SharedHead(shared_head_path(self.settings)) if self.settings.head == "shared" else None
        if self.shared_head is not None:
            self.app.recorder.shared_head = self.shared_head
            self.shared_head.reset(lambda: self.app.recorder.max_notification_id() or 0)
            if self.views is not None and self.views.forgot_position:
                # The read models start again from the first event: the position the last
                # leader published is theirs no longer, and reads must wait for the rebuild.
                self.shared_head.projected_to(0)
        if self.views is not None:
            self.projection = LedgerProjection(self.views, self.app)
            # Reads may come from a streaming replica; the log's head always comes from the primary.
            self.reader = self.views
            if self.settings.read_replica_url:
                replica = dataclasses.replace(self.settings, database_url=self.settings.read_replica_url)
                self.reader = open_read_model(replica)
            wakeups = None
            if self.settings.backend == "sqlite":
                election = FileLockElection(str(self.settings.sqlite_path) + ".projector.lock")
            else:
                election = PostgresAdvisoryElection(self.settings.pg_conninfo(), PROJECTOR_LOCK_KEY)
                wakeups = LogWakeups(self.settings.pg_conninfo(), self.app.recorder.log_channel)
            self.runner = ProjectionRunner(self.app, self.projection, election=election,
                                           shared_head=self.shared_head, wakeups=wakeups)
        self.ledger = Ledger(self.app, PiiProtector(pii_key), on_commit=self.runner.notify if self.runner else None,
                             token_ttl_days=self.settings.token_ttl_days, catalog=catalog, clock=self.settings.clock,
                             backdate_days=self.settings.backdate_days, refusals=refusals,
                             writer_cache_bytes=self.settings.writer_cache_mb * 2**20)
        self.ledger.seal_key = seal_key
        self.ledger.verification_lock = verification_lock(self.settings)
        if self.views is not None:
            consistency = Consistency(store_head=self.ledger.head_position, runner=self.runner, reader=self.reader,
                                      name=self.app.name, wait_s=lambda: self.settings.read_wait_s,
                                      shared_head=self.shared_head)
            self.reads = Reads(view=self.reader, app=self.app, ledger=self.ledger, consistency=consistency)
        self._write_public_key()
        self._sealer_stop = threading.Event()
        self._sealer: threading.Thread | None = None
        self._started = False

    def _write_public_key(self) -> None:
        """Beside the data, for auditors: the public half of the seal key (never the private)."""
        path = self.settings.data_dir / "seal-public-key.pem"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != self.ledger.seal_key.public_pem():
                path.write_bytes(self.ledger.seal_key.public_pem())
        except OSError:
            log.warning("could not write %s", path)

    def _seal_periodically(self) -> None:
        """The projection leader seals the head at intervals when the log has grown."""
        sealed = 0
        while not self._sealer_stop.wait(self.settings.seal_interval_s):
            sealed = self.seal_if_grown(sealed)

    def seal_if_grown(self, sealed: int) -> int:
        """One turn of the periodic sealer: seal when leading and the log grew past `sealed`
        (the position after the last seal it made); returns the new such position."""
        try:
            if self.runner is not None and self.runner.leading and self.ledger.head_position() > sealed:
                return self.ledger.seal("sealer").position + 1  # the seal is an event itself
        except TooManyRequests:
            log.info("the log was sealed less than a minute ago; sealing at the next interval")
        except InvalidState as exc:   # an event without a valid MAC, or no key: never sealed over
            log.error("periodic seal refused: %s", exc.detail)
        except Exception:
            log.exception("periodic seal failed; trying again at the next interval")
        return sealed

    def start(self, *, project: bool | None = None) -> None:
        """Bootstrap the admin, record the shipped policy catalog (once; an edit of it since
        becomes proposed changes), load demo data if asked, and follow the log."""
        try:
            if self.settings.bootstrap_admin_token:
                admin = self.ledger.ensure_admin(self.settings.bootstrap_admin_token)
                if not admin["usable"]:
                    log.warning("LEDGER_BOOTSTRAP_ADMIN_TOKEN was revoked, or the bootstrap admin deactivated: it does "
                                "not work until it is set to a new value")
            self.ledger.record_shipped_catalog()
        except UnauthenticEvent:
            # A forged event among those loaded: the service still starts, so that /readyz can
            # raise the alert and auditors can verify; every command needing it answers 503.
            log.error("start-up could not load an aggregate: an event of it is not vouched for by the keyed chain")
        if project if project is not None else self.settings.projections == "embedded":
            self.runner.start()
            if self.settings.seal_interval_s > 0:
                self._sealer = threading.Thread(target=self._seal_periodically, name="ledger-sealer", daemon=True)
                self._sealer.start()
        if self.settings.demo_data:
            from .demo import load_demo_data
            tokens = load_demo_data(self.ledger)
            if tokens:
                path = self.settings.data_dir / "demo-tokens.txt"
                path.write_text("".join(f"{role} {token}\n" for role, token in tokens.items()))
                path.chmod(0o600)
                log.warning("demo data loaded; the demo staff's tokens are in %s", path)
        self._started = True

    def close(self) -> None:
        self._sealer_stop.set()
        if self._sealer is not None:
            self._sealer.join(timeout=10)
        if self.runner is not None:
            self.runner.stop()
        self.ledger.shutdown()
        self.app.close()
        if self.views is not None:
            self.views.close()
        if self.reader is not self.views:
            self.reader.close()
        if self.shared_head is not None:
            self.app.recorder.shared_head = None
            self.shared_head.close()
