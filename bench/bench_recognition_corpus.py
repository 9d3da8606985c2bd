"""The zxing-cpp black-box corpus: folders, expected results and the runner's comparison rules.

Read by ``bench_recognition.py`` and by the corpus-based engine tests. The rules follow the corpus README:
expected text is escaped like zxing's ``EscapeNonGraphical`` and compared with the decoder's escaped text,
``.bin`` is compared byte-for-byte when there is no ``.txt``, every key of ``.result.txt`` must match,
``PREFIX-k`` images of the structured-append folders are merged into one result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

# zxing-cpp's ``EscapeNonGraphical``, the same function the engine uses for TextMode.Escaped from ZBar reads.
from barcode_cloud_server.engine.recognize_types import escape_non_graphical

# The corpus lies in the project's shared folder beside the repository; BARCODE_CLOUD_SHARED points elsewhere.
_SHARED = Path(os.environ.get("BARCODE_CLOUD_SHARED") or Path(__file__).resolve().parents[2] / "shared")
DEFAULT_CORPUS = _SHARED / "corpus" / "zxing-cpp-samples"
IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".jpeg", ".gif", ".bmp", ".pgm")
SEQUENCE_FOLDERS = ("qrcode-7", "pdf417-4")


@dataclass(frozen=True)
class Found:
    """One decoded symbol as the runner sees it (zxing-cpp's vocabulary)."""

    format: str  # zxing-cpp's format name, e.g. "EAN-13", "Code 39 Extended"
    text: str  # TextMode.Escaped
    raw: bytes
    meta: dict[str, str] = field(default_factory=dict)  # symbologyIdentifier, ecLevel, ...
    sequence: tuple[int, int, str] | None = None  # (size, index, id) for structured append


@dataclass(frozen=True)
class Case:
    """One image (or one structured-append group) with what it must decode to."""

    folder: str
    name: str
    paths: tuple[Path, ...]
    expected_text: str | None
    expected_bytes: bytes | None
    expected_meta: dict[str, str]

    @property
    def has_expectation(self) -> bool:
        return self.expected_text is not None or self.expected_bytes is not None


@dataclass(frozen=True)
class Folder:
    name: str
    format: str  # the runner's format name, e.g. "EAN13", "None" for false positives
    rotations: tuple[int, ...]
    slow_min: dict[int, int]
    cases: tuple[Case, ...]
    reader_options: dict[str, str]

    @property
    def is_false_positive(self) -> bool:
        return self.format == "None"


def _read_expectation(base: Path) -> tuple[str | None, bytes | None, dict[str, str]]:
    txt = base.with_name(base.name + ".txt")
    binf = base.with_name(base.name + ".bin")
    meta_f = base.with_name(base.name + ".result.txt")
    text = None
    if txt.exists():
        with open(txt, encoding="utf-8", newline="") as fh:  # keep CR LF as it is
            text = escape_non_graphical(fh.read())
    raw = binf.read_bytes() if (text is None and binf.exists()) else None
    meta: dict[str, str] = {}
    if meta_f.exists():
        for line in meta_f.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            meta[key.strip()] = value.strip()
    return text, raw, meta


def load_folders(root: Path = DEFAULT_CORPUS, only: Sequence[str] | None = None) -> list[Folder]:
    spec = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    folders: list[Folder] = []
    for name, info in spec["folders"].items():
        if only and not any(name == o or name.startswith(o + "-") or o == name.split("-")[0] for o in only):
            continue
        directory = root / name
        images = sorted(p for p in directory.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        cases: list[Case] = []
        if name in SEQUENCE_FOLDERS:
            groups: dict[str, list[Path]] = {}
            for p in images:
                groups.setdefault(p.stem.rsplit("-", 1)[0], []).append(p)
            for prefix, paths in sorted(groups.items()):
                text, raw, meta = _read_expectation(directory / prefix)
                cases.append(Case(name, prefix, tuple(paths), text, raw, meta))
        else:
            for p in images:
                text, raw, meta = _read_expectation(p.with_suffix(""))
                cases.append(Case(name, p.stem, (p,), text, raw, meta))
        tests = info["tests"]
        folders.append(
            Folder(
                name=name,
                format=info["format"],
                rotations=tuple(int(t["rotation"]) for t in tests),
                slow_min={int(t["rotation"]): int(t["slow_min"]) for t in tests},
                cases=tuple(cases),
                reader_options={k: str(v) for k, v in (info.get("reader_options") or {}).items()},
            )
        )
    return folders


def load_gray(path: Path, rotation: int) -> np.ndarray:
    """Grayscale pixels of a corpus image turned clockwise by ``rotation`` degrees."""
    with Image.open(path) as im:
        im.load()
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            gray = Image.alpha_composite(white, rgba).convert("L")
        else:
            gray = im.convert("L")
    arr = np.asarray(gray, dtype=np.uint8)
    if rotation:
        arr = np.rot90(arr, k=-(rotation // 90))
    return np.ascontiguousarray(arr)


@dataclass(frozen=True)
class RunnerFormat:
    """One of the runner's format names (expected.json): what zxing-cpp 3.1.1 calls such a symbol, and the spec's
    DecodeBarcodeType names our engine is asked for (None: scan every type)."""

    zxing_names: tuple[str, ...]
    spec_types: tuple[str, ...] | None


RUNNER_FORMATS: dict[str, RunnerFormat] = {
    "Aztec": RunnerFormat(("Aztec", "Aztec Code", "Aztec Rune"), ("Aztec",)),
    "DataMatrix": RunnerFormat(("Data Matrix",), ("DataMatrix",)),
    "DXFilmEdge": RunnerFormat(("DX Film Edge",), None),
    "Codabar": RunnerFormat(("Codabar",), ("Codabar",)),
    "Code39": RunnerFormat(
        ("Code 39", "Code 39 Extended", "Pharmazentralnummer", "Code 32"),
        ("Code39", "Code39FullASCII", "PZN", "Code32"),
    ),
    "Code39Ext": RunnerFormat(("Code 39 Extended",), ("Code39FullASCII",)),
    "Code93": RunnerFormat(("Code 93",), ("Code93",)),
    "Code128": RunnerFormat(("Code 128",), ("Code128",)),
    "EAN8": RunnerFormat(("EAN-8",), ("EAN8",)),
    "EAN13": RunnerFormat(("EAN-13", "ISBN"), ("EAN13", "ISBN")),
    "ITF": RunnerFormat(("ITF", "ITF-14"), ("Interleaved2of5", "ITF14")),
    "Telepen": RunnerFormat(("Telepen", "Telepen Alpha", "Telepen Numeric"), None),
    "UPCA": RunnerFormat(("UPC-A",), ("UPCA",)),
    "UPCE": RunnerFormat(("UPC-E",), ("UPCE",)),
    "DataBarOmni": RunnerFormat(("DataBar Omni", "DataBar"), ("DatabarOmniDirectional", "DatabarTruncated")),
    "DataBarStk": RunnerFormat(
        ("DataBar Stacked", "DataBar Stacked Omni"), ("DatabarStacked", "DatabarStackedOmniDirectional")
    ),
    "DataBarExp": RunnerFormat(("DataBar Expanded",), ("DatabarExpanded",)),
    "DataBarExpStk": RunnerFormat(("DataBar Expanded Stacked",), ("DatabarExpandedStacked",)),
    "DataBarLtd": RunnerFormat(("DataBar Limited",), ("DatabarLimited",)),
    "MaxiCode": RunnerFormat(("MaxiCode",), ("MaxiCode",)),
    "QRCode": RunnerFormat(("QR Code", "QR Code Model 1", "QR Code Model 2"), ("QR",)),
    "MicroQRCode": RunnerFormat(("Micro QR Code",), ("MicroQR",)),
    "RMQRCode": RunnerFormat(("rMQR Code",), ("RectMicroQR",)),
    "PDF417": RunnerFormat(("PDF417", "Compact PDF417"), ("Pdf417", "CompactPdf417", "MacroPdf417")),
    "MicroPDF417": RunnerFormat(("MicroPDF417",), ("MicroPdf417",)),
    "None": RunnerFormat((), None),
}


def _meta_matches(found: Found, expected: dict[str, str]) -> bool:
    for key, value in expected.items():
        if key in ("sequenceSize", "sequenceIndex", "sequenceId", "isInverted", "isMirrored"):
            continue  # not exposed by zxing-cpp's Python binding: skipped for every reader alike
        if key == "format":
            if found.format != value:
                return False
            continue
        if found.meta.get(key) != value:
            return False
    return True


def check(case: Case, folder: Folder, found: Sequence[Found]) -> str:
    """``"pass"``, ``"misread"`` (a symbol of the folder's format with other content) or ``"miss"``."""
    if folder.is_false_positive:
        return "misread" if found else "pass"
    known = RUNNER_FORMATS.get(folder.format)
    names = known.zxing_names if known else (folder.format,)
    same_format = [f for f in found if f.format in names]
    if len(case.paths) > 1 or case.folder in SEQUENCE_FOLDERS:
        same_format = [_merge(same_format)] if same_format else []
    if not case.has_expectation:
        return "misread" if same_format else "miss"
    for f in same_format:
        ok = f.text == case.expected_text if case.expected_text is not None else f.raw == case.expected_bytes
        if ok and _meta_matches(f, case.expected_meta):
            return "pass"
    return "misread" if same_format else "miss"


def _merge(found: Sequence[Found]) -> Found:
    """Structured append: the parts in sequence order (file order when the binding gives no index), joined."""
    ordered = sorted(found, key=lambda f: f.sequence[1] if f.sequence else 0)
    seen: set[tuple[str, bytes]] = set()
    parts: list[Found] = []
    for f in ordered:
        if (f.text, f.raw) not in seen:  # the same part read twice (e.g. by two passes)
            seen.add((f.text, f.raw))
            parts.append(f)
    return Found(
        format=parts[0].format,
        text="".join(f.text for f in parts),
        raw=b"".join(f.raw for f in parts),
        meta=parts[0].meta,
    )


Reader = Callable[[np.ndarray, Folder], list[Found]]
