#!/usr/bin/env bash
# Quick start: set up and run the whole test suite: ruff, mypy and pytest.
# Needs PostgreSQL (BARCODE_CLOUD_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
# and Redis on 127.0.0.1:6379 for the scale-out tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The suite starts a few hundred barcode-cloud processes: let them reuse the modules compiled by the first.
unset PYTHONDONTWRITEBYTECODE
scripts/bootstrap.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/pytest "$@"
