#!/usr/bin/env bash
# Writes constraints.txt: the newest versions pyproject.toml's ranges allow today, resolved in a new venv, pinned.
# scripts/bootstrap.sh and deploy/Dockerfile install with it, so CI and images get the set the suite passed on;
# run this to move to newer releases, then scripts/test.sh, and commit both files together.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet ".[dev]"
{
  echo "# Written by scripts/lock.sh with $("$work/venv/bin/python" --version) on $(uname -sm); edit by running it again."
  "$work/venv/bin/python" -m pip freeze | grep -v '^barcode-cloud[= @]'
} > constraints.txt
echo "constraints.txt: $(grep -c '==' constraints.txt) pins"
