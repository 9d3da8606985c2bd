"""``barcode-cloud generate``: real processes writing real files, read back with the engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from barcode_cloud_server.cli.generate import option_name
from barcode_cloud_server.engine.recognize import recognize_bytes
from barcode_cloud_server.tools.generation import PARAMS
from tests.support.servers import run_cli


def _read(path: Path) -> list[tuple[str, str]]:
    return [(d.type, d.value) for d in recognize_bytes(path.read_bytes())]


def test_one_image_per_extension_and_options(tmp_path: Path) -> None:
    run_cli("generate", "QR", "Hello, world", "-o", str(tmp_path / "a.png"))
    run_cli("generate", "qr", "x", "-o", str(tmp_path / "b.jpg"), "--image-width", "300", "--rotation-angle", "90")
    run_cli(
        "generate", "Code128", "ABC-123", "-o", str(tmp_path / "c.svg"), "--image-height", "20", "--units", "Millimeter"
    )
    run_cli("generate", "EAN13", "590123412345", "-o", str(tmp_path / "d.tif"), "--foreground-color", "#0000FF")
    run_cli("generate", "QR", "bmp", "-o", str(tmp_path / "e.bmp"))

    assert _read(tmp_path / "a.png") == [("QR", "Hello, world")]
    assert (tmp_path / "b.jpg").read_bytes()[:2] == b"\xff\xd8"
    from PIL import Image

    with Image.open(tmp_path / "b.jpg") as im:
        assert im.size[0] == 300
    assert (tmp_path / "c.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert 'height="76"' in (tmp_path / "c.svg").read_text()  # 20 mm at 96 dpi
    assert _read(tmp_path / "d.tif") == [("EAN13", "5901234123457")]
    assert (tmp_path / "e.bmp").read_bytes()[:2] == b"BM"


def test_standard_output_gets_the_image_bytes() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "barcode_cloud_server.cli",
            "generate",
            "QR",
            "piped",
            "-o",
            "-",
            "--image-format",
            "Gif",
        ],
        capture_output=True,
        check=True,
        timeout=60,
        env=os.environ,
    )
    assert done.stdout[:3] == b"GIF"
    assert recognize_bytes(done.stdout)[0].value == "piped"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["QR", "x", "-o", "x.png", "--units", "Parsec"], "units 'Parsec' is not valid; allowed values: Pixel"),
        (["EAN13", "abc", "-o", "x.png"], "only digits"),
        (["NoSuchType", "abc", "-o", "x.png"], "barcode type 'NoSuchType' is not valid"),
        (["QR", "x", "-o", "x.png", "--image-width", "wide"], "imageWidth must be a number"),
        (["QR", "x", "-o", "x.png.bin"], "its extension names no format"),
    ],
)
def test_bad_options_fail_with_the_apis_message(tmp_path: Path, args: list[str], message: str) -> None:
    done = run_cli("generate", *[str(tmp_path / a) if a.startswith("x.png") else a for a in args], check=False)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("generate", "QR", "x", check=False).returncode == 2  # no -o
    done = run_cli("generate", "QR", "x", "-o", str(tmp_path / "a.png"), "--remote", "ftp://x", check=False)
    assert done.returncode == 2
    assert "http(s) URL" in done.stderr


def test_every_api_parameter_is_an_option() -> None:
    done = run_cli("generate", "--help", env={"COLUMNS": "300"})
    for param in PARAMS:
        assert f"--{option_name(param)}" in done.stdout
    assert "barcode-cloud generate QR" in done.stdout  # the examples


def test_batch_makes_one_image_per_row_and_names_the_failures(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "data,file,foreground-color,type\n"
        "hello,h.png,Red,\n"
        "590123412345,,,EAN13\n"
        "bad!,,,EAN13\n"
        "x,../evil.png,,\n"
        "world,sub/w.svg,,\n"
        "world,,,\n"
        "world,,,\n"
    )
    out = tmp_path / "out"
    done = run_cli("generate", "--batch", str(rows), "-o", str(out), "QR", "--jobs", "2", check=False)

    assert done.returncode == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == [
        "590123412345.png",
        "h.png",
        "sub/w.svg",
        "world-2.png",
        "world.png",
    ]
    assert _read(out / "h.png") == [("QR", "hello")]
    assert "5 of 7 images written" in done.stderr
    assert "line 4 (" in done.stderr and "only digits" in done.stderr
    assert "line 5 (../evil.png)" in done.stderr
    assert not (tmp_path / "evil.png").exists()


def test_batch_from_standard_input_with_unknown_column(tmp_path: Path) -> None:
    good = subprocess.run(
        [sys.executable, "-m", "barcode_cloud_server.cli", "generate", "--batch", "-", "-o", str(tmp_path), "QR"],
        input=b"data,imageWidth\none,200\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert _read(tmp_path / "one.png") == [("QR", "one")]
    bad = subprocess.run(
        [sys.executable, "-m", "barcode_cloud_server.cli", "generate", "--batch", "-", "-o", str(tmp_path), "QR"],
        input=b"data,colour\none,red\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert b"unknown columns ['colour']" in bad.stderr
