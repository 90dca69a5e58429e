"""Settings from the environment (the contract's LEDGER_* variables) and what the
eventsourcing library needs to reach the chosen database."""
from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from ledger.clock import SYSTEM_CLOCK, Clock
from ledger.limits import DEFAULT_BACKDATE_DAYS, MAX_BACKDATE_DAYS
from ledger.pii import decode_key

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite:///var/ledger.db"
MIN_BOOTSTRAP_TOKEN_CHARS = 32
# Options of the eventsourcing library that would insert events by another path than the
# ledger's recorders (adapters/event_store.py). The application never reads the process
# environment (ledger/application.py), so they would be ignored: refused, so nobody relies on them.
LIBRARY_INSERT_PATHS = ("POSTGRES_ENABLE_DB_FUNCTIONS", "LEDGER_POSTGRES_ENABLE_DB_FUNCTIONS")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    projections: str = "embedded"
    bootstrap_admin_token: str | None = None
    demo_data: bool = False
    pii_key: str | None = None
    read_wait_s: float = 5.0
    head: str = "shared"  # "shared": this host's processes share the head (adapters/head.py); "store": ask it
    pg_pool_size: int = 5
    pg_max_overflow: int = 10
    pg_connect_timeout_s: int = 5
    pg_lock_timeout_s: int = 2
    pg_schema: str = ""
    read_replica_url: str | None = None
    seal_key: str | None = None
    seal_interval_s: float = 300.0
    token_ttl_days: int = 90
    # A business date further back than this many days needs "backdate" evidence (API.md,
    # "Insiders and time"; ledger/service/dates.py).
    backdate_days: int = DEFAULT_BACKDATE_DAYS
    auth_failures_per_minute: int = 30
    rate_limit_per_token: float | None = None  # requests per second; None: no cap
    # Reverse proxies whose X-Forwarded-For names the client (addresses or networks).
    trusted_proxies: tuple[str, ...] = ()
    writer_cache_mb: int = 256  # the writer's memory of aggregates, in MiB (ledger/writer.py)
    # Allocations between two young collections of Python's cyclic collector (runtime/collector.py).
    gc_threshold: int = 50_000
    pii_key_file: str | None = None
    seal_key_file: str | None = None
    data_directory: str | None = None  # LEDGER_DATA_DIR; unset: beside the SQLite file, else ./var
    chain_key: str | None = None
    chain_key_file: str | None = None
    extra_env: dict = field(default_factory=dict)
    # "Now" and "today" for every rule (ledger/clock.py); tests and simulations hand in their own.
    clock: Clock = field(default=SYSTEM_CLOCK, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Checked here, not only in from_env: every way of starting goes through a Settings.
        token = self.bootstrap_admin_token
        if token is not None and (len(token) < MIN_BOOTSTRAP_TOKEN_CHARS
                                  or not all("\x21" <= ch <= "\x7e" for ch in token)):
            raise SettingsError(
                f"LEDGER_BOOTSTRAP_ADMIN_TOKEN must be at least {MIN_BOOTSTRAP_TOKEN_CHARS} printable ASCII characters "
                "without spaces (it is a password for the whole country); make one with `ledger keygen` or "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        if not 1 <= self.token_ttl_days <= 3650:
            raise SettingsError("LEDGER_TOKEN_TTL_DAYS must be a whole number of days from 1 to 3650")
        if not 0 <= self.backdate_days <= MAX_BACKDATE_DAYS:
            raise SettingsError(f"LEDGER_BACKDATE_DAYS must be a whole number of days from 0 to {MAX_BACKDATE_DAYS}")
        if not 1 <= self.auth_failures_per_minute <= 100_000:
            raise SettingsError("LEDGER_AUTH_FAILURES_PER_MINUTE must be a whole number from 1 to 100000")
        if self.rate_limit_per_token is not None and not 0 < self.rate_limit_per_token <= 1_000_000:
            raise SettingsError("LEDGER_RATE_LIMIT_PER_TOKEN must be a number of requests per second above 0 "
                                "(unset: no cap)")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise SettingsError(f"LEDGER_TRUSTED_PROXIES: {proxy!r} is not an IP address or network "
                                    "(e.g. 10.0.0.5,10.1.0.0/16)") from None
        if not 1 <= self.writer_cache_mb <= 1_000_000:
            raise SettingsError("LEDGER_WRITER_CACHE_MB must be a whole number of MiB from 1 to 1000000")
        if not 0 <= self.gc_threshold <= 10_000_000:
            raise SettingsError("LEDGER_GC_THRESHOLD must be a whole number from 0 (Python's default) to 10000000")

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        projections = env.get("LEDGER_PROJECTIONS", "embedded")
        if projections not in ("embedded", "external"):
            raise SettingsError("LEDGER_PROJECTIONS must be 'embedded' or 'external'")
        head = env.get("LEDGER_HEAD", "shared")
        if head not in ("shared", "store"):
            raise SettingsError("LEDGER_HEAD must be 'shared' or 'store'")
        for name in LIBRARY_INSERT_PATHS:
            if (env.get(name) or "").strip().lower() not in ("", "0", "n", "no", "f", "false", "off"):
                raise SettingsError(f"{name} is set: the ledger writes its events, their hash chain and their MACs "
                                    "itself, in one transaction, and never through the library's database "
                                    "functions (which would write events without a chain); unset it")
        demo = env.get("LEDGER_DEMO_DATA", "0")
        if demo not in ("0", "1"):
            raise SettingsError("LEDGER_DEMO_DATA must be 0 or 1")
        return cls(
            database_url=env.get("LEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            projections=projections,
            bootstrap_admin_token=env.get("LEDGER_BOOTSTRAP_ADMIN_TOKEN") or None,
            demo_data=demo == "1",
            pii_key=env.get("LEDGER_PII_KEY") or None,
            read_wait_s=float(env.get("LEDGER_READ_WAIT_S", "5")),
            head=head,
            pg_pool_size=int(env.get("LEDGER_PG_POOL_SIZE", "5")),
            pg_max_overflow=int(env.get("LEDGER_PG_MAX_OVERFLOW", "10")),
            pg_connect_timeout_s=int(env.get("LEDGER_PG_CONNECT_TIMEOUT_S", "5")),
            pg_lock_timeout_s=int(env.get("LEDGER_PG_LOCK_TIMEOUT_S", "2")),
            pg_schema=env.get("LEDGER_PG_SCHEMA", ""),
            read_replica_url=env.get("LEDGER_READ_REPLICA_URL") or None,
            seal_key=env.get("LEDGER_SEAL_KEY") or None,
            seal_interval_s=float(env.get("LEDGER_SEAL_INTERVAL_S", "300")),
            token_ttl_days=_number(env, "LEDGER_TOKEN_TTL_DAYS", "90", int),
            backdate_days=_number(env, "LEDGER_BACKDATE_DAYS", str(DEFAULT_BACKDATE_DAYS), int),
            auth_failures_per_minute=_number(env, "LEDGER_AUTH_FAILURES_PER_MINUTE", "30", int),
            rate_limit_per_token=(_number(env, "LEDGER_RATE_LIMIT_PER_TOKEN", "", float)
                                  if env.get("LEDGER_RATE_LIMIT_PER_TOKEN") else None),
            trusted_proxies=tuple(p.strip() for p in env.get("LEDGER_TRUSTED_PROXIES", "").split(",") if p.strip()),
            writer_cache_mb=_number(env, "LEDGER_WRITER_CACHE_MB", "256", int),
            gc_threshold=_number(env, "LEDGER_GC_THRESHOLD", "50000", int),
            pii_key_file=env.get("LEDGER_PII_KEY_FILE") or None,
            seal_key_file=env.get("LEDGER_SEAL_KEY_FILE") or None,
            data_directory=env.get("LEDGER_DATA_DIR") or None,
            chain_key=env.get("LEDGER_CHAIN_KEY") or None,
            chain_key_file=env.get("LEDGER_CHAIN_KEY_FILE") or None,
        )

    @property
    def backend(self) -> str:
        scheme = urlparse(self.database_url).scheme
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres"):
            return "postgres"
        raise SettingsError("LEDGER_DATABASE_URL must start with sqlite:/// or postgresql://")

    @property
    def sqlite_path(self) -> Path:
        path = self.database_url[len("sqlite:///"):]
        if not path:
            raise SettingsError("LEDGER_DATABASE_URL sqlite:///<path> needs a file path")
        return Path(path)

    @property
    def data_dir(self) -> Path:
        """Where generated files live (the seal's public key; in demo mode the keys and tokens):
        LEDGER_DATA_DIR, else beside the SQLite file, else ./var."""
        if self.data_directory:
            return Path(self.data_directory)
        return self.sqlite_path.parent if self.backend == "sqlite" else Path("var")

    def event_store_env(self) -> dict[str, str]:
        if self.backend == "sqlite":
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(self.sqlite_path),
                    "SQLITE_LOCK_TIMEOUT": "5",
                    "APPLICATION_RECORDER_TOPIC": "adapters.event_store:ChainedSQLiteRecorder"}
        url = urlparse(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": str(self.pg_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(self.pg_max_overflow),
            "POSTGRES_CONNECT_TIMEOUT": str(self.pg_connect_timeout_s),
            "POSTGRES_LOCK_TIMEOUT": str(self.pg_lock_timeout_s),
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
            # Callers beyond this many waiting for a connection are refused at once (503).
            "POSTGRES_MAX_WAITING": str(4 * (self.pg_pool_size + self.pg_max_overflow)),
            "POSTGRES_SCHEMA": self.pg_schema,
            "APPLICATION_RECORDER_TOPIC": "adapters.event_store:ServingPostgresRecorder",
            **self.extra_env,
        }

    def pg_conninfo(self) -> dict:
        """Connection arguments for psycopg, for the few things done beside the library."""
        env = self.event_store_env()
        return {"dbname": env["POSTGRES_DBNAME"], "host": env["POSTGRES_HOST"], "port": env["POSTGRES_PORT"],
                "user": env["POSTGRES_USER"], "password": env["POSTGRES_PASSWORD"]}

    def views_env(self) -> dict[str, str]:
        env = self.event_store_env()
        env.pop("APPLICATION_RECORDER_TOPIC")
        if self.backend == "sqlite":
            # A file of their own, so projecting never queues behind the command writer.
            env["SQLITE_DBNAME"] = str(self.sqlite_path.with_name(self.sqlite_path.stem + "-views.db"))
        return env

    def resolve_pii_key(self) -> bytes:
        """The key protecting identity numbers (and authenticating snapshots)."""
        text = self._key_text(_PII)
        try:
            key = decode_key(text)
        except ValueError:
            raise SettingsError(f"{_PII.variable}: not a key in hex or base64 ({_how_to_provide(_PII)})") from None
        if len(key) < 32:
            raise SettingsError(f"{_PII.variable}: a key needs at least 32 bytes ({_how_to_provide(_PII)})")
        return key

    def resolve_chain_key(self) -> bytes:
        """The key of the chain's MACs (ledger/audit/chain.py): what no database insider holds."""
        text = self._key_text(_CHAIN)
        try:
            key = decode_key(text)
        except ValueError:
            raise SettingsError(f"{_CHAIN.variable}: not a key in hex or base64 ({_how_to_provide(_CHAIN)})") from None
        if len(key) < 32:
            raise SettingsError(f"{_CHAIN.variable}: a key needs at least 32 bytes ({_how_to_provide(_CHAIN)})")
        return key

    def resolve_seal_seed(self) -> str:
        """The Ed25519 seed (hex) that signs seals."""
        text = self._key_text(_SEAL)
        try:
            if len(bytes.fromhex(text)) == 32:
                return text
        except ValueError:
            pass
        raise SettingsError(f"{_SEAL.variable}: an Ed25519 seed is 32 bytes in hex ({_how_to_provide(_SEAL)})")

    def _key_text(self, key: "_Key") -> str:
        """A key from its variable or its file. Outside demo mode it must be given, and not in
        a file inside the data directory: whoever copies the database must not get the key
        with it (it is what tells a forged snapshot, seal or identity hash from a real one)."""
        value, file = getattr(self, key.field), getattr(self, key.file_field)
        if value and file:
            raise SettingsError(f"set {key.variable} or {key.variable}_FILE, not both")
        if value:
            return value.strip()
        if file:
            path = Path(file)
            if not self.demo_data and _inside(path, self.data_dir):
                raise SettingsError(f"{key.variable}_FILE ({path}) lies inside the data directory "
                                    f"({self.data_dir.resolve()}): keep the key outside it, off the database's "
                                    f"disk and its backups ({_how_to_provide(key)})")
            try:
                text = path.read_text().strip()
            except OSError as exc:
                raise SettingsError(f"{key.variable}_FILE: cannot read {path} ({exc.strerror or exc})") from None
            if not text:
                raise SettingsError(f"{key.variable}_FILE: {path} is empty ({_how_to_provide(key)})")
            return text
        if self.demo_data:
            return self._generated_key(key.generated_name, key.variable)
        generated = self.data_dir / key.generated_name
        hint = (f"; the key a demo generated is in {generated.resolve()}: for that demo's store set "
                f"LEDGER_DEMO_DATA=1 (as `ledger serve --demo` does); to keep the store, move the key outside the "
                f"data directory and name it in {key.variable}_FILE" if generated.exists() else "")
        raise SettingsError(f"{key.variable} is not set: the ledger does not start without it "
                            f"({_how_to_provide(key)}){hint}")

    def _generated_key(self, name: str, variable: str) -> str:
        path = self.data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: of several workers starting at once, one writes the key, all read it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            log.warning("%s is not set: generated a key into %s for this demo (never do that in production: "
                        "keep the key outside the data directory, see `ledger keygen`)", variable, path)
        for _ in range(50):
            text = path.read_text().strip()
            if text:
                return text
            time.sleep(0.01)
        raise SettingsError(f"{path} is empty")


def _number(env, name: str, default: str, kind: type):
    text = env.get(name) or default
    try:
        return kind(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number (got {text!r})") from None


@dataclass(frozen=True)
class _Key:
    variable: str
    field: str
    file_field: str
    generated_name: str


_PII = _Key("LEDGER_PII_KEY", "pii_key", "pii_key_file", "pii.key")
_SEAL = _Key("LEDGER_SEAL_KEY", "seal_key", "seal_key_file", "seal.key")
_CHAIN = _Key("LEDGER_CHAIN_KEY", "chain_key", "chain_key_file", "chain.key")


def _how_to_provide(key: _Key) -> str:
    return (f"make one with `ledger keygen --out /etc/ledger/{key.generated_name}` on a disk other than the "
            f"data's and set {key.variable}_FILE to that file, or set {key.variable} to the hex `ledger keygen` "
            f"prints; LEDGER_DEMO_DATA=1 generates throwaway keys for a demo")


def _inside(path: Path, directory: Path) -> bool:
    """Whether `path` lies in `directory` or below it, after following links."""
    return path.resolve().is_relative_to(directory.resolve())
