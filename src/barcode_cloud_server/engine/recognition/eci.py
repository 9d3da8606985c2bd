"""ECI assignment numbers (the AIM ECI register) and the Python codecs of the character sets they name, for the
decoders of symbologies that carry ECIs."""

from __future__ import annotations

# The ones Python can decode; ECI 14 is reserved (there is no ISO/IEC 8859-12).
CODECS: dict[int, str] = {
    0: "cp437",
    1: "latin-1",
    2: "cp437",
    3: "latin-1",
    **{n: f"iso8859-{n - 2}" for n in range(4, 14)},
    **{n: f"iso8859-{n - 2}" for n in range(15, 19)},
    20: "shift_jis",
    21: "cp1250",
    22: "cp1251",
    23: "cp1252",
    24: "cp1256",
    25: "utf-16-be",
    26: "utf-8",
    27: "ascii",
    28: "big5",
    29: "gb2312",
    30: "euc-kr",
    31: "gbk",
    32: "gb18030",
    33: "utf-16-le",
    34: "utf-32-be",
    35: "utf-32-le",
}
