"""The scripts in examples/ run as written against the real server (configuration from BARCODE_CLOUD_*)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.support.servers import LiveServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(script: str, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=cwd,
        check=False,
    )


def run(script: str, *args: str, env: dict[str, str], cwd: Path) -> str:
    result = run_example(script, *args, env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_generate_then_recognize_then_scan(live_server: LiveServer, tmp_path: Path) -> None:
    creds = live_server.create_client("examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BARCODE_CLOUD_")}
    env |= {
        "BARCODE_CLOUD_HOST": live_server.api_url,
        "BARCODE_CLOUD_CLIENT_ID": creds.client_id,
        "BARCODE_CLOUD_CLIENT_SECRET": creds.client_secret,
    }
    text = "example " + uuid.uuid4().hex[:8]

    out = run("generate_qr.py", text, "code.png", env=env, cwd=tmp_path)
    assert "saved to code.png" in out
    assert (tmp_path / "code.png").read_bytes().startswith(b"\x89PNG")

    assert run("recognize_file.py", "code.png", "QR", env=env, cwd=tmp_path).strip() == f"QR: {text}"
    assert run("scan_file.py", "code.png", env=env, cwd=tmp_path).strip() == f"QR: {text}"

    env["BARCODE_CLOUD_CLIENT_SECRET"] = "wrong"
    failed = run_example("recognize_file.py", "code.png", env=env, cwd=tmp_path)
    assert failed.returncode != 0
    assert "recognition failed: 401" in failed.stderr
    assert "wrong" not in failed.stderr.replace("recognition failed", "")
