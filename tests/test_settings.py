"""Settings are written once: the CLI's help and the README's options table come from the fields."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup, TyperOption

from barcode_cloud_server.cli import readme
from barcode_cloud_server.cli.main import app
from barcode_cloud_server.settings import Settings, env_name, field_info, shown_default

ENVIRONMENT_ONLY = {"audience", "key_encryption_key"}


def all_options(group: TyperGroup) -> list[TyperOption]:
    found: list[TyperOption] = []
    context = typer.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)  # the everyday commands are built when looked up
        assert command is not None
        if isinstance(command, TyperGroup):
            found += all_options(command)
        else:
            found += [p for p in command.params if isinstance(p, TyperOption)]
    return found


def test_the_readme_options_table_is_generated_from_the_settings() -> None:
    committed = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert committed == readme.updated(committed), "run: python -m barcode_cloud_server.cli.readme"
    assert "| `--port` | `8080` | Port to listen on. |" in readme.render_table()
    assert "| (environment only) `BARCODE_CLOUD_KEY_ENCRYPTION_KEY` | none |" in readme.render_table()


def test_every_setting_is_a_serve_option_with_the_fields_help_and_default() -> None:
    options = readme.serve_options()
    assert set(Settings.model_fields) - set(options) == ENVIRONMENT_ONLY
    for name, option in options.items():
        if name not in Settings.model_fields:
            continue
        assert option.default is None  # so that Settings.from_env applies the environment, then the field's default
        assert option.help is not None
        assert option.help.startswith(field_info(name).description or "?"), name
        assert f"[env: {env_name(name)}] [default: {shown_default(name)}]" in option.help.replace("\\[", "[")


def test_the_key_encryption_key_is_no_command_line_option() -> None:
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    names = {p.name for p in all_options(command)}
    assert "data_dir" in names and "key_encryption_key" not in names


def test_shown_defaults_are_the_fields_defaults() -> None:
    assert shown_default("port") == str(Settings().port) == "8080"
    assert shown_default("access_log") == "on" and Settings().access_log is True
    assert shown_default("allow_private_urls") == "off" and Settings().allow_private_urls is False
    assert Path(shown_default("data_dir")) == Settings().data_dir


def test_settings_go_to_workers_through_the_environment_and_back(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(
        port=9000,
        workers=3,
        allow_private_urls=True,
        access_log=False,
        log_format="text",
        debug_loggers="PIL, sqlalchemy.engine",
        key_encryption_key="k" * 32,
    )
    env = settings.to_env()
    assert env["BARCODE_CLOUD_ACCESS_LOG"] == "false" and "BARCODE_CLOUD_ISSUER" not in env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings.from_env() == settings
    assert Settings.from_env(port=9001, workers=None).port == 9001  # an option wins; None: not given
    assert Settings.from_env(workers=None).workers == 3
    monkeypatch.setenv("BARCODE_CLOUD_PORT", "")
    assert Settings.from_env().port == 8080  # empty: the default
    assert (
        settings.debug_logger_names == ["PIL", "sqlalchemy.engine"]
        and Settings(debug_loggers="").debug_logger_names == []
    )


def test_the_sdks_host_url_in_barcode_cloud_host_is_where_serve_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    # The contract names BARCODE_CLOUD_HOST for both: the SDK's URL and serve's address; one value serves both.
    from urllib.parse import urlsplit

    from barcode_cloud import Configuration

    monkeypatch.setenv("BARCODE_CLOUD_HOST", "http://127.0.0.1:9100/v4.0")
    sdk = urlsplit(Configuration(access_token="t").host)
    server = Settings.from_env()
    assert (server.host, server.port) == (sdk.hostname, sdk.port) == ("127.0.0.1", 9100)
    assert Settings.from_env(port=9200).port == 9200  # an option still wins
    monkeypatch.setenv("BARCODE_CLOUD_PORT", "9300")
    assert Settings.from_env().port == 9300  # and so does the port's own variable
    monkeypatch.delenv("BARCODE_CLOUD_PORT")
    monkeypatch.setenv("BARCODE_CLOUD_HOST", "https://[::1]/v4.0")
    assert (Settings.from_env().host, Settings.from_env().port) == ("::1", 8080)  # no port in the URL: the default
    monkeypatch.setenv("BARCODE_CLOUD_HOST", "::")
    assert Settings.from_env().host == "::"  # an address stays as it is


@pytest.mark.parametrize("value", ["ftp://files.example/", "http://:8080/", "http://127.0.0.1:99999/"])
def test_a_host_url_serve_cannot_listen_on_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(ValueError, match=r"(?s)host.*neither an address to listen on"):
        Settings(host=value)
