"""The spec's enumerations as the engine accepts them (case-insensitive, canonicalised to the spec's spelling)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from barcode_cloud_server.engine.errors import InvalidOption, shown

IMAGE_FORMATS = ("Png", "Jpeg", "Svg", "Tiff", "Gif")
IMAGE_FORMATS_INTERNAL = (*IMAGE_FORMATS, "Bmp")  # Bmp only when Accept asks for image/bmp
DATA_TYPES = ("StringData", "Base64Bytes", "HexBytes")
UNITS = ("Pixel", "Point", "Inch", "Millimeter")
CODE_LOCATIONS = ("Below", "Above", "None")
QR_ENCODE_MODES = ("Auto", "Extended", "Binary", "ECI")
QR_ERROR_LEVELS = ("LevelL", "LevelM", "LevelQ", "LevelH")
QR_VERSIONS = ("Auto", *(f"Version{i:02d}" for i in range(1, 41)))
MICRO_QR_VERSIONS = ("Auto", "M1", "M2", "M3", "M4")
RECT_MICRO_QR_VERSIONS = (
    "Auto",
    *(
        f"R{r}x{c}"
        for r, cols in (
            (7, (43, 59, 77, 99, 139)),
            (9, (43, 59, 77, 99, 139)),
            (11, (27, 43, 59, 77, 99, 139)),
            (13, (27, 43, 59, 77, 99, 139)),
            (15, (43, 59, 77, 99, 139)),
            (17, (43, 59, 77, 99, 139)),
        )
        for c in cols
    ),
)
PDF417_ENCODE_MODES = ("Auto", "Binary", "ECI", "Extended")
PDF417_ERROR_LEVELS = tuple(f"Level{i}" for i in range(9))
CODE128_ENCODE_MODES = ("Auto", "CodeA", "CodeB", "CodeAB", "CodeC", "CodeAC", "CodeBC")
MACRO_CHARACTERS = ("None", "Macro05", "Macro06")

ECI_ENCODINGS: dict[str, int] = {
    "NONE": 0,
    "ISO_8859_1": 3,
    "ISO_8859_2": 4,
    "ISO_8859_3": 5,
    "ISO_8859_4": 6,
    "ISO_8859_5": 7,
    "ISO_8859_6": 8,
    "ISO_8859_7": 9,
    "ISO_8859_8": 10,
    "ISO_8859_9": 11,
    "ISO_8859_10": 12,
    "ISO_8859_11": 13,
    "ISO_8859_13": 15,
    "ISO_8859_14": 16,
    "ISO_8859_15": 17,
    "ISO_8859_16": 18,
    "Shift_JIS": 20,
    "Win1250": 21,
    "Win1251": 22,
    "Win1252": 23,
    "Win1256": 24,
    "UTF16BE": 25,
    "UTF8": 26,
    "US_ASCII": 27,
    "Big5": 28,
    "GB2312": 29,
    "EUC_KR": 30,
    "GBK": 31,
    "GB18030": 32,
    "UTF16LE": 33,
    "UTF32BE": 34,
    "UTF32LE": 35,
    "INVARIANT": 170,
    "BINARY": 899,
}


@cache
def _lookup(allowed: tuple[str, ...]) -> dict[str, str]:
    return {a.lower(): a for a in allowed}


def enum_value(value: str | None, allowed: Sequence[str], what: str, default: str | None = None) -> str | None:
    """The spec spelling of ``value`` (matched case-insensitively), ``default`` when empty, else a 400."""
    if value is None or value == "":
        return default
    found = _lookup(tuple(allowed)).get(str(value).strip().lower())
    if found is None:
        raise InvalidOption(f"{what} {shown(str(value))} is not valid; allowed values: {', '.join(allowed)}")
    return found
