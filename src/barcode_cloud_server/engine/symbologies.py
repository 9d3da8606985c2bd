"""THE table of symbologies: one row per spec type name (EncodeBarcodeType and DecodeBarcodeType).

A row says how to encode the type (a zint symbology and its options, or one of the engine's own builders), how
data is validated and normalised in the spec's meaning, which zxing-cpp format reads it and how a zxing result
maps back to the spec's meaning, a sample datum (tests and docs) and a note. Adding a type is adding one row.

This module imports neither zint nor zxing-cpp: encoders and reader formats are named by their enum member
names (``zint.Symbology.<zint>``, ``zxingcpp.BarcodeFormat.<zxing>``) and resolved by the modules that use them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from barcode_cloud_server.engine import datacheck as dc

Family = Literal["linear", "postal", "stacked", "matrix"]
"""linear/postal: 1D (text below by default); stacked/matrix: 2D (no text by default)."""


def _same(text: str) -> str:
    return text


def _strip_leading_zero(text: str) -> str:
    """zxing-cpp reports UPC-A as EAN-13 with a leading 0."""
    return text[1:] if len(text) == 13 and text.startswith("0") else text


def _upce_from_reader(text: str) -> str:
    """zxing-cpp reports UPC-E expanded to 13 digits; the spec's meaning is the 8-digit UPC-E."""
    if len(text) == 13 and text.startswith("0"):
        return dc.upca_to_upce(text[1:]) or text
    return text


def _strip_prefix(prefix: str) -> Callable[[str], str]:
    def strip(text: str) -> str:
        return text.removeprefix(prefix)

    return strip


@dataclass(frozen=True, slots=True)
class Symbology:
    name: str
    """Spec name (EncodeBarcodeType / DecodeBarcodeType value)."""
    family: Family
    encode: bool
    decode: bool
    zint: str | None = None
    """zint.Symbology member name; None when the engine builds the symbol itself (see ``builder``)."""
    builder: str | None = None
    """Name of an engine builder in ``engine.builders`` for types zint lacks."""
    prepare: dc.Preparer = dc.prepare_any
    """Validates and normalises the caller's data (text; bytes arrive as Latin-1 text)."""
    gs1: bool = False
    """zint GS1 input mode (data in the spec's (AI) parentheses form, or [AI] brackets)."""
    binary: bool = False
    """Arbitrary bytes can be encoded (Base64Bytes / HexBytes, any character set)."""
    option_1: int | None = None
    option_2: int | None = None
    option_3: int | None = None
    height: float | None = None
    """Bar height in modules (X) when the symbology does not fix it."""
    zxing: str | None = None
    """zxingcpp.BarcodeFormat member name that reads this type, or None."""
    from_reader: Callable[[str], str] = _same
    """Maps zxing-cpp's text to the spec's meaning (the ``canonical`` value of ``prepare``)."""
    own: str | None = None
    """The engine's own decoder family (a module of ``engine.recognition``) that reads this type, or None."""
    sample: str = ""
    note: str = ""
    hibc: bool = field(default=False)


def _row(
    name: str,
    family: Family,
    zint: str | None,
    sample: str,
    note: str,
    *,
    encode: bool = True,
    decode: bool = True,
    **kw: object,
) -> Symbology:
    return Symbology(name=name, family=family, encode=encode, decode=decode, zint=zint, sample=sample, note=note, **kw)  # type: ignore[arg-type]


_ADD_ON = (
    "; '+' and 2 or 5 digits after it add an EAN-2 or EAN-5 add-on (e.g. 5901234123457+12), read back as a "
    "separate Supplement result."
)
NOT_GENERATED = "Not generated (a request gets a 400): "


def _not_generated(
    name: str, family: Family, sample: str, why: str, *, decode: bool = True, zxing: str | None = None
) -> Symbology:
    """A spec type this server cannot draw; ``builders.unsupported`` answers a request for it with ``why``."""
    return _row(name, family, None, sample, NOT_GENERATED + why, decode=decode, builder="unsupported", zxing=zxing)


# zint-bindings 1.2.2 (zint 2.x) refuses GS1 input for these with "Error 220: Selected symbology does not support GS1
# mode"; zint.Symbol.capabilities() lacks CapabilityFlags.GS1 for MICROPDF417, HANXIN and CODABLOCKF alike.
_NO_ZINT_GS1 = "zint has no GS1 input mode for {} (error 220) and the engine has no {} encoder of its own."
_GS1_SAMPLE = "(01)09501101530003(17)250101(10)ABC123"

