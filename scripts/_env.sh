# Shared by scripts/serve and scripts/test: a virtual environment of the project's own,
# created and brought up to date with pyproject.toml on every run (a no-op when current).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))" >&2
  exit 2
fi
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "creating the virtual environment in .venv ..."
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${EXTRAS:-base}"
if [ ! -f "$STAMP" ]; then
  echo "installing the project and its dependencies into .venv (log: .venv/install.log) ..."
  if ! { "$VENV/bin/python" -m pip install --upgrade pip \
         && "$VENV/bin/python" -m pip install -e ".${EXTRAS:+[$EXTRAS]}"; } >"$VENV/install.log" 2>&1; then
    tail -n 30 "$VENV/install.log" >&2
    echo "installation failed; the whole log is in .venv/install.log" >&2
    exit 1
  fi
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
# The browser assets of the dashboard and of /docs and /redoc (ECharts, Swagger UI, ReDoc)
# come from the npm registry by web/package-lock.json, installed into web/node_modules and
# served by the application itself: never from a CDN (bureaus run without internet access).
WEB_STAMP="$ROOT/web/node_modules/.installed-$(sha256sum web/package-lock.json | cut -c1-16)"
if [ ! -f "$WEB_STAMP" ]; then
  if ! command -v npm >/dev/null; then
    echo "npm (Node.js 18 or newer) is needed to install the dashboard's assets (web/package-lock.json):" >&2
    echo "  apt-get install -y nodejs npm   (or from https://nodejs.org)" >&2
    exit 2
  fi
  echo "installing the dashboard's browser assets into web/node_modules (log: web/npm-install.log) ..."
  if ! (cd web && npm ci --no-audit --no-fund --ignore-scripts) >"$ROOT/web/npm-install.log" 2>&1; then
    tail -n 30 "$ROOT/web/npm-install.log" >&2
    echo "npm ci failed; the whole log is in web/npm-install.log" >&2
    exit 1
  fi
  touch "$WEB_STAMP"
fi
