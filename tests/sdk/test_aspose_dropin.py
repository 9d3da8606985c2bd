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


def test_every_module_path_of_the_published_package_has_the_same_names_in_ours() -> None:
    import importlib
    import inspect
    import pkgutil

    import aspose_barcode_cloud

    lacking: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(aspose_barcode_cloud.__path__, "aspose_barcode_cloud."):
        theirs = importlib.import_module(info.name)
        ours = importlib.import_module("barcode_cloud" + info.name.removeprefix("aspose_barcode_cloud"))
        names = [
            name
            for name, value in vars(theirs).items()
            if not name.startswith("_") and inspect.isclass(value) | inspect.isfunction(value)
            if value.__module__ == info.name
        ]
        if missing := [name for name in names if not hasattr(ours, name)]:
            lacking[info.name] = missing
    assert lacking == {}


def test_the_26_1_to_26_5_call_shape_of_generate_still_works_with_a_warning(live_server: LiveServer) -> None:
    from barcode_cloud import ApiClient, BarcodeImageFormat, BarcodeImageParams, Configuration, GenerateApi

    token = live_server.token(live_server.create_client("legacy-shape", ["barcode.generate"]))
    api = GenerateApi(ApiClient(Configuration(access_token=token, host=live_server.api_url)))
    new = api.generate_multipart(
        "QR", "legacy", barcode_image_params=BarcodeImageParams(image_format="Gif", background_color="#ffe")
    )
    with pytest.warns(DeprecationWarning, match=r"generate_multipart\(image_format=..., background_color=...\)"):
        old = api.generate_multipart("QR", "legacy", image_format=BarcodeImageFormat.GIF, background_color="0xffe")
    assert old.data == new.data and old.content_type == "image/gif"
    with pytest.warns(DeprecationWarning, match="26.1-26.5"):
        positional = api.generate("QR", "legacy", None, "Gif", background_color="#ffe")
    assert positional.data == new.data
    with pytest.raises(TypeError, match="not both"):
        api.generate("QR", "x", barcode_image_params=BarcodeImageParams(), units="Pixel")
