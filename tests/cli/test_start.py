"""What a ``barcode-cloud`` command loads: the administration commands neither the engine, the SDK, the web stack
nor MCP, and ``generate`` no web stack (every test and every administrator starts them, and those imports took
seconds); the help lists every command as it is without loading the everyday ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.core import TyperCommand, TyperGroup

from barcode_cloud_server.cli.main import app
from barcode_cloud_server.settings import Settings
from barcode_cloud_server.storage.db import Database

# Top-level packages, or a package and its modules, that no administration command needs.
NOT_FOR_ADMINISTRATION = (
    "alembic",  # the schema is already the code's
    "barcode_cloud",  # the SDK
    "barcode_cloud_server.api",
    "barcode_cloud_server.app",
    "barcode_cloud_server.engine",
    "barcode_cloud_server.tools",
    "fastapi",
    "httpx",
    "mcp",
    "numpy",
    "scipy",
    "starlette",
    "uvicorn",
    "zxingcpp",
)

NOT_FOR_GENERATION = (
    "barcode_cloud_server.engine.recognition",
    "barcode_cloud_server.identity",
    "fastapi",
    "mcp",
    "scipy",
    "starlette",
    "uvicorn",
)

_RUN = """
import json, sys
from typer.testing import CliRunner
from barcode_cloud_server.cli.main import app

report = {"failed": [], "modules": []}
for commands in json.loads(sys.argv[1]):
    before = set(sys.modules)
    for args in commands:
        result = CliRunner().invoke(app, args)
        if result.exit_code != 0:
            report["failed"].append([args, result.exit_code, result.output])
    report["modules"].append(sorted(set(sys.modules) - before))
print(json.dumps(report))
"""


def _loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def test_administration_commands_load_no_engine_sdk_web_stack_or_mcp_and_generate_no_web_stack(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    db = Database(settings.resolved_database_url)
    db.migrate()
    db.dispose()
    data = ["--data-dir", str(tmp_path)]
    commands = [
        ["--help"],
        ["clients", "--help"],
        ["migrate", *data],
        ["clients", "create", "app", *data],
        ["clients", "list", *data],
        ["keys", "list", *data],
        ["users", "create", "a@example.com", *data],
        ["users", "purge", *data],
        ["usage", *data],
    ]
    image = tmp_path / "qr.png"
    done = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps([commands, [["generate", "QR", "x", "-o", str(image)]]])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["failed"] == []
    administration, generation = report["modules"]
    assert _loaded(administration, NOT_FOR_ADMINISTRATION) == []
    assert "barcode_cloud_server.identity.keys" in administration  # the commands did their work here
    # generate in process needs the engine's encoders and the API's parameter table, not the web stack
    assert _loaded(generation, NOT_FOR_GENERATION) == []
    assert image.read_bytes().startswith(b"\x89PNG")


def _help(group: TyperGroup, capsys: pytest.CaptureFixture[str]) -> str:
    assert group.main(["--help"], prog_name="barcode-cloud", standalone_mode=False) == 0
    return capsys.readouterr().out


def test_the_help_lists_the_everyday_commands_as_they_are_before_they_load(capsys: pytest.CaptureFixture[str]) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    listed = _help(group, capsys)
    assert not group.commands["generate"].params  # a stand-in
    context = typer.Context(group)
    for name in group.list_commands(context):
        group.get_command(context, name)
    assert group.commands["generate"].params and isinstance(group.commands["scan"], TyperCommand)
    assert "--image-width" in {opt for p in group.commands["generate"].params for opt in p.opts}
    assert _help(group, capsys) == listed
    assert "generate " in listed and "Read every barcode of every type" in listed
