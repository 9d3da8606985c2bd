"""The engine's own decoders (engine.recognition) on generated symbols, clean and degraded: read rate and time
per type and condition, beside zxing-cpp and ZBar on the same images.

Symbols come from the service's generator (zint) with seeded random data (MICR E-13B lines, which nothing here
generates, from the tests' renderer at 200 dpi, 2.6 px per 0.013-inch unit); each condition degrades the clean
image the way photos do (turned; seen at an angle, the far edge 0.8 or 0.6 of the near one, or 0.7 and turned
10-25 degrees; 1.5 px modules; a blur of 1, 1.2 or 1.5 px; noise; JPEG; dim and uneven light; inverted). A read
counts when recognize, asked for the type in Normal mode, returns exactly the expected value and nothing else;
anything else it returns is a misread. Run:
``python bench/bench_recognition_own.py [--per-type N] [--types A,B] [--conditions clean,blur]``.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter

from barcode_cloud_server.engine.generate import GenerateRequest, generate
from barcode_cloud_server.engine.recognition import mailmark
from barcode_cloud_server.engine.recognize import Mode, recognize_array
from barcode_cloud_server.engine.symbologies import BY_NAME

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.composite import LINEAR, Composite, draw, linear_value
from tests.support.micr import LETTERS
from tests.support.micr import draw as draw_micr
from tests.support.postal import perspective

try:
    from pyzbar import pyzbar
except ImportError:  # pragma: no cover - depends on the system library
    pyzbar = None


def _digits(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(lo, hi)))


def _text(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(_PRINTABLE) for _ in range(rng.randint(lo, hi)))


_PRINTABLE = "".join(chr(c) for c in range(32, 127)) + "0123456789" * 4  # digit runs bring in code set C

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = "0123456789" + _LETTERS
_AUSPOST_C = _ALNUM + "abcdefghijklmnopqrstuvwxy #"  # 'z' is the filler


def _auspost(r: random.Random) -> str:
    fcc = r.choice(["11", "45", "87", "92", "59", "62"])
    info = ""
    if fcc in ("59", "62"):
        digits, chars = (8, 5) if fcc == "59" else (15, 10)
        info = _digits(r, digits, digits) if r.random() < 0.5 else "".join(r.choices(_AUSPOST_C, k=r.randint(1, chars)))
    return fcc + _digits(r, 8, 8) + info


def _onecode(r: random.Random) -> str:
    return f"{r.randrange(10)}{r.randrange(5)}" + _digits(r, 18, 18) + _digits(r, *[r.choice([0, 5, 9, 11])] * 2)


def _hanzi(r: random.Random, lead_low: int, lead_high: int) -> str:
    """A GB 2312 Chinese character: leads B0-D7 are Region One (the common ones), D8-F7 Region Two."""
    lead = r.randint(lead_low, lead_high)
    return bytes((lead, r.randint(0xA1, 0xF9 if lead == 0xD7 else 0xFE))).decode("gb2312")


def _hanxin(r: random.Random) -> str:
    """Digits, ASCII text, Latin-1 bytes or Chinese text (Region One and Two, with some ASCII) at random, a tenth
    of them long (versions 20 to 60)."""
    kind = r.choice(["digits", "text", "latin-1", "chinese"])
    scale = 10 if r.random() < 0.1 else 1
    if kind == "digits":
        return _digits(r, 1, 120 * scale)
    if kind == "text":
        return _text(r, 1, 150 * scale)
    if kind == "latin-1":
        return "".join(chr(r.randint(0xA0, 0xFF)) + r.choice(_PRINTABLE) for _ in range(r.randint(1, 30 * scale)))
    return "".join(
        _hanzi(r, 0xB0, 0xD7) if r.random() < 0.7 else _hanzi(r, 0xD8, 0xF7) if r.random() < 0.5 else r.choice(_ALNUM)
        for _ in range(r.randint(1, 60 * scale))
    )


def _mailmark(r: random.Random) -> str:
    """Barcode C or L with a postcode of one of the six patterns (or international), as the generator takes it:
    L without trailing spaces beyond 23 characters."""
    head = f"{r.randrange(5)}{r.randint(1, 4)}{r.choice('0123456789ABCDE')}"
    chain = _digits(r, *[r.choice([2, 6])] * 2)
    pattern = r.choice(mailmark.POSTCODE_PATTERNS)
    postcode = "XY11     " if r.random() < 0.1 else "".join(r.choice(mailmark.POSTCODE_SETS[k]) for k in pattern)
    text = head + chain + _digits(r, 8, 8) + postcode
    return text if len(text) == 22 else text[:23] + text[23:].rstrip(" ")


def _composite(r: random.Random) -> str:
    """A zint composite: a linear symbol of any kind, a component of one to three element strings, CC-A or CC-B
    (zint moves to CC-B when CC-A is too small), CC-C on a third of the GS1-128 ones; as 'symbology;primary;
    component;cc'."""
    symbology, primary = r.choice(LINEAR)
    elements = [
        f"[21]{''.join(r.choice(_ALNUM) for _ in range(r.randint(1, 12)))}",
        f"[10]{_digits(r, 1, 8)}",
        f"[17]{r.randint(20, 39)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}",
        f"[99]{''.join(r.choice(_ALNUM + 'abcxyz-') for _ in range(r.randint(1, 10)))}",
    ]
    component = "".join(r.sample(elements, r.randint(1, 3)))
    cc = 3 if symbology == "GS1_128_CC" and r.random() < 0.33 else r.choice([1, 2])
    return f"{symbology};{primary};{component};{cc}"


