#!/usr/bin/env bash
# Quick start: set up and run the service on SQLite (data in ./barcode-cloud-data).
# Any options are passed to `barcode-cloud serve` (see `.venv/bin/barcode-cloud serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh server
exec .venv/bin/barcode-cloud serve "$@"