ROWS: tuple[Symbology, ...] = (
    # --- decode-only pseudo types -------------------------------------------------------------------------------
    _row("MostCommonlyUsed", "matrix", None, "", "Recognition only: the commonly used 1D and 2D types.", encode=False),
    # --- 2D matrix -------------------------------------------------------------------------------------------------
    _row(
        "QR",
        "matrix",
        "QRCODE",
        "https://example.com/product/12345",
        "QR Code Model 2; qrParams apply.",
        binary=True,
        zxing="QRCode",
    ),
    _row("GS1QR", "matrix", "QRCODE", _GS1_SAMPLE, "QR Code in GS1 mode (FNC1 first).", gs1=True, zxing="QRCode"),
    _row(
        "MicroQR",
        "matrix",
        "MICROQR",
        "12345",
        "Micro QR M1-M4 (qrParams.microQRVersion).",
        binary=True,
        zxing="MicroQRCode",
    ),
    _row(
        "RectMicroQR",
        "matrix",
        "RMQR",
        "RMQR-2026",
        "Rectangular Micro QR (qrParams.rectMicroQrVersion).",
        binary=True,
        zxing="RMQRCode",
    ),
    _row("Aztec", "matrix", "AZTEC", "Aztec Code 2026", "Aztec Code.", binary=True, zxing="Aztec"),
    _row("GS1Aztec", "matrix", "AZTEC", _GS1_SAMPLE, "Aztec Code in GS1 mode.", gs1=True, zxing="Aztec"),
    _row(
        "DataMatrix", "matrix", "DATAMATRIX", "DataMatrix 2026", "Data Matrix ECC 200.", binary=True, zxing="DataMatrix"
    ),
    _row(
        "GS1DataMatrix", "matrix", "DATAMATRIX", _GS1_SAMPLE, "Data Matrix in GS1 mode.", gs1=True, zxing="DataMatrix"
    ),
    _row("HanXin", "matrix", "HANXIN", "Han Xin 2026", "Han Xin Code (ISO/IEC 20830).", binary=True, own="hanxin"),
    _not_generated("GS1HanXin", "matrix", _GS1_SAMPLE, _NO_ZINT_GS1.format("Han Xin", "Han Xin")),
    _row("DotCode", "matrix", "DOTCODE", "DotCode 2026", "DotCode (dots).", binary=True, own="dotcode"),
    _row("GS1DotCode", "matrix", "DOTCODE", _GS1_SAMPLE, "DotCode in GS1 mode.", gs1=True, own="dotcode"),
    _row(
        "MaxiCode",
        "matrix",
        "MAXICODE",
        "MaxiCode 2026",
        "MaxiCode mode 4 (standard symbol, hexagonal modules; fixed physical size).",
        binary=True,
        zxing="MaxiCode",
    ),
    # --- stacked -----------------------------------------------------------------------------------------------------
    _row(
        "Pdf417", "stacked", "PDF417", "PDF417 sample 2026", "PDF417; pdf417Params apply.", binary=True, zxing="PDF417"
    ),
    _row(
        "MacroPdf417",
        "stacked",
        "PDF417",
        "Macro PDF417 sample",
        "Macro PDF417, one segment: zint's PDF417 data codewords plus a control block for segment 0 of 1 "
        "(file ID from a CRC of the data, segment count 1, terminator), re-laid out by the engine.",
        builder="macro_pdf417",
        binary=True,
        zxing="PDF417",
    ),
    _row(
        "CompactPdf417",
        "stacked",
        "PDF417COMP",
        "Compact PDF417",
        "Recognition only in the spec (truncated PDF417).",
        encode=False,
        zxing="CompactPDF417",
    ),
    _row(
        "MicroPdf417",
        "stacked",
        "MICROPDF417",
        "MicroPDF417",
        "MicroPDF417; rows are 4X tall unless pdf417AspectRatio says otherwise.",
        binary=True,
        zxing="MicroPDF417",
    ),
    _not_generated(
        "GS1MicroPdf417",
        "stacked",
        "(01)09501101530003",
        _NO_ZINT_GS1.format("MicroPDF417", "MicroPDF417"),
        zxing="MicroPDF417",
    ),
    _row(
        "CodablockF",
        "stacked",
        "CODABLOCKF",
        "Codablock F 2026",
        "Codablock-F.",
        prepare=dc.prepare_ascii,
        own="stacked",
    ),
    _not_generated(
        "GS1CodablockF",
        "stacked",
        "(01)09501101530003",
        _NO_ZINT_GS1.format("Codablock-F", "Codablock-F"),
        decode=False,
    ),
    _row("Code16K", "stacked", "CODE16K", "Code16K 2026", "Code 16K.", prepare=dc.prepare_ascii, own="stacked"),
    _row(
        "DatabarStacked",
        "stacked",
        "DBAR_STK",
        "(01)09501101530003",
        "GS1 DataBar Stacked: a GTIN-14 as (01)+14 digits, or 13/14 digits.",
        prepare=dc.prepare_gtin14,
        zxing="DataBarStk",
    ),
    _row(
        "DatabarStackedOmniDirectional",
        "stacked",
        "DBAR_OMNSTK",
        "(01)09501101530003",
        "GS1 DataBar Stacked Omnidirectional (GTIN-14).",
        prepare=dc.prepare_gtin14,
        zxing="DataBarStkOmni",
    ),
    _row(
        "DatabarExpandedStacked",
        "stacked",
        "DBAR_EXPSTK",
        "(01)09501101530003(3103)000123",
        "GS1 DataBar Expanded Stacked (GS1 element string).",
        gs1=True,
        prepare=dc.prepare_gs1,
        zxing="DataBarExpStk",
    ),
    _row(
        "GS1CompositeBar",
        "linear",
        "GS1_128_CC",
        "(01)09501101530003|(17)250101",
        "Recognition only in the spec: a GS1 linear symbol with a 2D composite component (CC-A, CC-B or CC-C).",
        encode=False,
        own="composite",
    ),
    # --- linear ------------------------------------------------------------------------------------------------------
    _row(
        "Code128",
        "linear",
        "CODE128",
        "Code128-2026",
        "Code 128; code128Params.code128EncodeMode picks subsets.",
        prepare=dc.prepare_any,
        zxing="Code128",
    ),
    _row(
        "GS1Code128",
        "linear",
        "GS1_128",
        "(01)09501101530003(17)250101",
        "GS1-128 (UCC/EAN-128).",
        gs1=True,
        prepare=dc.prepare_gs1,
        zxing="Code128",
    ),
    _row(
        "EAN14",
        "linear",
        "EAN14",
        "(01)09501101530003",
        "EAN-14 (GS1-128 with AI 01): 13 digits (check digit computed) or 14 (verified), (01) optional.",
        prepare=dc.prepare_gtin14,
        zxing="Code128",
    ),
    _row(
        "SCC14",
        "linear",
        "GS1_128",
        "(01)09501101530003",
        "SCC-14 shipping container code (GS1-128 with AI 01), same data rules as EAN14.",
        prepare=dc.prepare_gtin14_gs1,
        gs1=True,
        zxing="Code128",
    ),
    _row(
        "SSCC18",
        "linear",
        "GS1_128",
        "(00)009501101530000014",
        "SSCC-18 (GS1-128 with AI 00): 17 digits (check digit computed) or 18 (verified), (00) optional.",
        prepare=dc.prepare_sscc18,
        gs1=True,
        zxing="Code128",
    ),
    _row(
        "AustralianPosteParcel",
        "linear",
        "GS1_128",
        "(01)09501101530003(21)123456",
        "Australia Post eParcel label barcode: a GS1-128 symbol carrying a GS1 element string in parentheses.",
        gs1=True,
        prepare=dc.prepare_gs1,
        zxing="Code128",
    ),
    _row(
        "SwissPostParcel",
        "linear",
        "CODE128",
        "98.34.123456.12345678",
        "Swiss Post parcel (Code 128 B/C): domestic 18 digits starting 98/99 (dots dropped), international "
        "LL+8 digits+UPU S10 check digit+CH (check computed when missing), or 1-10 four-digit service codes.",
        prepare=dc.prepare_swiss_post,
        zxing="Code128",
    ),
    _row(
        "Code39",
        "linear",
        "CODE39",
        "CODE39-2026",
        "Code 39 standard, no check digit: digits, A-Z (a-z are encoded as A-Z), space, - . $ / + %.",
        prepare=dc.prepare_code39,
        zxing="Code39",
    ),
    _row(
        "Code39FullASCII",
        "linear",
        "EXCODE39",
        "Code39 Full ASCII",
        "Code 39 full ASCII (extended).",
        prepare=dc.prepare_ascii,
        zxing="Code39",
    ),
    _row(
        "Code32",
        "linear",
        "CODE32",
        "123456788",
        "Italian Pharmacode (Code 32): 8 digits (check digit computed) or 9 (verified); the 'A' printed before "
        "the number is not part of the data.",
        prepare=dc.prepare_code32,
        zxing="Code32",
        from_reader=_strip_prefix("A"),
    ),
    _row(
        "PZN",
        "linear",
        "PZN",
        "12345678",
        "Pharmazentralnummer: PZN8 as 7 digits (check computed) or 8 (verified); PZN7 as 6 digits.",
        prepare=dc.prepare_pzn,
        zxing="PZN",
        from_reader=_strip_prefix("-"),
    ),
    _row(
        "VIN",
        "linear",
        "VIN",
        "1M8GDM9AXKP042788",
        "Vehicle Identification Number (Code 39): 17 characters, check character at position 9 verified.",
        prepare=dc.prepare_vin,
        zxing="Code39",
    ),
    _row(
        "Code93",
        "linear",
        "CODE93",
        "Code93-2026",
        "Code 93 (full ASCII, two check characters added).",
        prepare=dc.prepare_ascii,
        zxing="Code93",
    ),
    _row(
        "Code11",
        "linear",
        "CODE11",
        "123-45",
        "Code 11: digits and '-'; one check digit (C) for up to 10 characters, two (C and K) above.",
        prepare=dc.prepare_code11_checked,
        own="code11",
    ),
    _row(
        "Codabar",
        "linear",
        "CODABAR",
        "A40156B",
        "Codabar: digits and - $ : / . +; start/stop A-D kept when given, A...A added otherwise.",
        prepare=dc.prepare_codabar,
        zxing="Codabar",
    ),
    _row(
        "EAN13",
        "linear",
        "EANX_CHK",
        "5901234123457",
        "EAN-13: 12 digits (check digit computed) or 13 (verified)" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_ean13),
        zxing="EAN13",
    ),
    _row(
        "EAN8",
        "linear",
        "EANX_CHK",
        "96385074",
        "EAN-8: 7 digits (check digit computed) or 8 (verified)" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_ean8),
        zxing="EAN8",
    ),
    _row(
        "UPCA",
        "linear",
        "UPCA",
        "012345678905",
        "UPC-A: 11 digits (check digit computed) or 12 (verified)" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_upca),
        zxing="UPCA",
        from_reader=_strip_leading_zero,
    ),
    _row(
        "UPCE",
        "linear",
        "UPCE",
        "01234565",
        "UPC-E: 6 digits (number system 0), 7 (number system 0/1 + 6) or 8 with the check digit (verified)" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_upce),
        zxing="UPCE",
        from_reader=_upce_from_reader,
    ),
    _row(
        "ISBN",
        "linear",
        "EANX_CHK",
        "9780306406157",
        "ISBN as EAN-13 (Bookland): ISBN-10 or ISBN-13, hyphens allowed; reported as the 13-digit EAN" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_isbn),
        zxing="EAN13",
    ),
    _row(
        "ISMN",
        "linear",
        "EANX_CHK",
        "9790260000438",
        "ISMN as EAN-13 (979-0...): 12 or 13 digits or M + 8/9 digits; reported as the 13-digit EAN" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_ismn),
        zxing="EAN13",
    ),
    _row(
        "ISSN",
        "linear",
        "EANX_CHK",
        "9770317847001",
        "ISSN as EAN-13 (977 + 7 ISSN digits + 00 + check): an ISSN (e.g. 0317-8471) or the 13-digit EAN" + _ADD_ON,
        prepare=dc.with_add_on(dc.prepare_issn),
        zxing="EAN13",
    ),
    _row(
        "Supplement",
        "linear",
        None,
        "12",
        "Recognition only: the 2- or 5-digit add-on (EAN-2, EAN-5) right of an EAN-13, EAN-8, UPC-A or UPC-E, "
        "reported as a result of its own after its main symbol (whose value stays without it); its checksum is "
        "the check its parity pattern carries (EAN-2: value mod 4; EAN-5: digits weighted 3 and 9, mod 10). "
        "Read only when Supplement is asked for, or on a scan.",
        encode=False,
        zxing="EANUPC",
    ),
    _row(
        "Interleaved2of5",
        "linear",
        "C25INTER",
        "1234567890",
        "Interleaved 2 of 5: an even number of digits, no check digit added.",
        prepare=dc.prepare_digits_even,
        zxing="ITF",
    ),
    _row(
        "ITF14",
        "linear",
        "ITF14",
        "15012345678907",
        "ITF-14 with bearer bars: 13 digits (check digit computed) or 14 (verified).",
        prepare=dc.prepare_itf14,
        zxing="ITF14",
    ),
    _row(
        "ITF6",
        "linear",
        "C25INTER",
        "123457",
        "ITF-6 (Interleaved 2 of 5): 5 digits (GS1 mod-10 check digit computed) or 6 (verified).",
        prepare=dc.prepare_itf6,
        zxing="ITF",
    ),
    _row(
        "OPC",
        "linear",
        "C25INTER",
        "0204897136",
        "Optical Product Code (Interleaved 2 of 5): 9 digits (2-1-2 mod-10 check digit computed) or 10 (verified).",
        prepare=dc.prepare_opc,
        zxing="ITF",
    ),
    _row(
        "ItalianPost25",
        "linear",
        "C25INTER",
        "123456789012",
        "Italian Post 2 of 5 (Interleaved 2 of 5, 12 digits): all 12 digits must be given, the 12th is encoded as "
        "given. Its check digit is not computed: no public source found defines the algorithm (vendors only say "
        "it differs from the ITF mod-10), so 11 digits get a 400 saying so.",
        prepare=dc.prepare_italian_post,
        zxing="ITF",
    ),
    _row(
        "DeutschePostIdentcode",
        "linear",
        "DPIDENT",
        "563102430313",
        "Deutsche Post Identcode (ITF): 11 digits (check computed) or 12 (verified); dots/spaces dropped.",
        prepare=dc.prepare_deutsche_post(11),
        zxing="ITF",
    ),
    _row(
        "DeutschePostLeitcode",
        "linear",
        "DPLEIT",
        "21348075016401",
        "Deutsche Post Leitcode (ITF): 13 digits (check computed) or 14 (verified); dots/spaces dropped.",
        prepare=dc.prepare_deutsche_post(13),
        zxing="ITF",
    ),
    _row(
        "Standard2of5",
        "linear",
        "C25IND",
        "12345670",
        "Standard (Industrial) 2 of 5: digits, no check digit.",
        prepare=dc.prepare_digits,
        own="two_of_five",
    ),
    _row(
        "Matrix2of5",
        "linear",
        "C25STANDARD",
        "12345670",
        "Matrix 2 of 5: digits, no check digit.",
        prepare=dc.prepare_digits,
        own="two_of_five",
    ),
    _row(
        "IATA2of5",
        "linear",
        "C25IATA",
        "12345670",
        "IATA 2 of 5: digits, no check digit.",
        prepare=dc.prepare_digits,
        own="two_of_five",
    ),
    _row(
        "DataLogic2of5",
        "linear",
        "C25LOGIC",
        "12345670",
        "Datalogic 2 of 5 (China Post): digits, no check digit.",
        prepare=dc.prepare_digits,
        own="two_of_five",
    ),
    _row(
        "MSI",
        "linear",
        "MSI_PLESSEY",
        "1234567",
        "MSI Plessey: digits, mod-10 check digit added.",
        prepare=dc.prepare_msi,
        option_2=1,
        own="msi",
    ),
    _row(
        "Pharmacode",
        "linear",
        "PHARMA",
        "1234",
        "Pharmacode (one-track): a number from 3 to 131070.",
        prepare=dc.prepare_pharmacode,
        own="pharmacode",
    ),
    _row(
        "PatchCode",
        "linear",
        None,
        "Patch T",
        "Kodak Patch Code: Patch I, II, III, IV, VI or T (also 1, 2, 3, 4, 6); four bars, wide or narrow.",
        builder="patch_code",
        prepare=dc.prepare_patch,
        own="patch_code",
    ),
    _row(
        "DatabarOmniDirectional",
        "linear",
        "DBAR_OMN",
        "(01)09501101530003",
        "GS1 DataBar Omnidirectional: a GTIN-14 as (01)+14 digits, or 13/14 digits.",
        prepare=dc.prepare_gtin14,
        zxing="DataBarOmni",
    ),
    _row(
        "DatabarTruncated",
        "linear",
        "DBAR_OMN",
        "(01)09501101530003",
        "GS1 DataBar Truncated: Omnidirectional at the reduced height of 13X.",
        prepare=dc.prepare_gtin14,
        height=13.0,
        zxing="DataBarOmni",
    ),
    _row(
        "DatabarLimited",
        "linear",
        "DBAR_LTD",
        "(01)01234567890128",
        "GS1 DataBar Limited: GTIN-14 whose first digit is 0 or 1.",
        prepare=dc.prepare_databar_limited,
        zxing="DataBarLtd",
    ),
    _row(
        "DatabarExpanded",
        "linear",
        "DBAR_EXP",
        "(01)09501101530003(3103)000123",
        "GS1 DataBar Expanded (GS1 element string).",
        gs1=True,
        prepare=dc.prepare_gs1,
        zxing="DataBarExp",
    ),
    _row(
        "UpcaGs1Code128Coupon",
        "linear",
        None,
        "514141100906(8102)03",
        "UPC-A (11/12 digits) followed by a GS1-128 coupon extension ((8102)...), two symbols side by side; "
        "read back as two results, UPCA and GS1Code128 (a request for UPCA brings the GS1-128 part along).",
        builder="coupon_code128",
        zxing="UPCA",
        decode=False,
    ),
    _row(
        "UpcaGs1DatabarCoupon",
        "linear",
        None,
        "514141100906(8110)106141416543213500110000310123196000",
        "UPC-A (11/12 digits) followed by a GS1 DataBar Expanded coupon ((8110)...), two symbols side by side; "
        "read back as two results, UPCA and DatabarExpanded (a request for UPCA brings the DataBar part along).",
        builder="coupon_databar",
        zxing="UPCA",
        decode=False,
    ),
    # --- postal ------------------------------------------------------------------------------------------
    _row(
        "AustraliaPost",
        "postal",
        "AUSPOST",
        "6201234567ASPOSE",
        "Australia Post 4-state: the FCC (11, 45, 59, 62, 87, 92), the 8-digit DPID, then for 59/62 customer "
        "information: up to 5/10 C-table characters (filled with 'z' = filler bars) or 8/15 digits (N table). "
        "Read back without the filler; FCC 62 information that is both 15 digits 0-8 and 10 characters A-Z, 0 "
        "reads as characters.",
        prepare=dc.prepare_auspost,
        own="fourstate",
    ),
    _row(
        "Postnet",
        "postal",
        "POSTNET",
        "12345",
        "USPS POSTNET: digits (5, 9 or 11 are the USPS lengths; up to 38 accepted); check digit always added.",
        prepare=dc.prepare_postnet,
        own="fourstate",
    ),
    _row(
        "Planet",
        "postal",
        "PLANET",
        "12345678901",
        "USPS PLANET: digits (11 or 13 are the USPS lengths; up to 38 accepted); check digit always added.",
        prepare=dc.prepare_planet,
        own="fourstate",
    ),
    _row(
        "OneCode",
        "postal",
        "USPS_IMAIL",
        "01234567094987654321",
        "USPS Intelligent Mail (OneCode): 20-digit tracking code + optional 5/9/11-digit routing code.",
        prepare=dc.prepare_onecode,
        own="fourstate",
    ),
    _row(
        "RM4SCC",
        "postal",
        "RM4SCC",
        "SN34RD1A",
        "Royal Mail 4-state customer code: A-Z 0-9; check character added.",
        prepare=dc.prepare_rm4scc,
        own="fourstate",
    ),
    _row(
        "SingaporePost",
        "postal",
        "RM4SCC",
        "SN34RD1A",
        "Singapore Post 4-state (the RM4SCC bar encoding with its check character): reads back as RM4SCC, the "
        "spec having no SingaporePost recognition type.",
        prepare=dc.prepare_rm4scc,
        decode=False,
    ),
    _row(
        "DutchKIX",
        "postal",
        "KIX",
        "2500GG30250",
        "Dutch KIX 4-state: A-Z 0-9, no check character.",
        prepare=dc.prepare_rm4scc,
        own="fourstate",
    ),
    _row(
        "Mailmark",
        "postal",
        "MAILMARK_4S",
        "11210012341234567AB19XY1A",
        "Royal Mail 4-state Mailmark: 22 or 26 characters (format, version, class, supply chain ID, item ID, "
        "destination postcode + DPS). Read back as the 22 characters of barcode C or barcode L's 26 less trailing "
        "spaces (at least 23).",
        prepare=dc.prepare_mailmark,
        own="fourstate",
    ),
    _row(
        "MicrE13B",
        "linear",
        None,
        "",
        "Recognition only (when asked for; a scan does not look for it): a line of MICR E-13B cheque characters, "
        "no encoder. The symbols read as A (transit), B (amount), C (on-us) and D (dash), the letters MICR "
        "fonts and readers commonly use (no Aspose document found names its own); empty cells between fields "
        "read as one space. The checksum is the routing number's check digit (between the first two transit "
        "symbols) when its ABA check holds.",
        encode=False,
        own="micr",
    ),
    # --- HIBC (recognition names) ----------------------------------------------------------------------------------
    _row(
        "HIBCCode39LIC",
        "linear",
        "HIBC_39",
        "A123BJC5D6E71",
        "Recognition only: HIBC LIC in Code 39.",
        encode=False,
        zxing="Code39",
        hibc=True,
    ),
    _row(
        "HIBCCode39PAS",
        "linear",
        "HIBC_39",
        "/A123BJC5D6E71",
        "Recognition only: HIBC PAS in Code 39.",
        encode=False,
        zxing="Code39",
        hibc=True,
    ),
    _row(
        "HIBCCode128LIC",
        "linear",
        "HIBC_128",
        "A123BJC5D6E71",
        "Recognition only: HIBC LIC in Code 128.",
        encode=False,
        zxing="Code128",
        hibc=True,
    ),
    _row(
        "HIBCCode128PAS",
        "linear",
        "HIBC_128",
        "/A123BJC5D6E71",
        "Recognition only: HIBC PAS in Code 128.",
        encode=False,
        zxing="Code128",
        hibc=True,
    ),
    _row(
        "HIBCAztecLIC",
        "matrix",
        "HIBC_AZTEC",
        "A123BJC5D6E71",
        "Recognition only: HIBC LIC in Aztec.",
        encode=False,
        zxing="Aztec",
        hibc=True,
    ),
    _row(
        "HIBCAztecPAS",
        "matrix",
        "HIBC_AZTEC",
        "/A123BJC5D6E71",
        "Recognition only: HIBC PAS in Aztec.",
        encode=False,
        zxing="Aztec",
        hibc=True,
    ),
    _row(
        "HIBCDataMatrixLIC",
        "matrix",
        "HIBC_DM",
        "A123BJC5D6E71",
        "Recognition only: HIBC LIC in Data Matrix.",
        encode=False,
        zxing="DataMatrix",
        hibc=True,
    ),
    _row(
        "HIBCDataMatrixPAS",
        "matrix",
        "HIBC_DM",
        "/A123BJC5D6E71",
        "Recognition only: HIBC PAS in Data Matrix.",
        encode=False,
        zxing="DataMatrix",
        hibc=True,
    ),
    _row(
        "HIBCQRLIC",
        "matrix",
        "HIBC_QR",
        "A123BJC5D6E71",
        "Recognition only: HIBC LIC in QR Code.",
        encode=False,
        zxing="QRCode",
        hibc=True,
    ),
    _row(
        "HIBCQRPAS",
        "matrix",
        "HIBC_QR",
        "/A123BJC5D6E71",
        "Recognition only: HIBC PAS in QR Code.",
        encode=False,
        zxing="QRCode",
        hibc=True,
    ),
)

BY_NAME: Mapping[str, Symbology] = {row.name: row for row in ROWS}
ENCODE_NAMES: tuple[str, ...] = tuple(row.name for row in ROWS if row.encode)
DECODE_NAMES: tuple[str, ...] = tuple(row.name for row in ROWS if row.decode)


def get(name: str) -> Symbology | None:
    return BY_NAME.get(name)
