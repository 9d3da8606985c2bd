#!/usr/bin/env bash
# Build deploy/Dockerfile and smoke-test the image with a container engine (docker or podman; CI does not run it):
# `--help`, the non-root user, ZBar loadable, `migrate` then the default `serve` on SQLite in a volume, /healthz and
# /readyz, a client made with `clients create` in the container, a token, a QR code generated and read back through
# the API from this host, a clean stop on SIGTERM; then the same on PostgreSQL when SMOKE_DATABASE_URL is set (that
# run uses the host's network, so a database on 127.0.0.1 is reachable; BARCODE_CLOUD_KEY_ENCRYPTION_KEY is passed
# on when set). Needs curl and python3 here.
#   scripts/image_smoke.sh [BUILD OPTION...]     e.g. --network host
# ENGINE (docker, else podman), IMAGE (barcode-cloud:smoke), PORT (18080, and PORT+1 for PostgreSQL) are variables.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${ENGINE:-$(command -v docker >/dev/null && docker info >/dev/null 2>&1 && echo docker || echo podman)}
image=${IMAGE:-barcode-cloud:smoke}
port=${PORT:-18080}
run="smoke-$$"

cleanup() {
    "$engine" rm -f "$run-sqlite" "$run-pg" >/dev/null 2>&1 || true
    "$engine" volume rm -f "$run" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$engine" build "$@" -f deploy/Dockerfile -t "$image" .
echo "image $image: $("$engine" image inspect "$image" --format '{{.Size}}') bytes"
help=$("$engine" run --rm "$image" --help)
grep -q "serve" <<<"$help" || fail "--help does not list serve"
user=$("$engine" run --rm --entrypoint id "$image" -un)
[ "$user" != root ] || fail "the image runs as root"
# ZBar is optional to the engine (its passes are skipped without libzbar0): make sure the image has it.
"$engine" run --rm --entrypoint python "$image" -c "from pyzbar import pyzbar" || fail "no ZBar in the image"

# The API from the host at $1: a token for the client `clients create` printed in $2, then a QR code round trip.
round_trip() {
    local base=$1 created=$2 client_id secret token text="smoke $run"
    client_id=$(awk '/^client_id:/ {print $2}' <<<"$created")
    secret=$(awk '/^client_secret:/ {print $2}' <<<"$created")
    [ -n "$client_id" ] && [ -n "$secret" ] || fail "clients create printed no credentials"
    token=$(curl -sf "$base/connect/token" -d grant_type=client_credentials \
        --data-urlencode "client_id=$client_id" --data-urlencode "client_secret=$secret" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
    curl -sf -H "Authorization: Bearer $token" -G "$base/v4.0/barcode/generate/QR" --data-urlencode "data=$text" \
        -o "/tmp/$run.png" || fail "generate"
    curl -sf -H "Authorization: Bearer $token" -F barcodeType=QR -F "file=@/tmp/$run.png" \
        "$base/v4.0/barcode/recognize-multipart" | grep -q "\"barcodeValue\":\"$text\"" || fail "recognize"
    rm -f "/tmp/$run.png"
    echo "round trip through $base: ok"
}

wait_ready() {
    for _ in $(seq 60); do
        curl -sf "$1/readyz" >/dev/null && curl -sf "$1/healthz" >/dev/null && return 0
        sleep 1
    done
    fail "$1/readyz not ready after 60 s"
}

stop_cleanly() {
    "$engine" stop "$1" >/dev/null
    [ "$("$engine" inspect "$1" --format '{{.State.ExitCode}}')" = 0 ] || fail "$1 did not exit 0 on SIGTERM"
}

"$engine" volume create "$run" >/dev/null
"$engine" run --rm -v "$run:/data" "$image" migrate
"$engine" run -d --name "$run-sqlite" -v "$run:/data" -p "127.0.0.1:$port:8080" "$image" >/dev/null
wait_ready "http://127.0.0.1:$port"
round_trip "http://127.0.0.1:$port" "$("$engine" exec "$run-sqlite" barcode-cloud clients create smoke)"
stop_cleanly "$run-sqlite"

if [ -n "${SMOKE_DATABASE_URL:-}" ]; then
    pg=(-e "BARCODE_CLOUD_DATABASE_URL=$SMOKE_DATABASE_URL" --network host)
    [ -z "${BARCODE_CLOUD_KEY_ENCRYPTION_KEY:-}" ] || pg+=(-e BARCODE_CLOUD_KEY_ENCRYPTION_KEY)
    "$engine" run --rm "${pg[@]}" "$image" migrate
    "$engine" run -d --name "$run-pg" "${pg[@]}" "$image" serve --no-migrate --host 127.0.0.1 --port $((port + 1)) \
        >/dev/null
    wait_ready "http://127.0.0.1:$((port + 1))"
    round_trip "http://127.0.0.1:$((port + 1))" "$("$engine" exec "$run-pg" barcode-cloud clients create smoke)"
    stop_cleanly "$run-pg"
fi
echo "image smoke test passed"
