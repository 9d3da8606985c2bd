#!/usr/bin/env bash
# Checks deploy/ with the real tools, those of them on the PATH (scripts/get_deploy_tools.sh installs them; CI has
# none): helm lint --strict and helm template of the chart, with its defaults and with the values docs/deploy.md
# sets, kubernetes-validate --strict on the manifests rendered, and docker-compose config on compose.yaml.
# A missing tool is skipped with a note; any complaint from one that runs fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
chart=deploy/helm/barcode-cloud
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
ran=()

have() {
    command -v "$1" >/dev/null || { echo "skipped: no $1 on the PATH" >&2; return 1; }
    ran+=("$1")
}

if have helm; then
    documented=(--set image.repository=registry.example.com/barcode-cloud --set image.tag=0.1.0
        --set issuer=https://barcode.example.com --set redisUrl=redis://redis:6379/0
        --set forwardedAllowIps=10.0.0.0/8)
    helm lint --strict "$chart"
    helm lint --strict "$chart" "${documented[@]}"
    helm template barcode-cloud "$chart" >"$rendered/default.yaml"
    helm template barcode-cloud "$chart" "${documented[@]}" >"$rendered/documented.yaml"
    helm template barcode-cloud "$chart" --set redisUrl= >"$rendered/no-redis.yaml"
    if helm template barcode-cloud "$chart" --set replicas=three >/dev/null 2>&1; then
        echo "helm rendered replicas=three: the values schema let it through" >&2
        exit 1
    fi
    if have kubernetes-validate; then
        kubernetes-validate --strict --quiet "$rendered"/*.yaml
    fi
fi
if have docker-compose; then
    # compose.yaml refuses to start without these two (${VAR:?}); any value will do to check the rest.
    POSTGRES_PASSWORD=check BARCODE_CLOUD_KEY_ENCRYPTION_KEY=check docker-compose -f deploy/compose.yaml config --quiet
fi
echo "deploy/ checked by: ${ran[*]:-nothing}"
