"""Recognition benchmark over zxing-cpp's black-box corpus, run the way its BlackboxTestRunner runs it.

Every image is read at each rotation listed in expected.json, by our engine and by a plain zxing-cpp call in
the same process, and compared with the expected text (see bench_recognition_corpus.py). Prints, per folder
and in total: passes (ours / plain zxing-cpp / the runner's slow-mode threshold), misreads, false positives,
median and p95 time per image. Then Fast mode against a bare zxing-cpp call on clear (generated) images.

    .venv/bin/python bench/bench_recognition.py                  # everything, default mode (Normal)
    .venv/bin/python bench/bench_recognition.py --only ean13 upca --mode Excellent
    .venv/bin/python bench/bench_recognition.py --sample 5       # every 5th image: a quick look
    .venv/bin/python bench/bench_recognition.py --speed-only
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import zxingcpp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_recognition_corpus import (
    DEFAULT_CORPUS,
    RUNNER_FORMATS,
    Case,
    Folder,
    Found,
    check,
    load_folders,
    load_gray,
)

from barcode_cloud_server.engine import recognize as engine


def _found_from_zxing(b: zxingcpp.Barcode) -> Found:
    meta = {
        "symbologyIdentifier": b.symbology_identifier,
        "ecLevel": b.ec_level,
        "contentType": str(b.content_type).rsplit(".", 1)[-1],
        "readerInit": "true" if (b.extra or {}).get("ReaderInit") else "false",
    }
    return Found(format=str(b.format), text=b.text, raw=bytes(b.bytes), meta=meta)


def plain_zxing(gray: np.ndarray, folder: Folder) -> list[Found]:
    """What a plain zxing-cpp call returns: the runner's reader options, the library's defaults otherwise."""
    opts = folder.reader_options
    formats = zxingcpp.barcode_formats_from_str(opts["formats"]) if "formats" in opts else None
    add_on = zxingcpp.EanAddOnSymbol.Require if opts.get("eanAddOnSymbol") == "Require" else None
    kwargs: dict[str, object] = {"text_mode": zxingcpp.TextMode.Escaped}
    if formats is not None:
        kwargs["formats"] = formats
    if add_on is not None:
        kwargs["ean_add_on_symbol"] = add_on
    return [_found_from_zxing(b) for b in zxingcpp.read_barcodes(gray, **kwargs)]


def ours(gray: np.ndarray, folder: Folder, mode: str) -> list[Found]:
    known = RUNNER_FORMATS.get(folder.format)
    types = known.spec_types if known else None
    add_on = folder.reader_options.get("eanAddOnSymbol") == "Require"
    dets = engine.recognize_array(
        gray,
        types=list(types) if types else None,
        mode=engine.Mode(mode),
        require_ean_add_on=add_on,
        text_mode=zxingcpp.TextMode.Escaped,
    )
    return [Found(format=d.zxing_format, text=d.text, raw=d.raw, meta=dict(d.meta)) for d in dets]


@dataclass
class Row:
    folder: str
    threshold: int = 0
    tests: int = 0
    ours: int = 0
    plain: int = 0
    ours_misread: int = 0
    plain_misread: int = 0
    ours_times: list[float] = field(default_factory=list)
    plain_times: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # plain passed, ours did not
    won: list[str] = field(default_factory=list)
    missed: list[tuple[str, int]] = field(default_factory=list)  # (image, rotation) we did not pass


def _run_case(args: tuple[Folder, Case, int, str, bool]) -> tuple[str, str, str, float, float, str]:
    folder, case, rotation, mode, skip_plain = args
    ours_found: list[Found] = []
    plain_found: list[Found] = []
    t_ours = t_plain = 0.0
    for path in case.paths:
        gray = load_gray(path, rotation)
        if not skip_plain:
            t0 = time.perf_counter()
            plain_found += plain_zxing(gray, folder)
            t_plain += time.perf_counter() - t0
        t0 = time.perf_counter()
        ours_found += ours(gray, folder, mode)
        t_ours += time.perf_counter() - t0
    r_ours = check(case, folder, ours_found)
    r_plain = check(case, folder, plain_found) if not skip_plain else "miss"
    detail = ""
    if r_ours == "misread":
        detail = "; ".join(f"{f.format}:{f.text[:40]}" for f in ours_found)
    return folder.name, r_ours, r_plain, t_ours, t_plain, f"{case.name}@{rotation} {detail}".strip()


def _case_of(label: str) -> tuple[str, int]:
    name, rotation = label.split(" ", 1)[0].rsplit("@", 1)
    return name, int(rotation)


def run_corpus(folders: Sequence[Folder], mode: str, jobs: int, sample: int, skip_plain: bool) -> list[Row]:
    work: list[tuple[Folder, Case, int, str, bool]] = []
    rows: dict[str, Row] = {}
    for folder in folders:
        row = rows.setdefault(folder.name, Row(folder.name))
        row.threshold = sum(folder.slow_min.values())
        for rotation in folder.rotations:
            for i, case in enumerate(folder.cases):
                if sample > 1 and i % sample:
                    continue
                work.append((folder, case, rotation, mode, skip_plain))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for name, r_ours, r_plain, t_ours, t_plain, label in pool.map(_run_case, work, chunksize=4):
            row = rows[name]
            row.tests += 1
            row.ours += r_ours == "pass"
            row.plain += r_plain == "pass"
            row.ours_misread += r_ours == "misread"
            row.plain_misread += r_plain == "misread"
            row.ours_times.append(t_ours)
            row.plain_times.append(t_plain)
            if r_plain == "pass" and r_ours != "pass":
                row.lost.append(label)
            if r_ours == "pass" and r_plain != "pass":
                row.won.append(label)
            if r_ours == "misread":
                row.lost.append("MISREAD " + label)
            if r_ours != "pass" and not name.startswith("falsepositives"):
                row.missed.append(_case_of(label))
    return list(rows.values())


def _ms(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    if q == 0.5:
        return statistics.median(values) * 1000
    return float(np.percentile(values, q * 100)) * 1000


def print_table(rows: Sequence[Row], verbose: bool) -> None:
    head = (
        f"{'folder':<22}{'tests':>6}{'slow':>6}{'zxing':>7}{'ours':>6}{'diff':>6}"
        f"{'mis/fp':>8}{'zx mis':>8}{'ours med':>10}{'p95':>8}{'zx med':>8}{'p95':>8}"
    )
    print(head)
    print("-" * len(head))
    tot = Row("TOTAL")
    fp_ours = fp_plain = 0
    for r in rows:
        is_fp = r.folder.startswith("falsepositives")
        print(
            f"{r.folder:<22}{r.tests:>6}{r.threshold:>6}{r.plain:>7}{r.ours:>6}{r.ours - r.plain:>+6}"
            f"{r.ours_misread:>8}{r.plain_misread:>8}{_ms(r.ours_times, 0.5):>10.1f}{_ms(r.ours_times, 0.95):>8.1f}"
            f"{_ms(r.plain_times, 0.5):>8.1f}{_ms(r.plain_times, 0.95):>8.1f}"
            + ("  <-- BELOW ZXING" if r.ours < r.plain else "")
        )
        if verbose:
            for label in r.lost:
                print(f"      lost: {label}")
        tot.ours_times += r.ours_times
        tot.plain_times += r.plain_times
        if not is_fp:
            tot.tests += r.tests
            tot.threshold += r.threshold
            tot.plain += r.plain
            tot.ours += r.ours
        if is_fp:
            fp_ours += r.ours_misread
            fp_plain += r.plain_misread
        else:
            tot.ours_misread += r.ours_misread
            tot.plain_misread += r.plain_misread
    print("-" * len(head))
    print(
        f"{'TOTAL (w/o fp)':<22}{tot.tests:>6}{tot.threshold:>6}{tot.plain:>7}{tot.ours:>6}{tot.ours - tot.plain:>+6}"
        f"{'':>8}{'':>8}{_ms(tot.ours_times, 0.5):>10.1f}{_ms(tot.ours_times, 0.95):>8.1f}"
        f"{_ms(tot.plain_times, 0.5):>8.1f}{_ms(tot.plain_times, 0.95):>8.1f}"
    )
    print(
        f"misreads: ours {tot.ours_misread}, zxing {tot.plain_misread}; "
        f"false positives: ours {fp_ours}, zxing {fp_plain}"
    )
    below = [r.folder for r in rows if r.ours < r.plain]
    print("folders below zxing-cpp:", ", ".join(below) if below else "none")


def speed(repeats: int) -> None:
    """Fast mode against a bare zxing-cpp call on clear generated images (same process, same images)."""
    import zint

    from barcode_cloud_server.engine.images import load_image_bytes

    samples: list[tuple[str, np.ndarray]] = []
    for sym, data in (
        (zint.Symbology.QRCODE, "https://example.com/barcode-cloud?id=12345"),
        (zint.Symbology.CODE128, "BARCODE-CLOUD-128"),
        (zint.Symbology.EANX, "5901234123457"),
        (zint.Symbology.DATAMATRIX, "DataMatrix 0123456789"),
        (zint.Symbology.PDF417, "PDF417 sample text for speed"),
        (zint.Symbology.AZTEC, "Aztec code sample"),
    ):
        sym_obj = zint.Symbol()
        sym_obj.symbology = sym
        sym_obj.scale = 4
        sym_obj.encode(data)
        sym_obj.buffer()
        png = _to_png(sym_obj)
        for page in load_image_bytes(png):
            samples.append((str(sym), np.pad(page.gray, 40, constant_values=255)))
    t_bare = t_fast = 0.0
    for _ in range(repeats):
        for _name, gray in samples:
            t0 = time.perf_counter()
            zxingcpp.read_barcodes(gray)
            t_bare += time.perf_counter() - t0
            t0 = time.perf_counter()
            engine.recognize_array(gray, types=None, mode=engine.Mode.FAST)
            t_fast += time.perf_counter() - t0
    n = repeats * len(samples)
    print(
        f"clear images: bare zxing-cpp {t_bare / n * 1000:.2f} ms/image, Fast mode {t_fast / n * 1000:.2f} ms/image,"
        f" ratio {t_fast / t_bare:.2f}x ({n} reads)"
    )


def _to_png(symbol: object) -> bytes:
    import io

    from PIL import Image

    bitmap = np.asarray(symbol.bitmap)  # type: ignore[attr-defined]
    img = Image.fromarray(bitmap.astype(np.uint8)).convert("L")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--only", nargs="*", help="folders (qrcode-2) or families (qrcode, ean13, falsepositives)")
    ap.add_argument("--mode", default="Normal", choices=["Fast", "Normal", "Excellent"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=1, help="every Nth image only")
    ap.add_argument("--no-plain", action="store_true", help="skip the plain zxing-cpp column")
    ap.add_argument("--verbose", "-v", action="store_true", help="list images zxing-cpp reads and we do not")
    ap.add_argument("--misses", type=Path, help="write the (folder, image, rotation) we miss as JSON")
    ap.add_argument("--speed-only", action="store_true")
    ap.add_argument("--speed-repeats", type=int, default=30)
    args = ap.parse_args(argv)
    if not args.speed_only:
        folders = load_folders(args.corpus, args.only)
        t0 = time.perf_counter()
        rows = run_corpus(folders, args.mode, args.jobs, args.sample, args.no_plain)
        print(
            f"mode {args.mode}, {sum(r.tests for r in rows)} image-rotations, "
            f"{time.perf_counter() - t0:.0f} s wall with {args.jobs} jobs"
        )
        print_table(rows, args.verbose)
        if args.misses:
            import json

            args.misses.write_text(json.dumps([[r.folder, n, rot] for r in rows for n, rot in r.missed]))
    speed(args.speed_repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
