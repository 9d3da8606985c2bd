"""In-process generation speed: the engine call (data in, PNG bytes out) on one core.

Cases: QR ("https://example.com/product/12345", 4 px per module: the default) and Code128 (text below), plus
zint's own PNG writer for QR as the reference the issue measured (about 57 us).
Run: .venv/bin/python bench/bench_generate_engine.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import zint

from barcode_cloud_server.engine.generate import GenerateRequest, generate

URL = "https://example.com/product/12345"


def zint_png_qr() -> bytes:
    sym = zint.Symbol()
    sym.symbology = zint.Symbology.QRCODE
    sym.output_options = zint.OutputOptions.BARCODE_MEMORY_FILE | zint.OutputOptions.BARCODE_QUIET_ZONES
    sym.outfile = "out.png"
    sym.scale = 2  # 4 px per module
    sym.encode(URL)
    sym.print()
    memfile = sym.memfile
    assert memfile is not None
    return bytes(memfile)


CASES: dict[str, Callable[[], bytes]] = {
    "QR PNG (engine)": lambda: generate(GenerateRequest("QR", URL)).content,
    "Code128 PNG, text below (engine)": lambda: generate(GenerateRequest("Code128", "BC-2026-000123")).content,
    "Code128 PNG, no text (engine)": lambda: (
        generate(GenerateRequest("Code128", "BC-2026-000123", text_location="None")).content
    ),
    "QR SVG (engine)": lambda: generate(GenerateRequest("QR", URL, image_format="Svg")).content,
    "QR PNG (zint's own writer, reference)": zint_png_qr,
}


def measure(fn: Callable[[], bytes], seconds: float) -> tuple[float, int]:
    for _ in range(200):
        fn()
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            fn()
        calls += 100
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / calls * 1e6, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    print(f"{'case':42} {'us/call':>9} {'calls/s':>10} {'bytes':>7}")
    for name, fn in CASES.items():
        us, _ = measure(fn, args.seconds)
        print(f"{name:42} {us:9.1f} {1e6 / us:10.0f} {len(fn()):7d}")


if __name__ == "__main__":
    main()
