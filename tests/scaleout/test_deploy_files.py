"""What deploy/ promises and the cluster tests cannot run here (no Docker engine, no Kubernetes): the compose
file and the Helm chart migrate once and start servers with --no-migrate, with the probes and secrets in place."""

from __future__ import annotations

import re

import yaml

from tests.support.cluster import DEPLOY

CHART = DEPLOY / "helm" / "barcode-cloud"


def test_compose_migrates_once_and_its_servers_do_not() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert {"postgres", "redis", "migrate", "nginx"} <= set(services)
    servers = [name for name in services if name.startswith("server-")]
    assert len(servers) == 3
    assert services["migrate"]["command"] == ["migrate"]
    for name in servers:
        assert services[name]["command"][:2] == ["serve", "--no-migrate"]
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    upstreams = re.findall(r"server (server-\d+):8080", (DEPLOY / "nginx.conf").read_text())
    assert upstreams == servers


def test_the_helm_chart_probes_migrates_and_keeps_secrets_in_a_secret() -> None:
    assert yaml.safe_load((CHART / "Chart.yaml").read_text())["name"] == "barcode-cloud"
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert set(values["secretKeys"]) == {"databaseUrl", "keyEncryptionKey"}
    deployment = (CHART / "templates" / "deployment.yaml").read_text()
    assert 'args: ["serve", "--no-migrate"' in deployment
    assert "readinessProbe:\n            httpGet: {path: /readyz" in deployment
    assert "livenessProbe:\n            httpGet: {path: /healthz" in deployment
    job = (CHART / "templates" / "migrate-job.yaml").read_text()
    assert 'args: ["migrate"]' in job and "pre-install,pre-upgrade" in job
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    for variable in ("BARCODE_CLOUD_DATABASE_URL", "BARCODE_CLOUD_KEY_ENCRYPTION_KEY"):
        assert re.search(variable + r"\n  valueFrom:\n    secretKeyRef:", helpers)