def _composite_sample(data: str) -> Composite:
    symbology, primary, component, cc = data.split(";")
    return Composite(symbology, primary, component, int(cc))


def _gs1(r: random.Random) -> str:
    gtin = _digits(r, 13, 13)
    check = (10 - sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(gtin))) % 10) % 10
    text = f"(01){gtin}{check}"
    if r.random() < 0.5:
        text += f"(17){r.randint(24, 39):02d}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
    if r.random() < 0.5:
        text += "(10)" + "".join(r.choice(_ALNUM) for _ in range(r.randint(1, 20)))
    return text


def _cheque(r: random.Random) -> str:
    """A MICR line: a routing number whose ABA check digit holds, an account number (sometimes with a dash) and
    on-us symbol, sometimes a cheque number and an amount field."""
    routing = _digits(r, 8, 8)
    routing += str(-sum(w * int(d) for w, d in zip((3, 7, 1, 3, 7, 1, 3, 7), routing, strict=True)) % 10)
    account = _digits(r, 6, 12)
    if r.random() < 0.2:
        cut = r.randint(2, len(account) - 2)
        account = account[:cut] + "⑉" + account[cut:]
    line = f"⑆{routing}⑆ {account}⑈"
    if r.random() < 0.5:
        line += " " + _digits(r, 3, 4)
    if r.random() < 0.5:
        line += "  ⑇" + _digits(r, 10, 10) + "⑇"
    return line


DATA: dict[str, Callable[[random.Random], str]] = {
    "Code11": lambda r: "".join(r.choice("0123456789-") for _ in range(r.randint(3, 14))),
    "MSI": lambda r: _digits(r, 4, 10),
    "Standard2of5": lambda r: _digits(r, 4, 12),
    "Matrix2of5": lambda r: _digits(r, 4, 12),
    "IATA2of5": lambda r: _digits(r, 4, 12),
    "DataLogic2of5": lambda r: _digits(r, 4, 12),
    "Pharmacode": lambda r: str(r.randint(3, 131070)),
    "PatchCode": lambda r: r.choice(["Patch I", "Patch II", "Patch III", "Patch IV", "Patch VI", "Patch T"]),
    "Code16K": lambda r: _text(r, 1, 40),
    "CodablockF": lambda r: _text(r, 1, 60),
    "Postnet": lambda r: _digits(r, 5, 5) if r.random() < 0.5 else _digits(r, 9, 11),
    "Planet": lambda r: _digits(r, 11, 11) if r.random() < 0.5 else _digits(r, 13, 13),
    "RM4SCC": lambda r: "".join(r.choice(_ALNUM) for _ in range(r.randint(5, 9))),
    "DutchKIX": lambda r: _digits(r, 4, 4) + "".join(r.choice(_LETTERS) for _ in range(2)) + _digits(r, 1, 5),
    # zxing-cpp reads its bars but names it DataBar Stacked; the engine tells the forms apart by height.
    "DatabarStackedOmniDirectional": lambda r: _digits(r, 13, 13),
    "AustraliaPost": _auspost,
    "OneCode": _onecode,
    "Mailmark": _mailmark,
    "HanXin": _hanxin,
    "DotCode": lambda r: _text(r, 1, 60),
    "GS1DotCode": _gs1,
    # Not generated by the service (recognition only): drawn with zint; zxing-cpp's column counts its reads of the
    # linear part.
    "GS1CompositeBar": _composite,
    "MicrE13B": _cheque,
}


def _rotated(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    angle = float(rng.uniform(-40, 40))
    return np.asarray(Image.fromarray(g).rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255))


