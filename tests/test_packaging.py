"""The project as a deployer installs it: a wheel (`pip wheel .`) installed into a fresh
virtual environment outside the checkout serves the dashboard, /docs and /redoc with every
file they load (the build copies the browser assets into the package: setup.py,
api/dashboard/assets.py); without those files the server refuses to start and says why."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
import pytest

from .servers import ROOT
from .support import CHAIN_KEY, PII_KEY, SEAL_KEY
from .test_serve_cli import OPERATOR_TOKEN, _free_port

PAGES = ("/", "/docs", "/redoc")
# What the pages' own start-up scripts fetch besides what the HTML names (docs.js, redoc.js).
FETCHED_BY_SCRIPTS = ("/openapi.json", "/docs/oauth2-redirect")
_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "PYTHON"))}
    env.update(extra)
    return env


def _build_wheel(tmp_path: Path) -> Path:
    """`pip wheel` of a copy of the checkout (the build writes build/ and *.egg-info beside its
    source), with the checkout's installed web/node_modules."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "var", "build", "*.egg-info", "node_modules", "__pycache__", ".hypothesis", "tests"))
    (source / "web" / "node_modules").symlink_to((ROOT / "web" / "node_modules").resolve())
    dist = tmp_path / "dist"
    # The test environment's setuptools and wheel build it: no index is asked (offline).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(dist), str(source)], check=True, env=_clean_env(), timeout=300)
    (wheel,) = dist.glob("subsidy_ledger-*.whl")
    with zipfile.ZipFile(wheel) as z:  # the third-party files carry their licences
        licences = {n.split("/")[-2] for n in z.namelist() if n.startswith("api/dashboard/vendor/licenses/")}
    assert licences == {"echarts", "swagger-ui-dist", "redoc", "noto-sans-sc"}, licences
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A virtual environment holding the wheel; the dependencies are the test environment's
    (a path entry, not reinstalled: fast and offline), never the checkout's sources."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, env=_clean_env(), timeout=300)
    return venv


def _asset_urls(http: httpx.Client) -> set[str]:
    """Every same-origin URL the pages ask for: their src/href, and the url()s of the style
    sheets among them, followed to the end."""
    todo = [*PAGES, *FETCHED_BY_SCRIPTS]
    seen: set[str] = set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        r = http.get(url, follow_redirects=True)
        assert r.status_code == 200 and r.content, (url, r.status_code)
        kind = r.headers.get("content-type", "")
        found = _ATTRIBUTE.findall(r.text) if "html" in kind else _CSS_URL.findall(r.text) if "css" in kind else []
        for ref in found:
            if ref.startswith(("data:", "#")) or urlparse(ref).netloc:
                continue
            todo.append(urlparse(urljoin(str(r.url), ref)).path)
    return seen


@pytest.mark.slow
def test_an_installed_wheel_serves_every_asset_of_the_pages(tmp_path):
    venv = _fresh_venv(tmp_path, _build_wheel(tmp_path))
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import api.dashboard; print(api.dashboard.__file__)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path, env=_clean_env()).stdout
    assert Path(where.strip()).is_relative_to(venv), where  # the wheel's code, not the checkout's

    run = tmp_path / "run"
    run.mkdir()
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([str(venv / "bin" / "ledger"), "serve", "--port", str(port)], cwd=run, stdout=log,
                              stderr=subprocess.STDOUT, env=_clean_env(
                                  LEDGER_DATABASE_URL=f"sqlite:///{run}/data/ledger.db", LEDGER_PII_KEY=PII_KEY,
                                  LEDGER_SEAL_KEY=SEAL_KEY, LEDGER_CHAIN_KEY=CHAIN_KEY,
                                  LEDGER_BOOTSTRAP_ADMIN_TOKEN=OPERATOR_TOKEN))
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
            urls = _asset_urls(http)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        log.close()
    # The crawl reached the third-party files of each page and the font's subsets.
    for expected in ("/assets/echarts/echarts.min.js", "/assets/swagger-ui/swagger-ui-bundle.js",
                     "/assets/redoc/redoc.standalone.js", "/assets/fonts/noto-sans-sc/400.css"):
        assert expected in urls
    assert sum(u.startswith("/assets/fonts/noto-sans-sc/files/") for u in urls) > 100


def test_the_server_refuses_to_start_without_the_assets_and_says_why(tmp_path):
    env = _clean_env(LEDGER_DATABASE_URL=f"sqlite:///{tmp_path}/var/ledger.db", LEDGER_PII_KEY=PII_KEY,
                     LEDGER_SEAL_KEY=SEAL_KEY, LEDGER_CHAIN_KEY=CHAIN_KEY, LEDGER_WEB_MODULES=str(tmp_path / "empty"), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "uvicorn", "api.app:app", "--uds", str(tmp_path / "api.sock")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "browser assets are missing" in done.stderr and "npm ci" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    served = subprocess.run([sys.executable, "-c", "from runtime.cli import main; main()", "serve"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60)
    assert served.returncode == 2 and "cannot start: the dashboard's" in served.stdout, served.stdout
