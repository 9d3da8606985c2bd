"""Aspose's own tests and documentation snippets (``shared/peers/aspose-barcode-cloud-python``, release 26.4.0, run
from there, as published) against a real server: once with the published ``aspose-barcode-cloud`` 26.4.0, the
release they were written for, and once with ``barcode_cloud`` under the import name ``aspose_barcode_cloud``.

Skipped by name, nothing else: what needs the public internet (``fileUrl`` on products.aspose.app, the token
endpoint id.aspose.cloud), and, with our SDK, the one test that pins Aspose's client identification (its
``x-aspose-client`` and ``User-Agent`` values): ours sends its own name, checked here through the same mock seam."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from barcode_cloud import ApiClient, Configuration, EncodeBarcodeType, GenerateApi
from barcode_cloud.api.generate_api import LEGACY_IMAGE_ARGUMENTS
from barcode_cloud.rest import RESTClientObject
from barcode_cloud.version import __version__
from tests.support.paths import SHARED
from tests.support.servers import LiveServer

PEERS = SHARED / "peers" / "aspose-barcode-cloud-python"
ASPOSE_RELEASE = "26.4.0"
ALIAS = Path(__file__).resolve().parents[1] / "support" / "aspose_alias"
SRC = Path(__file__).resolve().parents[2] / "src"

THEIR_TESTS = 20  # collected from tests/ of 26.4.0
INTERNET_TESTS = (
    "tests/test_recognize_api.py::TestRecognizeApi::test_barcode_recognize_get",
    "tests/test_scan_api.py::TestScanBarcode::test_barcode_scan_get",
)
ASPOSE_IDENTIFICATION_TESTS = ("tests/test_headers.py::TestHeaders::test_default_headers",)
INTERNET_SNIPPETS = (
    "manual_fetch_token.py",
    "read/set_image_kind/recognize_get.py",
    "read/set_quality/recognize_get.py",
    "read/set_source/recognize_get.py",
    "read/set_source/scan_get.py",
    "read/set_target_types/recognize_get.py",
)
SNIPPETS = sorted(str(p.relative_to(PEERS / "snippets")) for p in (PEERS / "snippets").rglob("*.py") if PEERS.is_dir())
LEGACY_ARGUMENT = r"\b(" + "|".join(LEGACY_IMAGE_ARGUMENTS) + r")="
CLIENT_ID_TEXT = "Client Id from https://dashboard.aspose.cloud/applications"
CLIENT_SECRET_LINE = 'client_secret="Client Secret from https://dashboard.aspose.cloud/applications",'

pytestmark = pytest.mark.skipif(not PEERS.is_dir(), reason=f"Aspose's tests and snippets are not at {PEERS}")


@pytest.fixture(scope="module")
def published_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published SDK of the release the files were written for, beside (not in) the venv's 26.10; its
    dependencies (urllib3, certifi, python-dateutil) are those of 26.10, installed with the dev extra."""
    target = tmp_path_factory.mktemp("aspose-sdk")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         f"aspose-barcode-cloud=={ASPOSE_RELEASE}"],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    return target


@pytest.fixture(scope="module", params=["published", "barcode_cloud"])
def sdk_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """PYTHONPATH under which ``import aspose_barcode_cloud`` is the SDK of the run."""
    if request.param == "published":
        yield str(request.getfixturevalue("published_sdk"))
    else:
        yield os.pathsep.join([str(ALIAS), str(SRC)])


@pytest.fixture(scope="module")
def peer_env(live_server: LiveServer) -> dict[str, str]:
    creds = live_server.create_client("aspose-peers")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_CONFIGURATION_", "BARCODE_CLOUD_"))}
    return {
        **env,
        "PYTHONDONTWRITEBYTECODE": "1",  # nothing is written into the shared folder
        "TEST_CONFIGURATION_CLIENT_ID": creds.client_id,
        "TEST_CONFIGURATION_CLIENT_SECRET": creds.client_secret,
        "TEST_CONFIGURATION_HOST": live_server.api_url,
        "TEST_CONFIGURATION_TOKEN_URL": live_server.token_url,
    }


def test_their_tests_pass(sdk_path: str, peer_env: dict[str, str]) -> None:
    deselected = INTERNET_TESTS
    if ALIAS.as_posix() in sdk_path:
        deselected += ASPOSE_IDENTIFICATION_TESTS
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", "tests"]
    for node in deselected:
        args += ["--deselect", node]
    run = subprocess.run(
        args, cwd=PEERS, env={**peer_env, "PYTHONPATH": sdk_path}, capture_output=True, text=True, timeout=300
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.match(rf"{THEIR_TESTS - len(deselected)} passed, {len(deselected)} deselected\b", summary), summary


@pytest.mark.parametrize("snippet", [s for s in SNIPPETS if s not in INTERNET_SNIPPETS])
def test_their_snippet_runs(sdk_path: str, peer_env: dict[str, str], snippet: str, tmp_path: Path) -> None:
    """As their scripts/run_snippet.sh does: a copy with the credentials written in (here with our host and token
    URL beside them), run beside a copy of testdata/ (snippets write the images they make there)."""
    source = (PEERS / "snippets" / snippet).read_text(encoding="utf-8")
    assert CLIENT_SECRET_LINE in source
    source = source.replace(CLIENT_ID_TEXT, peer_env["TEST_CONFIGURATION_CLIENT_ID"]).replace(
        CLIENT_SECRET_LINE,
        f'client_secret="{peer_env["TEST_CONFIGURATION_CLIENT_SECRET"]}", '
        f'host="{peer_env["TEST_CONFIGURATION_HOST"]}", token_url="{peer_env["TEST_CONFIGURATION_TOKEN_URL"]}",',
    )
    shutil.copytree(PEERS / "testdata", tmp_path / "testdata")
    run_dir = tmp_path / "snippets_test"
    run_dir.mkdir()
    (run_dir / Path(snippet).name).write_text(source, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, Path(snippet).name],
        cwd=run_dir,
        env={**peer_env, "PYTHONPATH": sdk_path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    if "__main__" in source:  # (one, scan_body.py, only defines its main())
        assert run.stdout.strip(), "a snippet prints what it made or read"
    assert "No barcodes were recognized" not in run.stdout
    flat_image_arguments = "BarcodeImageParams(" not in source and re.search(LEGACY_ARGUMENT, source)
    if ALIAS.as_posix() in sdk_path and flat_image_arguments:  # the 26.1-26.5 call shape: accepted, with a warning
        assert "DeprecationWarning" in run.stderr and "26.1-26.5" in run.stderr, run.stderr


def test_a_mocked_rest_client_gets_our_identification_and_the_callers_header() -> None:
    """The seam of their test_headers, with our name where theirs pins Aspose's."""
    config = Configuration(access_token="fake token", host="localhost")
    client = ApiClient(config, header_name="x-custom", header_value="some custom sdk")
    client.rest_client = mock.Mock(spec_set=RESTClientObject)
    GenerateApi(client).generate(EncodeBarcodeType.CODE128, "Test")
    assert client.rest_client.GET.call_count == 1
    (url,), kwargs = client.rest_client.GET.call_args
    assert url == "localhost/barcode/generate/Code128"
    assert kwargs["query_params"] == [("data", "Test")]
    headers = kwargs["headers"]
    assert headers["User-Agent"] == f"barcode-cloud-python/{__version__}"
    assert headers["x-custom"] == "some custom sdk"
    assert headers["Authorization"] == "Bearer fake token"