def _small(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    im = Image.fromarray(g)
    return np.asarray(im.resize((round(im.width * 0.75), round(im.height * 0.75)), Image.Resampling.BILINEAR))


def _perspective(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(perspective(Image.fromarray(np.pad(g, 10, constant_values=255)), 0.8))


def _keystone(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(perspective(Image.fromarray(np.pad(g, 10, constant_values=255)), 0.6))


def _keystone_turned(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    angle = float(rng.uniform(10, 25)) * float(rng.choice([-1, 1]))
    turned = Image.fromarray(g).rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return np.asarray(perspective(Image.fromarray(np.pad(np.asarray(turned), 10, constant_values=255)), 0.7))


def _blurred(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(Image.fromarray(g).filter(ImageFilter.GaussianBlur(1.0)))


def _blurred_more(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(Image.fromarray(g).filter(ImageFilter.GaussianBlur(1.2)))


def _blurred_most(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(Image.fromarray(g).filter(ImageFilter.GaussianBlur(1.5)))


def _noisy(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(g + rng.normal(0, 25, g.shape), 0, 255).astype(np.uint8)


def _jpeg(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(g).save(buffer, format="JPEG", quality=35)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


def _dim(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ramp = np.linspace(0.55, 1.0, g.shape[1], dtype=np.float32)[None, :]
    return (70 + g.astype(np.float32) * 0.35 * ramp).astype(np.uint8)


def _inverted(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return 255 - g


def _all(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return _jpeg(_noisy(_blurred(_rotated(g, rng), rng), rng), rng)


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "clean": lambda g, rng: g,
    "rotated": _rotated,
    "perspective": _perspective,
    "keystone 0.6": _keystone,
    "turned+keystone 0.7": _keystone_turned,
    "1.5px": _small,
    "blur": _blurred,
    "blur 1.2px": _blurred_more,
    "blur 1.5px": _blurred_most,
    "noise": _noisy,
    "jpeg": _jpeg,
    "dim": _dim,
    "inverted": _inverted,
    "rot+blur+noise+jpeg": _all,
}


def _expected(kind: str, data: str) -> str:
    if kind == "GS1CompositeBar":
        return _composite_sample(data).value
    if kind == "MicrE13B":
        return " ".join(data.translate(LETTERS).split())
    return BY_NAME[kind].prepare(kind, data).canonical


def _zxing_read(kind: str, data: str, expected: str, text: str) -> bool:
    """Whether zxing-cpp's text is the symbol's (for a composite: its linear part's, digits or element string)."""
    if kind != "GS1CompositeBar":
        return text == expected
    sample = _composite_sample(data)
    linear = linear_value(sample.symbology, sample.primary)
    return text == linear or (linear.startswith("(01)") and text.lstrip("0") == linear[4:].lstrip("0"))


def _gray(kind: str, data: str) -> np.ndarray:
    if kind == "GS1CompositeBar":
        return draw(_composite_sample(data), module=2, quiet=10)
    if kind == "MicrE13B":
        return np.asarray(draw_micr(data, 2.6, margin=4))
    content = generate(GenerateRequest(kind, data)).content
    return np.asarray(Image.open(io.BytesIO(content)).convert("L"))


def run(per_type: int, seed: int, types: Sequence[str], conditions: Sequence[str]) -> None:
    rng_data = random.Random(seed)
    print("| type | condition | ours read | ours misread | ours ms/image | zxing-cpp read | ZBar read |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind in types:
        make = DATA[kind]
        samples = [make(rng_data) for _ in range(per_type)]
        for condition in conditions:
            degrade = CONDITIONS[condition]
            rng = np.random.default_rng(seed)
            reads = misreads = zx = zb = 0
            seconds = 0.0
            for data in samples:
                expected = _expected(kind, data)
                gray = np.ascontiguousarray(degrade(_gray(kind, data), rng))
                started = time.perf_counter()
                found = recognize_array(gray, [kind], Mode.NORMAL)
                seconds += time.perf_counter() - started
                values = [d.value for d in found]
                reads += values == [expected]
                misreads += any(v != expected for v in values)
                zx += any(_zxing_read(kind, data, expected, b.text) for b in zxingcpp.read_barcodes(gray))
                if pyzbar is not None:
                    zb += any(s.data.decode("latin-1") == expected for s in pyzbar.decode(Image.fromarray(gray)))
            n = len(samples)
            zbar = f"{zb}/{n}" if pyzbar is not None else "-"
            print(
                f"| {kind} | {condition} | {reads}/{n} | {misreads} | {seconds / n * 1000:.0f} | {zx}/{n} | {zbar} |",
                flush=True,
            )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-type", type=int, default=10, help="random data per type (default 10)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--types", default=",".join(DATA), help="comma-separated types (default: all of them)")
    ap.add_argument("--conditions", default=",".join(CONDITIONS), help="comma-separated (default: all of them)")
    args = ap.parse_args(argv)
    types, conditions = args.types.split(","), args.conditions.split(",")
    unknown = sorted(set(types) - set(DATA)) + sorted(set(conditions) - set(CONDITIONS))
    if unknown:
        ap.error(f"unknown {unknown}; types: {', '.join(DATA)}; conditions: {', '.join(CONDITIONS)}")
    run(args.per_type, args.seed, types, conditions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
