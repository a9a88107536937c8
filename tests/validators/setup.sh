#!/usr/bin/env bash
# setup.sh [PREFIX]: installs the validators that tests/validators/run.sh drives.
#
#   PREFIX/venv          the Python tools of requirements.txt (PyPI)
#   PREFIX/node          the npm packages of package.json
#
# PREFIX defaults to target/validators under the repository root. Only PyPI and npm are used, and
# only at install time: run.sh works offline. Running it again is cheap: each part is skipped
# while its stamp matches the requirement file it was installed from.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PREFIX=${1:-$ROOT/target/validators}
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CACHE_DIR="$PREFIX/.cache/pip"
export npm_config_cache="$PREFIX/.cache/npm" npm_config_update_notifier=false

t0=$(date +%s)
stamp() { sha256sum "$1" | cut -d' ' -f1; }

# Python tools.
if [ "$(cat "$PREFIX/venv/.stamp" 2>/dev/null)" != "$(stamp "$HERE/requirements.txt")" ]; then
  echo "setup: installing the Python validators into $PREFIX/venv" >&2
  [ -x "$PREFIX/venv/bin/python" ] || "$PYTHON" -m venv "$PREFIX/venv"
  "$PREFIX/venv/bin/pip" install -q -r "$HERE/requirements.txt"
  stamp "$HERE/requirements.txt" > "$PREFIX/venv/.stamp"
else
  echo "setup: Python validators already installed in $PREFIX/venv" >&2
fi
t1=$(date +%s)

# npm packages.
if [ "$(cat "$PREFIX/node/.stamp" 2>/dev/null)" != "$(stamp "$HERE/package.json")" ]; then
  echo "setup: installing the npm validators into $PREFIX/node" >&2
  mkdir -p "$PREFIX/node"
  cp "$HERE/package.json" "$PREFIX/node/package.json"
  (cd "$PREFIX/node" && npm install --no-audit --no-fund --loglevel=error --no-package-lock)
  stamp "$HERE/package.json" > "$PREFIX/node/.stamp"
else
  echo "setup: npm validators already installed in $PREFIX/node" >&2
fi
t2=$(date +%s)

# pyright ships its JavaScript in the wheel but runs it with node: check that it starts.
"$PREFIX/venv/bin/pyright" --version >/dev/null
echo "setup: done (pip $((t1 - t0))s, npm $((t2 - t1))s)" >&2
