"""What deploy/ promises and the cluster tests cannot run here (no Docker engine, no Kubernetes): the compose
file and the Helm chart migrate once and start servers with --no-migrate, with the probes and secrets in place.
scripts/check_deploy.sh runs the real tools (helm, kubernetes-validate, docker-compose) on them where installed."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
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


def test_compose_servers_reach_out_for_file_urls_and_only_nginx_reaches_them() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    internal = {name for name, network in compose["networks"].items() if (network or {}).get("internal")}
    services = compose["services"]
    servers = {name: service for name, service in services.items() if name.startswith("server-")}
    for name, server in servers.items():
        assert "backend" in internal and "backend" in server["networks"] and "ports" not in server
        assert set(server["networks"]) - internal, f"{name}: no network with a way out"
    # The servers' way out is theirs alone: the only other network with one is nginx's public side.
    others = {network for name, service in services.items() if name not in servers for network in service["networks"]}
    assert others - internal == {"public"}


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


def test_the_servers_selectors_leave_out_the_migrate_jobs_pods() -> None:
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    server_labels = re.search(r'define "barcode-cloud.serverLabels" -}}\n(.*?)\n{{- end', helpers, re.S)
    assert server_labels and "app.kubernetes.io/component: server" in server_labels.group(1)
    deployment = (CHART / "templates" / "deployment.yaml").read_text()
    assert 'matchLabels: {{- include "barcode-cloud.serverLabels"' in deployment
    assert 'labels: {{- include "barcode-cloud.serverLabels"' in deployment
    service = (CHART / "templates" / "service.yaml").read_text()
    assert 'selector: {{- include "barcode-cloud.serverLabels"' in service
    template = (CHART / "templates" / "migrate-job.yaml").read_text()
    job = yaml.safe_load(re.sub(r"{{.*?}}", "x", re.sub(r"(?m)^ *{{.*}}\n", "", template)))
    assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == "migrate"


def _values_schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads((CHART / "values.schema.json").read_text())
    return schema


def test_the_charts_default_values_meet_its_schema() -> None:
    # Helm refuses to render values its schema rejects: a value added to values.yaml needs its entry there.
    jsonschema.validate(yaml.safe_load((CHART / "values.yaml").read_text()), _values_schema())


@pytest.mark.parametrize(
    ("key", "value"),
    [("replicas", "three"), ("issuer", "barcode.example.com"), ("replica", 2), ("existingSecret", "")],
)
def test_the_charts_schema_rejects_a_wrong_value(key: str, value: object) -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text()) | {key: value}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(values, _values_schema())


def test_the_image_installs_at_the_pinned_versions_from_files_the_context_lets_through() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"pip install [^\n]*-c constraints\.txt", dockerfile)
    copied = {name for line in re.findall(r"^COPY (.+)$", dockerfile, re.M) for name in line.split()[:-1]}
    assert "constraints.txt" in copied
    allowed = {line[1:] for line in (DEPLOY.parent / ".dockerignore").read_text().splitlines() if line.startswith("!")}
    assert copied <= allowed, f"copied by the Dockerfile but left out of the build context: {copied - allowed}"
