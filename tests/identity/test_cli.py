"""The administration commands, against the database of a running server."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from barcode_cloud_server.cli.main import app
from tests.support.servers import LiveServer, run_cli


def test_clients_lifecycle(backend_server: LiveServer) -> None:
    created = json.loads(
        backend_server.cli("clients", "create", "cli-app", "--scope", "barcode.recognize", "--json").stdout
    )
    assert created["name"] == "cli-app" and created["scopes"] == ["barcode.recognize"]
    client_id = created["client_id"]
    listed = json.loads(backend_server.cli("clients", "list", "--json").stdout)
    assert client_id in {c["client_id"] for c in listed}
    assert all("secret" not in json.dumps(c) for c in listed)
    shown = json.loads(backend_server.cli("clients", "show", client_id, "--json").stdout)
    assert shown["enabled"] is True and shown["last_used_at"] is None
    token = json.loads(
        run_cli(
            "token",
            "--client-id",
            client_id,
            "--client-secret",
            created["client_secret"],
            "--token-url",
            backend_server.token_url,
        ).stdout
    )
    assert token["token_type"] == "Bearer" and token["scope"] == "barcode.recognize"
    assert json.loads(backend_server.cli("clients", "show", client_id, "--json").stdout)["last_used_at"]
    backend_server.cli("clients", "disable", client_id)
    assert json.loads(backend_server.cli("clients", "show", client_id, "--json").stdout)["enabled"] is False
    backend_server.cli("clients", "delete", client_id)
    missing = backend_server.cli("clients", "show", client_id, check=False)
    assert missing.returncode == 1 and "no client" in missing.stderr


def test_cli_errors_are_clear(backend_server: LiveServer) -> None:
    bad_scope = backend_server.cli("clients", "create", "x", "--scope", "admin", check=False)
    assert bad_scope.returncode == 2 and "allowed: barcode.generate, barcode.recognize" in bad_scope.stderr
    refused = run_cli(
        "token", "--client-id", "nobody", "--client-secret", "x", "--token-url", backend_server.token_url, check=False
    )
    assert refused.returncode == 1 and json.loads(refused.stdout)["error"] == "invalid_client"
    # In process (typer's runner), as a subprocess costs half a second of imports each.
    for command in (("disable", "nobody"), ("enable", "nobody"), ("delete", "nobody"), ("rotate-secret", "nobody")):
        result = CliRunner().invoke(app, ["clients", *command, *backend_server.db_args])
        assert result.exit_code == 1 and "no client nobody" in result.output, (command, result.output)


def test_keys_revoke_takes_a_kid_that_begins_with_a_dash(backend_server: LiveServer) -> None:
    # A kid is URL-safe base64: one in 64 begins with "-", which must not be read as an unknown option.
    result = CliRunner().invoke(app, ["keys", "revoke", "-8zQcA9usEClFqyC", *backend_server.db_args])
    assert result.exit_code == 1 and "no signing key -8zQcA9usEClFqyC" in result.output, result.output


def test_token_reads_its_settings_from_the_environment(backend_server: LiveServer) -> None:
    creds = backend_server.create_client("env-token")
    env = {
        "BARCODE_CLOUD_CLIENT_ID": creds.client_id,
        "BARCODE_CLOUD_CLIENT_SECRET": creds.client_secret,
        "BARCODE_CLOUD_TOKEN_URL": backend_server.token_url,
    }
    result = CliRunner().invoke(app, ["token"], env=env)
    assert result.exit_code == 0 and json.loads(result.output)["token_type"] == "Bearer", result.output
    missing = CliRunner().invoke(app, ["token"], env={**env, "BARCODE_CLOUD_CLIENT_SECRET": ""})
    assert missing.exit_code == 2 and "give --client-id and --client-secret" in missing.output
