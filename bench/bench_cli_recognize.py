"""`barcode-cloud recognize` on 1,000 corpus images with every core, against a plain single-core zxing-cpp loop
over the same files (decoding included), in one run. Prints images per second for both, the ratio, and how many
images each found a barcode in; then the same command with one process (--jobs 1), which tells what the cores
bring from what the engine's further passes cost.

    .venv/bin/python bench/bench_cli_recognize.py                     # 1,000 images, Normal mode, every core
    .venv/bin/python bench/bench_cli_recognize.py --mode Fast --count 300 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

import zxingcpp
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("BARCODE_CLOUD_SHARED") or ROOT.parent / "shared") / "corpus" / "zxing-cpp-samples"
SUFFIXES = (".png", ".jpg", ".webp")


def corpus_images(corpus: Path, count: int) -> list[Path]:
    images = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES)
    return list(islice(cycle(images), count))  # the corpus has fewer: the first ones come round again


def plain_zxing(files: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    found = 0
    for path in files:
        with Image.open(path) as im:
            found += bool(zxingcpp.read_barcodes(im.convert("L")))
    return time.perf_counter() - start, found


def cli(files: list[Path], mode: str, jobs: int | None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        for index, path in enumerate(files):  # one link per image, so that repeated files count each time
            os.symlink(path.resolve(), Path(folder) / f"{index:05d}{path.suffix}")
        command = [sys.executable, "-m", "barcode_cloud_server.cli", "recognize", folder, "--json", "--mode", mode]
        if jobs:
            command += ["--jobs", str(jobs)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
    if done.returncode not in (0, 4):
        raise SystemExit(f"barcode-cloud recognize failed ({done.returncode}):\n{done.stderr}")
    results = [json.loads(line) for line in done.stdout.splitlines()]
    return elapsed, sum(bool(r["barcodes"]) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--mode", default="Normal", choices=["Fast", "Normal", "Excellent"])
    parser.add_argument("--jobs", type=int, default=None, help="processes for the CLI (default: one per core)")
    args = parser.parse_args()

    files = corpus_images(args.corpus, args.count)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    plain_s, plain_found = plain_zxing(files)
    cli_s, cli_found = cli(files, args.mode, args.jobs)
    one_s, _ = cli(files, args.mode, 1)
    plain_rate, cli_rate, one_rate = len(files) / plain_s, len(files) / cli_s, len(files) / one_s
    print(f"{len(files)} images from {args.corpus}, {cores} cores, mode {args.mode}")
    print(f"plain zxing-cpp, one core:        {plain_rate:7.1f} images/s, a barcode in {plain_found}")
    print(f"barcode-cloud recognize, all:     {cli_rate:7.1f} images/s, a barcode in {cli_found}")
    print(f"barcode-cloud recognize --jobs 1: {one_rate:7.1f} images/s")
    print(f"ratio (ours on all cores / plain): {cli_rate / plain_rate:.2f}; all cores / one: {cli_rate / one_rate:.2f}")


if __name__ == "__main__":
    main()
