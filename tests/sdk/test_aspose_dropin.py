"""Drop-in: the sample program of the published aspose-barcode-cloud package (its README, as installed)
runs against our server with only the import changed, in JWT mode and in external mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path

import pytest

from tests.support.servers import LiveServer


def aspose_sample() -> str:
    readme = metadata("aspose-barcode-cloud").get_payload()  # type: ignore[attr-defined]
    samples = [s for s in re.findall(r"```python\n(.*?)```", str(readme), re.S) if "Configuration(" in s]
    assert samples, "the aspose README holds a sample program"
    return str(samples[0])


@pytest.mark.parametrize("mode", ["jwt", "external"])
def test_aspose_readme_sample_runs_with_the_import_changed(live_server: LiveServer, tmp_path: Path, mode: str) -> None:
    creds = live_server.create_client(f"dropin-{mode}")
    code = aspose_sample().replace("aspose_barcode_cloud", "barcode_cloud")
    code = code.replace('"Client Id from https://dashboard.aspose.cloud/applications"', repr(creds.client_id))
    code = code.replace('"Client Secret from https://dashboard.aspose.cloud/applications"', repr(creds.client_secret))
    assert creds.client_id in code and creds.client_secret in code
    (tmp_path / "sample.py").write_text(code)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BARCODE_CLOUD_", "TEST_CONFIGURATION"))}
    env["BARCODE_CLOUD_HOST"] = live_server.api_url  # the host: the only other change
    if mode == "external":
        env["TEST_CONFIGURATION_ACCESS_TOKEN"] = live_server.token(creds)
    result = subprocess.run(
        [sys.executable, "sample.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Barcode saved to file 'example.png'" in result.stdout
    assert "barcode_value='Example'" in result.stdout
    assert (tmp_path / "example.png").read_bytes().startswith(b"\x89PNG")
