"""From the spec's DecodeBarcodeType names to zxing-cpp formats, and from zxing-cpp results back.

The symbology table (``engine.symbologies``) says which zxing-cpp format reads each type and how its text maps
to the spec's meaning; this module picks, for one decoded symbol, the row that describes it best among the
types the caller asked for.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import zxingcpp

from barcode_cloud_server.engine import symbologies
from barcode_cloud_server.engine.errors import InvalidOption

MOST_COMMONLY_USED: tuple[str, ...] = (
    "QR",
    "GS1QR",
    "MicroQR",
    "Aztec",
    "DataMatrix",
    "GS1DataMatrix",
    "Pdf417",
    "MacroPdf417",
    "MicroPdf417",
    "Code128",
    "GS1Code128",
    "Code39",
    "Code39FullASCII",
    "Code93",
    "Codabar",
    "EAN13",
    "EAN8",
    "UPCA",
    "UPCE",
    "Interleaved2of5",
    "ITF14",
    "DatabarOmniDirectional",
    "DatabarExpanded",
    "DatabarStacked",
    "DatabarLimited",
    "MaxiCode",
)

# zxing-cpp result formats that the table names by their family (or a sibling) only.
_ALIASES: dict[str, tuple[str, ...]] = {
    "ISBN": ("EAN13",),
    "Code39Std": ("Code39",),
    "Code39Ext": ("Code39",),
    "QRCodeModel1": ("QRCode",),
    "QRCodeModel2": ("QRCode",),
    "AztecCode": ("Aztec",),
    "AztecRune": ("Aztec",),
    "DataBar": ("DataBarOmni",),
    # Measured forms (``recognize_databar``): a request for the other form of the same DataBar still reads it.
    "DataBarStkOmni": ("DataBarStk",),
    "DataBarTruncated": ("DataBarOmni",),
    "MacroPDF417": ("PDF417",),  # a PDF417 read with a Macro control block (``recognize``)
}
# Among rows read by the same format, the one a result of this exact zxing-cpp format means.
_PREFERRED: dict[str, str] = {
    "Code39Ext": "Code39FullASCII",
    "Code39Std": "Code39",
    "ISBN": "ISBN",
    "DataBarOmni": "DatabarOmniDirectional",
    "DataBarTruncated": "DatabarTruncated",
    "MacroPDF417": "MacroPdf417",
}
# Names for symbols zxing-cpp reads that the spec's enum has no name for (scan reports them anyway).
_UNLISTED: dict[str, str] = {
    "Telepen": "Telepen",
    "TelepenAlpha": "Telepen",
    "TelepenNumeric": "Telepen",
    "DXFilmEdge": "DXFilmEdge",
    "OtherBarcode": "Other",
}
# Symbologies whose value ends with a check digit (reported as ``checksum``).
_CHECK_DIGIT_TYPES = frozenset(
    {
        "EAN13",
        "EAN8",
        "UPCA",
        "UPCE",
        "ISBN",
        "ISMN",
        "ISSN",
        "ITF14",
        "EAN14",
        "SCC14",
        "SSCC18",
        "Code32",
        "PZN",
        "DatabarOmniDirectional",
        "DatabarTruncated",
        "DatabarStacked",
        "DatabarStackedOmniDirectional",
        "DatabarLimited",
        "ITF6",
        "OPC",
        "DeutschePostIdentcode",
        "DeutschePostLeitcode",
    }
)


@dataclass(frozen=True)
class Wanted:
    """What a request looks for: the zxing-cpp formats to enable and the spec types it may report."""

    formats: zxingcpp.BarcodeFormats | None  # None: every format
    names: frozenset[str] | None  # None: scan, every type (including the unlisted ones)
    own: frozenset[str] = frozenset()  # types asked for that the engine's own decoders read (``Symbology.own``)
    zxing: bool = True  # False: only own-decoded types were asked for, zxing-cpp has nothing to look for
    coupons: bool = False  # UPCA asked for: the GS1 part of a UPC-A coupon comes with it (see ``_wanted_row``)
    composites: bool = False  # GS1CompositeBar asked for: its hosts' formats are read (``recognize_composite``)

    @property
    def wants_supplement(self) -> bool:
        """EAN/UPC add-ons are looked for (the Supplement type asked for, or a scan)."""
        return self.names is None or "Supplement" in self.names

    def wants_any(self, zxing_names: Iterable[str]) -> bool:
        if self.formats is None:
            return True
        enabled = {f.name for f in zxingcpp.barcode_formats_list(self.formats)}
        return any(n in enabled for n in zxing_names)


def resolve(types: Sequence[str] | None) -> Wanted:
    """``None`` or empty: scan for everything. Unknown names and types nothing can read are 400s."""
    if not types:
        return Wanted(None, None)
    names: set[str] = set()
    for t in types:
        if t == "MostCommonlyUsed":
            names.update(MOST_COMMONLY_USED)
            continue
        row = symbologies.get(t)
        if row is None or not row.decode:
            raise InvalidOption(f"Unknown barcode type '{t}'.")
        names.add(t)
    zx = sorted({r.zxing for n in names if (r := symbologies.get(n)) is not None and r.zxing})
    own = frozenset(n for n in names if (r := symbologies.get(n)) is not None and r.own)
    composites = COMPOSITE in names
    if composites:  # the linear symbols that host a composite component, and CC-C's PDF417
        zx = sorted({*zx, *_COMPOSITE_FORMATS})
    if not zx and not own:
        raise InvalidOption(
            "None of the requested barcode types can be recognized by this service: " + ", ".join(sorted(names))
        )
    if not zx:
        return Wanted(None, frozenset(names), own, zxing=False)
    coupons = "UPCA" in names
    if coupons:
        zx = sorted({*zx, *_COUPON_FORMATS})
    formats = zxingcpp.barcode_formats_from_str(",".join(zx))
    return Wanted(formats, frozenset(names), own, coupons=coupons, composites=composites)


COMPOSITE = "GS1CompositeBar"
_COMPOSITE_FORMATS = (
    "EAN13",
    "EAN8",
    "UPCA",
    "UPCE",
    "Code128",
    "DataBarOmni",
    "DataBarStk",
    "DataBarStkOmni",
    "DataBarLtd",
    "DataBarExp",
    "DataBarExpStk",
    "PDF417",
)


# The two symbols of a UPC-A coupon (the spec's UpcaGs1Code128Coupon and UpcaGs1DatabarCoupon: encode types only)
# are read as two results: the UPC-A and its GS1 part, which a request for UPCA brings along under its own type.
# The GS1 part is told by its first AI: (8110) or (8112) in DataBar Expanded, (8102) in GS1-128.
_COUPON_FORMATS = ("DataBarExp", "Code128")
_COUPON_PARTS = {"DatabarExpanded": ("(8110)", "(8112)"), "GS1Code128": ("(8102)", "(8110)", "(8112)")}


def _wanted_row(row: symbologies.Symbology, text: str, wanted: Wanted) -> bool:
    if wanted.names is None or row.name in wanted.names:
        return True
    return wanted.coupons and text.startswith(_COUPON_PARTS.get(row.name, ()))


def _is_gs1(text: str, content_type: str, symbology_identifier: str) -> bool:
    return content_type == "GS1" or symbology_identifier in ("]C1", "]d2", "]Q3", "]z1", "]e0", "]J1")


# zxing-cpp's HRI text shows control characters as Unicode control pictures (U+2400-U+2421, space as U+2420 in
# ISO/IEC 15434 messages); a parser of such a message looks for the real RS and GS.
_FROM_CONTROL_PICTURES = {0x2400 + code: code for code in range(0x20)} | {0x2420: 0x20, 0x2421: 0x7F}


# GS1 AIs zxing-cpp 3.1.1 does not know, so that its HRI text of a symbol holding one is the bare digits, and their
# fixed lengths. (8102) is the coupon extended code, alone in the GS1-128 part of a UPC-A coupon
# (UpcaGs1Code128Coupon); followed by other element strings, the digits stay as zxing-cpp gives them.
_UNKNOWN_AIS = {"8102": 2}


def _gs1_hri(hri: str) -> str:
    """zxing-cpp's HRI of GS1 data, with the element strings of AIs it does not know in parentheses too."""
    if hri.startswith("("):
        return hri
    for ai, length in _UNKNOWN_AIS.items():
        if hri.startswith(ai) and len(hri) == len(ai) + length and hri.isdigit():
            return f"({ai}){hri[len(ai) :]}"
    return hri


