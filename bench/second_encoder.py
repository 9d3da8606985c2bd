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


_HANXIN_LARGE = "Han Xin Code second encoder, a larger symbol: " + "0123456789ABCDEFGHIJ" * 12
_DOTCODE_TEXT = "Hello, DotCode! mixed Case & 0123456789 xyz"

ENTRIES: list[Entry] = [
    Entry("postnet", "postnet", "55555", {}, "Postnet", "555555"),
    Entry("planet", "planet", "01234567890", {}, "Planet", "012345678905"),
    Entry("rm4scc", "royalmail", "LE28HS9Z", {}, "RM4SCC", "LE28HS9Z"),
    Entry("kix", "kix", "1231FZ13XHS", {}, "DutchKIX", "1231FZ13XHS"),
    Entry("auspost", "auspost", "5956439111ABA 9", {}, "AustraliaPost", "5956439111ABA 9"),
    Entry("onecode", "onecode", "0123456709498765432101234567891", {}, "OneCode", "0123456709498765432101234567891"),
    Entry("postnet_zip4", "postnet", "555551237", {}, "Postnet", "5555512372"),
    Entry("rm4scc_sn34", "royalmail", "SN34RD1A", {}, "RM4SCC", "SN34RD1A"),
    Entry("auspost_11", "auspost", "1196184209", {}, "AustraliaPost", "1196184209"),
    Entry("auspost_87", "auspost", "8712345678", {}, "AustraliaPost", "8712345678"),
    Entry(
        "auspost_59_numeric",
        "auspost",
        "595643911112345678",
        {"custinfoenc": "numeric"},
        "AustraliaPost",
        "595643911112345678",
    ),
    Entry("auspost_62_chars", "auspost", "6212345678ABC def#1", {}, "AustraliaPost", "6212345678ABC def#1"),
    Entry("onecode_routing0", "onecode", "00040123456789012345", {}, "OneCode", "00040123456789012345"),
    Entry("onecode_routing5", "onecode", "0123456709498765432101234", {}, "OneCode", "0123456709498765432101234"),
    Entry(
        "onecode_routing9", "onecode", "01234567094987654321012345678", {}, "OneCode", "01234567094987654321012345678"
    ),
    Entry("code16k", "code16k", "Code16K 2026", {}, "Code16K", "Code16K 2026"),
    Entry("code16k_digits", "code16k", "12345678901234567890", {}, "Code16K", "12345678901234567890"),
    Entry(
        "codablockf", "codablockf", "CodablockF 2026 second encoder", {}, "CodablockF", "CodablockF 2026 second encoder"
    ),
    Entry("code16k_mixed", "code16k", "Mixed: abc 123456 XYZ!", {}, "Code16K", "Mixed: abc 123456 XYZ!"),
    Entry(
        "code16k_long",
        "code16k",
        "Code 16K of many rows, BWIPP 2026: 0123456789 ABCDEFGHIJ abcdefghij",
        {},
        "Code16K",
        "Code 16K of many rows, BWIPP 2026: 0123456789 ABCDEFGHIJ abcdefghij",
    ),
    Entry(
        "codablockf_digits",
        "codablockf",
        "123456789012345678901234567890",
        {},
        "CodablockF",
        "123456789012345678901234567890",
    ),
    Entry(
        "codablockf_long",
        "codablockf",
        "Codablock F of several rows from a second encoder: 2026-12-06, 0123456789, ~!@#$%^&*()",
        {"columns": "8"},
        "CodablockF",
        "Codablock F of several rows from a second encoder: 2026-12-06, 0123456789, ~!@#$%^&*()",
    ),
    Entry("dotcode", "dotcode", "DotCode 2026", {}, "DotCode", "DotCode 2026"),
    Entry("dotcode_digits", "dotcode", "1234567890123456", {}, "DotCode", "1234567890123456"),
    Entry("dotcode_text", "dotcode", _DOTCODE_TEXT, {}, "DotCode", _DOTCODE_TEXT),
    Entry("dotcode_binary", "dotcode", "Bin^128^255^200 data", {"parse": True}, "DotCode", "Bin\x80\xff\xc8 data"),
    Entry("gs1dotcode", "gs1dotcode", "(01)09501101530003(17)261231", {}, "GS1DotCode", "(01)09501101530003(17)261231"),
    Entry("hanxin", "hanxin", "Han Xin 2026", {}, "HanXin", "Han Xin 2026"),
    Entry("hanxin_digits", "hanxin", "1234567890123456789012345", {}, "HanXin", "1234567890123456789012345"),
    # Chinese characters as their GB 2312 bytes (BWIPP's parse escapes): BWIPP writes them in binary mode.
    Entry(
        "hanxin_chinese", "hanxin", "^186^186^208^197^194^235^177^234^215^188", {"parse": True}, "HanXin", "汉信码标准"
    ),
    Entry(
        "hanxin_regions",
        "hanxin",
        "^247^254^247^253 ^186^186^208^197^194^235 Region 2 and 1",
        {"parse": True},
        "HanXin",
        "齄鼾 汉信码 Region 2 and 1",
    ),
    Entry("hanxin_v12", "hanxin", "Han Xin", {"version": "12"}, "HanXin", "Han Xin"),
    Entry("hanxin_large", "hanxin", _HANXIN_LARGE, {"eclevel": "L2"}, "HanXin", _HANXIN_LARGE),
    Entry(
        "ean13composite",
        "ean13composite",
        "2112345678900|(99)1234-abcd",
        {},
        "GS1CompositeBar",
        "(01)02112345678900|(99)1234-abcd",
    ),
    Entry(
        "gs1_128composite",
        "gs1-128composite",
        "(00)030123456789012340|(02)13012345678909(37)24(10)1234567ABCDEFG",
        {},
        "GS1CompositeBar",
        "(00)030123456789012340|(02)13012345678909(37)24(10)1234567ABCDEFG",
    ),
    Entry(
        "composite_ean13_ccb",
        "ean13composite",
        "9501101530003|(21)12345678",
        {"ccversion": "b"},
        "GS1CompositeBar",
        "(01)09501101530003|(21)12345678",
    ),
    Entry(
        "composite_ean8",
        "ean8composite",
        "95012346|(21)A12345678",
        {},
        "GS1CompositeBar",
        "(01)00000095012346|(21)A12345678",
    ),
    Entry(
        "composite_upca",
        "upcacomposite",
        "416000336108|(99)1234-abcd",
        {},
        "GS1CompositeBar",
        "(01)00416000336108|(99)1234-abcd",
    ),
    Entry(
        "composite_upce",
        "upcecomposite",
        "00123457|(15)021231",
        {},
        "GS1CompositeBar",
        "(01)00001234000057|(15)021231",
    ),
    Entry(
        "composite_databar",
        "databaromnicomposite",
        "(01)09501101530003|(11)990102",
        {},
        "GS1CompositeBar",
        "(01)09501101530003|(11)990102",
    ),
    Entry(
        "composite_databar_limited",
        "databarlimitedcomposite",
        "(01)01234567890128|(21)abcdefghijklmnopqrst",
        {},
        "GS1CompositeBar",
        "(01)01234567890128|(21)abcdefghijklmnopqrst",
    ),
    Entry(
        "composite_databar_expanded",
        "databarexpandedcomposite",
        "(01)09501101530003(3103)001234|(91)1A2B3C4D5E",
        {},
        "GS1CompositeBar",
        "(01)09501101530003(3103)001234|(91)1A2B3C4D5E",
    ),
    Entry(
        "composite_databar_stacked",
        "databarstackedcomposite",
        "(01)09501101530003|(17)010200",
        {},
        "GS1CompositeBar",
        "(01)09501101530003|(17)010200",
    ),
    Entry(
        "composite_gs1_128_cca",
        "gs1-128composite",
        "(01)03212345678906|(21)A1B2C3D4E5F6G7H8",
        {"ccversion": "a"},
        "GS1CompositeBar",
        "(01)03212345678906|(21)A1B2C3D4E5F6G7H8",
    ),
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
