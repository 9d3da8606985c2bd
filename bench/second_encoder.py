"""Test symbols from a second encoder: Barcode Writer in Pure PostScript (BWIPP) through treepoem and Ghostscript.

The engine generates with zint, so decoders tested only on zint's symbols could be tuned to zint's way of encoding
(its mode choices, padding, masks) and rendering. This script draws every row of ``ENTRIES`` with BWIPP at one pixel
per module and writes them as 1-bit PNGs beside a manifest to ``tests/data/second_encoder/``; the decoders' tests
read those files (scaled, turned and spoiled their own way), so CI needs neither Ghostscript nor treepoem.

    python -m venv /tmp/bwipp && /tmp/bwipp/bin/pip install treepoem pillow   # and apt: ghostscript
    /tmp/bwipp/bin/python bench/second_encoder.py            # every entry
    /tmp/bwipp/bin/python bench/second_encoder.py dotcode    # entries whose name starts so

Each entry: a file name, BWIPP's encoder name, the data as BWIPP takes it, BWIPP's options, the spec's type and the
value a reader must report. Deterministic: BWIPP draws the same symbol for the same input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NamedTuple

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "second_encoder"


class Entry(NamedTuple):
    name: str
    bcid: str
    data: str
    options: dict[str, str | bool]
    type: str
    value: str


_DOTCODE_TEXT = "Hello, DotCode! mixed Case & 0123456789 xyz"
ENTRIES: list[Entry] = [
    Entry("postnet", "postnet", "55555", {}, "Postnet", "555550"),
    Entry("planet", "planet", "01234567890", {}, "Planet", "012345678900"),
    Entry("rm4scc", "royalmail", "LE28HS9Z", {}, "RM4SCC", "LE28HS9Z"),
    Entry("kix", "kix", "1231FZ13XHS", {}, "DutchKIX", "1231FZ13XHS"),
    Entry("auspost", "auspost", "5956439111ABA 9", {}, "AustraliaPost", "5956439111ABA 9"),
    Entry("onecode", "onecode", "0123456709498765432101234567891", {}, "OneCode", "0123456709498765432101234567891"),
    Entry("code16k", "code16k", "Code16K 2026", {}, "Code16K", "Code16K 2026"),
    Entry("code16k_digits", "code16k", "12345678901234567890", {}, "Code16K", "12345678901234567890"),
    Entry("codablockf", "codablockf", "CodablockF 2026 second encoder", {}, "CodablockF", "CodablockF 2026 second encoder"),
    Entry("dotcode", "dotcode", "DotCode 2026", {}, "DotCode", "DotCode 2026"),
    Entry("dotcode_digits", "dotcode", "1234567890123456", {}, "DotCode", "1234567890123456"),
    Entry("dotcode_text", "dotcode", _DOTCODE_TEXT, {}, "DotCode", _DOTCODE_TEXT),
    Entry("dotcode_binary", "dotcode", "Bin^128^255^200 data", {"parse": True}, "DotCode", "Bin\x80\xff\xc8 data"),
    Entry("gs1dotcode", "gs1dotcode", "(01)09501101530003(17)261231", {}, "GS1DotCode", "(01)09501101530003(17)261231"),
    Entry("hanxin", "hanxin", "Han Xin 2026", {}, "HanXin", "Han Xin 2026"),
    Entry("hanxin_digits", "hanxin", "1234567890123456789012345", {}, "HanXin", "1234567890123456789012345"),
    Entry("ean13composite", "ean13composite", "2112345678900|(99)1234-abcd", {}, "GS1CompositeBar", ""),
    Entry("gs1_128composite", "gs1-128composite", "(00)030123456789012340|(02)13012345678909(37)24(10)1234567ABCDEFG", {}, "GS1CompositeBar", ""),
]


def main(prefixes: list[str]) -> None:
    import treepoem  # type: ignore[import-not-found]  # a tool of this script's own, not the project's
    from PIL import Image

    OUT.mkdir(parents=True, exist_ok=True)
    manifest_path = OUT / "manifest.json"
    manifest: dict[str, dict[str, object]] = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    for entry in ENTRIES:
        if prefixes and not any(entry.name.startswith(p) for p in prefixes):
            continue
        image = treepoem.generate_barcode(entry.bcid, entry.data, dict(entry.options), scale=1)
        drawn = image.convert("1")
        # Rebuilt from its pixels, so that Ghostscript's colour profile is not written into the repository.
        Image.frombytes("1", drawn.size, drawn.tobytes()).save(OUT / f"{entry.name}.png", optimize=True)
        manifest[entry.name] = {
            "bcid": entry.bcid,
            "data": entry.data,
            "options": entry.options,
            "type": entry.type,
            "value": entry.value,
        }
        print(entry.name, image.size)
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