def data_text(hri: str, raw: bytes, content_type: str, symbology_identifier: str) -> str:
    """The decoded data as text from zxing-cpp's HRI text of a symbol and its bytes: GS1 element strings in the
    HRI form (``(01)...``); bytes no text encoding covers (content Binary, or UnknownECI, which HRI leaves empty)
    one character per byte (U+0000-U+00FF, so ``value.encode("latin-1")`` gives them back); any other text with
    its real control characters."""
    if _is_gs1(hri, content_type, symbology_identifier):
        return _gs1_hri(hri)
    if content_type in ("Binary", "UnknownECI"):
        return raw.decode("latin-1")
    if not any(0x2400 <= ord(ch) <= 0x2421 for ch in hri):
        return hri
    if raw.isascii():  # ISO 15434 messages are: the bytes are the text, exactly
        return raw.decode("ascii")
    return hri.translate(_FROM_CONTROL_PICTURES)


def spec_type(
    zxing_format: str,
    zxing_family: str,
    text: str,
    content_type: str,
    symbology_identifier: str,
    wanted: Wanted,
) -> tuple[str, str] | None:
    """(spec type name, value in the spec's meaning) for one decoded symbol, or None when not asked for."""
    keys = {zxing_format, zxing_family, *_ALIASES.get(zxing_format, ())}
    preferred = _PREFERRED.get(zxing_format)
    if zxing_format == "ITF" and len(text) == 14 and text.isdigit() and gs1_check_ok(text):
        keys.add("ITF14")  # zxing-cpp 3.1.1 reports ITF-14 symbols as ITF
        preferred = "ITF14"
    if zxing_format == "EAN13" and len(text) == 13 and text.startswith("0"):
        keys.add("UPCA")  # an EAN-13 starting with 0 is a UPC-A symbol
        preferred = "UPCA"
    gs1 = _is_gs1(text, content_type, symbology_identifier)
    hibc = text.startswith("+") and len(text) > 2
    best: tuple[int, int, symbologies.Symbology] | None = None
    for order, row in enumerate(symbologies.ROWS):
        if not row.decode or row.zxing not in keys:
            continue
        if not _wanted_row(row, text, wanted):
            continue
        if row.hibc and not hibc:
            continue
        if row.builder in ("coupon_code128", "coupon_databar") or row.name == "Supplement":
            continue  # read as their parts; an add-on is split from its main symbol's read (``recognize``)
        score = 0
        if row.zxing == zxing_format:
            score += 4
        if preferred == row.name:
            score += 8
        if row.gs1 or row.name in ("EAN14", "SSCC18", "SCC14"):
            score += 2 if gs1 else -20
        elif gs1:
            score -= 1
        if row.hibc:
            score += 3
        if best is None or (score, -order) > (best[0], -best[1]):
            best = (score, order, row)
    if best is None or best[0] < -10:
        if wanted.names is None:
            name = _UNLISTED.get(zxing_format) or _UNLISTED.get(zxing_family)
            if name:
                return name, text
        return None
    row = best[2]
    return row.name, row.from_reader(text)


def gs1_check_ok(digits: str) -> bool:
    """The GS1 mod-10 check digit (EAN, UPC, ITF-14, GTIN) is right."""
    body = digits[:-1]
    total = sum(int(c) * (3 if i % 2 == 1 else 1) for i, c in enumerate(reversed(body), start=1))
    return (10 - total % 10) % 10 == int(digits[-1])


_ASCII_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]


def escape_non_graphical(text: str) -> str:
    """Like zxing-cpp's TextMode.Escaped: control characters by name (``<GS>``), invisible ones as ``<U+XX>``."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if code < 32:
            out.append(f"<{_ASCII_NAMES[code]}>")
        elif code == 127:
            out.append("<DEL>")
        elif code < 128 or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"):
            out.append(ch)
        else:
            out.append(f"<U+{code:02X}>" if code < 256 else f"<U+{code:04X}>")
    return "".join(out)


def checksum(type_name: str, value: str) -> str | None:
    """The check digit a value carries, for the symbologies whose data ends with one."""
    if type_name in _CHECK_DIGIT_TYPES:
        digits = [c for c in value if c.isdigit()]
        return digits[-1] if digits else None
    return None
