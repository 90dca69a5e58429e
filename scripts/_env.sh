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
