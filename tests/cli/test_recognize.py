"""``barcode-cloud recognize`` and ``scan`` on real files: generated images, a multi-page TIFF, a PDF, the corpus,
broken and truncated files, an empty folder; output formats and exit statuses."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from barcode_cloud_server.engine.generate import GenerateRequest, generate
from barcode_cloud_server.engine.recognize import Mode, recognize_bytes
from tests.support.paths import CORPUS
from tests.support.servers import run_cli


def _png(kind: str, data: str) -> bytes:
    return generate(GenerateRequest(barcode_type=kind, data=data)).content


def _pil(kind: str, data: str) -> Image.Image:
    return Image.open(io.BytesIO(_png(kind, data))).convert("L")


def _lines(stdout: str) -> dict[str, dict[str, object]]:
    return {Path(o["file"]).name: o for o in map(json.loads, stdout.splitlines())}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "qr.png").write_bytes(_png("QR", "first"))
    (folder / "sub" / "ean.png").write_bytes(_png("EAN13", "590123412345"))
    pages = [_pil("QR", "page one"), _pil("Code128", "PAGE-TWO")]
    pages[0].save(folder / "pages.tiff", save_all=True, append_images=pages[1:])
    blank = Image.new("L", (200, 200), 255)
    pdf_pages = [blank, _pil("DataMatrix", "in the pdf").resize((300, 300), Image.Resampling.NEAREST)]
    pdf_pages[0].save(folder / "doc.pdf", save_all=True, append_images=pdf_pages[1:], resolution=150)
    (folder / "notes.txt").write_text("not an image: skipped inside folders")
    return folder


def test_folder_recursive_with_tiff_and_pdf_pages_as_json_lines(files: Path) -> None:
    done = run_cli("recognize", str(files), "--json", "--jobs", "2")

    found = _lines(done.stdout)
    assert sorted(found) == ["doc.pdf", "ean.png", "pages.tiff", "qr.png"]
    assert [(b["type"], b["value"], b["page"]) for b in found["pages.tiff"]["barcodes"]] == [  # type: ignore[union-attr]
        ("QR", "page one", 1),
        ("Code128", "PAGE-TWO", 2),
    ]
    assert [(b["type"], b["value"], b["page"]) for b in found["doc.pdf"]["barcodes"]] == [  # type: ignore[union-attr]
        ("DataMatrix", "in the pdf", 2)
    ]
    assert found["ean.png"]["barcodes"][0]["value"] == "5901234123457"  # type: ignore[index]
    assert all(o["error"] is None for o in found.values())
    assert "4 files: 5 barcodes, 0 without a barcode, 0 errors" in done.stderr


def test_broken_and_truncated_files_are_reported_and_skipped(files: Path) -> None:
    good = (files / "qr.png").read_bytes()
    (files / "truncated.png").write_bytes(good[: len(good) // 2])
    (files / "noise.jpg").write_bytes(b"\x00not a jpeg at all" * 50)
    (files / "empty.gif").write_bytes(b"")
    (files / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is no pdf")

    done = run_cli("scan", str(files), "--json", check=False)

    assert done.returncode == 1
    found = _lines(done.stdout)
    for name in ("truncated.png", "noise.jpg", "empty.gif", "broken.pdf"):
        assert found[name]["error"], name
        assert f"{name}: " in done.stderr
    assert "truncated or corrupt" in str(found["truncated.png"]["error"])
    assert "PDF could not be read" in str(found["broken.pdf"]["error"])
    assert found["qr.png"]["barcodes"] and found["pages.tiff"]["barcodes"]
    assert "Traceback" not in done.stderr


def test_a_file_without_a_barcode_exits_4_and_csv_names_it(tmp_path: Path) -> None:
    Image.new("L", (300, 200), 255).save(tmp_path / "blank.png")
    (tmp_path / "qr.png").write_bytes(_png("QR", 'a,b "quoted"'))

    done = run_cli("recognize", str(tmp_path / "*.png"), "--csv", "--mode", "fast", check=False)

    assert done.returncode == 4
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["file", "page", "type", "value", "checksum", "error"]
    assert sorted((Path(r[0]).name, r[2], r[3]) for r in rows[1:]) == [
        ("blank.png", "", ""),
        ("qr.png", "QR", 'a,b "quoted"'),
    ]


def test_empty_folder_and_missing_names_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "qr.png").write_bytes(_png("QR", "here"))

    done = run_cli(
        "recognize",
        str(tmp_path / "empty"),
        str(tmp_path / "missing.png"),
        str(tmp_path / "qr.png"),
        check=False,
        env={"COLUMNS": "200"},
    )

    assert done.returncode == 1
    assert "the folder holds no image or PDF files" in done.stderr
    assert "no such file or folder" in done.stderr
    assert "here" in done.stdout  # the table still lists what was read


def test_types_restrict_the_search_and_unknown_types_are_usage_errors(files: Path) -> None:
    done = run_cli("recognize", str(files / "pages.tiff"), "--type", "Code128", "--json")
    assert [b["value"] for b in json.loads(done.stdout)["barcodes"]] == ["PAGE-TWO"]
    bad = run_cli("recognize", str(files), "--type", "NoSuchType", check=False)
    assert bad.returncode == 2
    assert "Unknown barcode type 'NoSuchType'" in bad.stderr
    assert run_cli("recognize", str(files), "--mode", "Slow", check=False).returncode == 2


def test_corpus_folder_reads_as_the_engine_does_on_every_core(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS / "qrcode-2", folder / "qrcode-2")
    shutil.copytree(CORPUS / "ean13-1", folder / "ean13-1")
    images = sorted(p for p in folder.rglob("*") if p.suffix in (".png", ".jpg", ".webp", ".gif"))

    done = run_cli("scan", str(folder), "--json", check=False)

    found = {o["file"]: o for o in map(json.loads, done.stdout.splitlines())}
    assert sorted(found) == sorted(map(str, images))
    expected = {str(p): [(d.type, d.value) for d in recognize_bytes(p.read_bytes(), None, Mode.NORMAL)] for p in images}
    got = {f: [(b["type"], b["value"]) for b in o["barcodes"]] for f, o in found.items()}
    same = sum(got[f] == expected[f] for f in got)
    assert same >= 0.95 * len(images)  # the time budget may cut a slow image short on a busy machine
    readable = [p for p in images if p.with_suffix(".txt").exists() and got[str(p)]]
    assert any(p.with_suffix(".txt").read_text().strip() in {v for _, v in got[str(p)]} for p in readable)
    assert done.returncode in (0, 4)


def test_help_has_examples_and_completion_works() -> None:
    assert "barcode-cloud recognize scans/ --json" in run_cli("recognize", "--help", env={"COLUMNS": "200"}).stdout
    assert "Exit status" in run_cli("scan", "--help", env={"COLUMNS": "200"}).stdout
    done = run_cli(
        env={"_BARCODE_CLOUD_COMPLETE": "complete_bash", "COMP_WORDS": "barcode-cloud reco", "COMP_CWORD": "1"},
        check=False,
    )
    assert "recognize" in done.stdout
