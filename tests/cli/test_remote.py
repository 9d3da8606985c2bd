"""``generate``, ``recognize`` and ``doctor`` through a real server with the SDK: client credentials (options and
variables), an access token, concurrent requests, and what doctor says when something is wrong."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from barcode_cloud_server.engine.recognize import recognize_bytes
from tests.support.servers import LiveServer, free_port, run_cli


def _creds(server: LiveServer, *scopes: str) -> dict[str, str]:
    creds = server.create_client("cli", list(scopes) or None)
    return {
        "BARCODE_CLOUD_REMOTE": server.base_url,
        "BARCODE_CLOUD_CLIENT_ID": creds.client_id,
        "BARCODE_CLOUD_CLIENT_SECRET": creds.client_secret,
    }


def test_generate_and_recognize_through_a_server(live_server: LiveServer, tmp_path: Path) -> None:
    env = _creds(live_server)
    run_cli("generate", "QR", "remote one", "-o", str(tmp_path / "a.png"), "--image-width", "240", env=env)
    assert [d.value for d in recognize_bytes((tmp_path / "a.png").read_bytes())] == ["remote one"]
    rows = tmp_path / "rows.csv"
    rows.write_text("data,type\n" + "".join(f"item {i},QR\n" for i in range(6)) + "12,EAN13\n")
    batch = run_cli("generate", "--batch", str(rows), "-o", str(tmp_path / "out"), "--jobs", "3", env=env, check=False)
    assert batch.returncode == 1
    assert "6 of 7 images written" in batch.stderr
    assert "the server answered 400" in batch.stderr
    Image.new("L", (120, 120), 255).save(tmp_path / "out" / "blank.png")
    pdf = tmp_path / "out" / "doc.pdf"
    Image.open(tmp_path / "a.png").convert("L").save(pdf, resolution=96)

    done = run_cli("scan", str(tmp_path / "out"), "--json", "--jobs", "4", env=env, check=False)

    found = {Path(o["file"]).name: o for o in map(json.loads, done.stdout.splitlines())}
    assert done.returncode == 4  # blank.png
    assert {n: [b["value"] for b in o["barcodes"]] for n, o in found.items() if n.startswith("item")} == {
        f"item_{i}.png": [f"item {i}"] for i in range(6)
    }
    assert [(b["value"], b["page"]) for b in found["doc.pdf"]["barcodes"]] == [("remote one", 1)]
    assert found["blank.png"]["barcodes"] == []


def test_an_access_token_and_its_scope(live_server: LiveServer, tmp_path: Path) -> None:
    token = live_server.token(live_server.create_client("gen-only", ["barcode.generate"]))
    args = ("--remote", live_server.base_url, "--access-token", token)

    run_cli("generate", "Code128", "TOKEN", "-o", str(tmp_path / "a.png"), *args)
    refused = run_cli("recognize", str(tmp_path / "a.png"), "-t", "Code128", *args, check=False)

    assert refused.returncode == 1
    assert "the server answered 403" in refused.stderr


def test_missing_credentials_are_a_usage_error(live_server: LiveServer, tmp_path: Path) -> None:
    done = run_cli("generate", "QR", "x", "-o", str(tmp_path / "a.png"), "--remote", live_server.base_url, check=False)
    assert done.returncode == 2
    assert "give --client-id and --client-secret" in done.stderr


def test_doctor_passes_on_a_good_configuration(live_server: LiveServer) -> None:
    done = run_cli("doctor", env=_creds(live_server))
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == [
        "ok server reachable",
        "ok discovery",
        "ok access token",
        "ok generate",
        "ok recognize",
    ]


def test_doctor_says_what_is_wrong(live_server: LiveServer) -> None:
    env = _creds(live_server)
    wrong = run_cli("doctor", env={**env, "BARCODE_CLOUD_CLIENT_SECRET": "not-the-secret"}, check=False)
    assert wrong.returncode == 1
    assert "FAILED access token: the token endpoint refused the client id or secret" in wrong.stdout
    assert "- generate: not checked" in wrong.stdout

    generate_only = run_cli("doctor", env=_creds(live_server, "barcode.generate"), check=False)
    assert "ok generate" in generate_only.stdout
    assert "FAILED recognize: the token lacks the barcode.recognize scope" in generate_only.stdout

    nobody = run_cli("doctor", env={**env, "BARCODE_CLOUD_REMOTE": f"http://127.0.0.1:{free_port()}"}, check=False)
    assert "FAILED server reachable: cannot reach" in nobody.stdout
    assert "Is the server running" in nobody.stdout
