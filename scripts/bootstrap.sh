#!/usr/bin/env bash
# Creates .venv (Python 3.11+) and installs the project into it, at the versions constraints.txt pins; quiet when
# nothing changed.
# Usage: scripts/bootstrap.sh [server|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-server}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed (found: $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$extra-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # constraints.txt pins every package to the versions the suite passed on (scripts/lock.sh moves them).
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[$extra]"
  touch "$stamp"
fi
