"""The real server in a process of its own, on a Unix socket of the test's own (a TCP port
picked as free can be taken meanwhile by a concurrently running test's server), with its
log in a file: for tests of what crosses processes, workers and logs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .support import ADMIN_TOKEN, CHAIN_KEY, PII_KEY, SEAL_KEY

ROOT = Path(__file__).resolve().parents[1]


class Server:
    def __init__(self, settings, tmp_path: Path, *, workers: int = 1, log_level: str = "info",
                 port: int | None = None, env: dict[str, str] | None = None):
        """`port`: listen on 127.0.0.1:port instead of the Unix socket (for a browser);
        `env`: more environment for the server (e.g. LEDGER_DEMO_DATA=1)."""
        self.uds = str(tmp_path / "api.sock")
        self.log_path = tmp_path / "server.log"
        self.env = {**os.environ, "LEDGER_DATABASE_URL": settings.database_url,
                    "LEDGER_DATA_DIR": str(settings.data_dir), "LEDGER_PG_SCHEMA": settings.pg_schema,
                    "LEDGER_BOOTSTRAP_ADMIN_TOKEN": ADMIN_TOKEN,
                    "PYTHONPATH": str(ROOT), "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
                    "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_BACKDATE_DAYS": str(settings.backdate_days), **(env or {})}
        self.workdir = tmp_path / "work"
        self.workdir.mkdir()
        self.log = open(self.log_path, "w")
        listen = ["--uds", self.uds] if port is None else ["--host", "127.0.0.1", "--port", str(port)]
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:app", *listen,
                                      "--workers", str(workers), "--log-level", log_level], cwd=self.workdir,
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base_url = "http://ledger" if port is None else f"http://127.0.0.1:{port}"
        transport = httpx.HTTPTransport(uds=self.uds) if port is None else httpx.HTTPTransport()
        self.http = httpx.Client(transport=transport, base_url=self.base_url, timeout=20)
        self.bodies: list[bytes] = []
        deadline = time.monotonic() + 120  # demo data takes a while to load on a busy machine
        while True:
            try:
                if self.http.get("/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, self.log_path.read_text()[-3000:]
            time.sleep(0.2)
        if workers > 1:
            time.sleep(1.0)  # let the slower workers finish their start-up too

    def call(self, method: str, path: str, token: str, **kwargs) -> httpx.Response:
        r = self.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                     **kwargs.pop("headers", {})}, **kwargs)
        self.bodies.append(r.content)
        return r

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        self.http.close()
