"""Data validation and normalisation for each symbology, in the spec's (Aspose's) meaning.

Every ``prepare_*`` function takes the caller's data as text (bytes arrive as Latin-1 text) and returns a
:class:`Prepared`: what the encoder gets, and the canonical value a reader reports for the symbol (check digits
included, GS1 in parentheses). Bad data raises :class:`InvalidBarcodeData` with a message that says what is wrong
and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from barcode_cloud_server.engine.errors import InvalidBarcodeData, shown


@dataclass(frozen=True, slots=True)
class Prepared:
    """Encoder input plus the value a reader reports (the spec's meaning of the symbol's content)."""

    encoder_input: str
    canonical: str
    gs1_brackets: bool = False  # GS1 data given with [AI] brackets instead of (AI) parentheses
    add_on: str = ""  # an EAN/UPC symbol's 2- or 5-digit add-on, read back as a separate Supplement result


Preparer = Callable[[str, str], Prepared]  # (type name, data) -> Prepared

_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = str.maketrans("", "", " -.")


def _fail(name: str, message: str) -> InvalidBarcodeData:
    return InvalidBarcodeData(f"{name}: {message}")


def gs1_check_digit(digits: str) -> str:
    """GS1 mod-10 check digit (weights 3,1 from the right) for EAN/UPC/GTIN/SSCC/ITF."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def luhn212_check_digit(digits: str) -> str:
    """OPC check digit: weights 2,1,2,... from the left, digits of products summed, mod 10."""
    total = 0
    for i, ch in enumerate(digits):
        p = int(ch) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return str((10 - total % 10) % 10)


def upu_s10_check_digit(digits: str) -> str:
    """UPU S10 check digit over 8 digits (weights 8,6,4,2,3,5,9,7; 10 -> 0, 11 -> 5)."""
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    c = 11 - total % 11
    return "0" if c == 10 else "5" if c == 11 else str(c)


def _require_digits(name: str, data: str, lengths: tuple[int, ...], what: str = "") -> str:
    if not _DIGITS.fullmatch(data):
        bad = next((c for c in data if not c.isdigit()), "")
        raise _fail(name, f"only digits 0-9 are allowed{what}, got {shown(bad)} in {shown(data)}")
    if len(data) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise _fail(name, f"needs {allowed} digits{what}, got {len(data)}")
    return data


def _with_check(name: str, data: str, body_len: int, check: Callable[[str], str], what: str = "") -> str:
    """Digits of ``body_len`` get their check digit appended; ``body_len + 1`` digits get it verified."""
    _require_digits(name, data, (body_len, body_len + 1), what)
    expected = check(data[:body_len])
    if len(data) == body_len + 1 and data[-1] != expected:
        raise _fail(
            name,
            f"wrong check digit {shown(data[-1])} in {shown(data)}: expected {shown(expected)} "
            f"(or give the first {body_len} digits and it is computed)",
        )
    return data[:body_len] + expected


# --- generic ---------------------------------------------------------------------------------------------


def prepare_any(name: str, data: str) -> Prepared:
    return Prepared(data, data)


def _charset_preparer(allowed: str, description: str) -> Preparer:
    allowed_set = frozenset(allowed)

    def prepare(name: str, data: str) -> Prepared:
        for ch in data:
            if ch not in allowed_set:
                raise _fail(name, f"character {shown(ch)} is not allowed; allowed: {description}")
        return Prepared(data, data)

    return prepare


def _digits_preparer(min_len: int = 1, max_len: int = 10_000, even: bool = False) -> Preparer:
    def prepare(name: str, data: str) -> Prepared:
        if not _DIGITS.fullmatch(data):
            bad = next((c for c in data if not c.isdigit()), "")
            raise _fail(name, f"only digits 0-9 are allowed, got {shown(bad)} in {shown(data)}")
        if not min_len <= len(data) <= max_len:
            raise _fail(name, f"needs {min_len} to {max_len} digits, got {len(data)}")
        if even and len(data) % 2:
            raise _fail(name, f"needs an even number of digits (pairs are interleaved), got {len(data)}")
        return Prepared(data, data)

    return prepare


CODE39_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_prepare_code39_chars = _charset_preparer(CODE39_CHARS, "digits, A-Z (a-z read as A-Z), space and - . $ / + %")


def prepare_code39(name: str, data: str) -> Prepared:
    """Code 39 has no lower-case letters: a-z are encoded (and shown) as A-Z, as zint and Aspose do (Aspose's own
    snippets encode "Aspose" as Code39); Code39FullASCII is the type that keeps the case."""
    upper = "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in data)
    return _prepare_code39_chars(name, upper)


prepare_ascii = _charset_preparer("".join(chr(i) for i in range(128)), "ASCII characters (0-127)")
prepare_code11 = _charset_preparer("0123456789-", "digits 0-9 and '-'")
prepare_digits = _digits_preparer()
prepare_digits_even = _digits_preparer(even=True)


def prepare_codabar(name: str, data: str) -> Prepared:
    body = data.upper()
    if len(body) >= 2 and body[0] in "ABCD" and body[-1] in "ABCD":
        start, middle, stop = body[0], body[1:-1], body[-1]
    else:
        start, middle, stop = "A", body, "A"
    for ch in middle:
        if ch not in "0123456789-$:/.+":
            raise _fail(
                name,
                f"character {shown(ch)} is not allowed; allowed: digits and - $ : / . + "
                "(optionally between start/stop characters A-D)",
            )
    if not middle:
        raise _fail(name, "needs at least one data character")
    full = start + middle + stop
    return Prepared(full, full)


def prepare_msi(name: str, data: str) -> Prepared:
    _digits_preparer(1, 92)(name, data)
    return Prepared(data, data + luhn_check_digit(data))


def luhn_check_digit(digits: str) -> str:
    """Mod-10 (Luhn) as used by MSI Plessey."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def prepare_code11_checked(name: str, data: str) -> Prepared:
    prepare_code11(name, data)
    return Prepared(data, data)


# --- EAN / UPC / GTIN -------------------------------------------------------------------------------------


def prepare_ean13(name: str, data: str) -> Prepared:
    full = _with_check(name, data, 12, gs1_check_digit)
    return Prepared(full, full)


def prepare_ean8(name: str, data: str) -> Prepared:
    full = _with_check(name, data, 7, gs1_check_digit)
    return Prepared(full, full)


def prepare_upca(name: str, data: str) -> Prepared:
    full = _with_check(name, data, 11, gs1_check_digit)
    return Prepared(full, full)


def upce_to_upca(upce: str) -> str:
    """Expand 7 digits of UPC-E (number system + 6) into the 11 body digits of UPC-A."""
    ns, d = upce[0], upce[1:7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body


def upca_to_upce(upca: str) -> str | None:
    """Compress a 12-digit UPC-A to 8-digit UPC-E, or None when it has no UPC-E form."""
    ns, m, p, check = upca[0], upca[1:6], upca[6:11], upca[11]
    if ns not in "01":
        return None
    if m[2:] in ("000", "100", "200") and p[:2] == "00":
        six = m[:2] + p[2:5] + m[2]
    elif m[3:] == "00" and p[:3] == "000":
        six = m[:3] + p[3:5] + "3"
    elif m[4] == "0" and p[:4] == "0000":
        six = m[:4] + p[4] + "4"
    elif p[:4] == "0000" and p[4] in "56789":
        six = m + p[4]
    else:
        return None
    return ns + six + check


def prepare_upce(name: str, data: str) -> Prepared:
    _require_digits(name, data, (6, 7, 8))
    seven = "0" + data if len(data) == 6 else data[:7]
    if seven[0] not in "01":
        raise _fail(name, f"the number system (first of 7 or 8 digits) must be 0 or 1, got {shown(seven[0])}")
    expected = gs1_check_digit(upce_to_upca(seven))
    if len(data) == 8 and data[7] != expected:
        raise _fail(name, f"wrong check digit {shown(data[7])} in {shown(data)}: expected {shown(expected)}")
    full = seven + expected
    return Prepared(full, full)


def _without_label(data: str, label: str) -> str:
    """ "ISBN 978-0-306-40615-7" -> "9780306406157": upper case, no label, no spaces, hyphens or dots."""
    return data.upper().removeprefix(label).strip().translate(_SEPARATORS)


def prepare_isbn(name: str, data: str) -> Prepared:
    raw = _without_label(data, "ISBN")
    if len(raw) in (9, 10) and _DIGITS.fullmatch(raw[:9]) and (len(raw) == 9 or raw[9] in "0123456789X"):
        if len(raw) == 10:
            total = sum((10 - i) * int(c) for i, c in enumerate(raw[:9]))
            expected = (11 - total % 11) % 11
            given = 10 if raw[9] == "X" else int(raw[9])
            if given != expected:
                want = "X" if expected == 10 else str(expected)
                raise _fail(name, f"wrong ISBN-10 check digit {shown(raw[9])}: expected {shown(want)}")
        raw = "978" + raw[:9]
    if len(raw) in (12, 13) and not raw.startswith(("978", "979")):
        raise _fail(name, "an ISBN-13 starts with 978 or 979")
    full = _with_check(name, raw, 12, gs1_check_digit, " (ISBN-10 or ISBN-13, hyphens allowed)")
    return Prepared(full, full)


def prepare_ismn(name: str, data: str) -> Prepared:
    raw = _without_label(data, "ISMN")
    if raw.startswith("M"):
        raw = "9790" + raw[1:]
    if not raw.startswith("9790"):
        raise _fail(name, "an ISMN is 979-0 followed by 8 or 9 digits (or M followed by them)")
    full = _with_check(name, raw, 12, gs1_check_digit, " (979-0..., hyphens allowed)")
    return Prepared(full, full)


def prepare_issn(name: str, data: str) -> Prepared:
    raw = _without_label(data, "ISSN")
    if raw.startswith("977"):
        full = _with_check(name, raw, 12, gs1_check_digit)
        return Prepared(full, full)
    if len(raw) in (7, 8) and _DIGITS.fullmatch(raw[:7]):
        if len(raw) == 8:
            total = sum((8 - i) * int(c) for i, c in enumerate(raw[:7]))
            expected = (11 - total % 11) % 11
            given = 10 if raw[7] == "X" else int(raw[7]) if raw[7].isdigit() else -1
            if given != expected:
                want = "X" if expected == 10 else str(expected)
                raise _fail(name, f"wrong ISSN check digit {shown(raw[7])}: expected {shown(want)}")
        body = "977" + raw[:7] + "00"
        full = body + gs1_check_digit(body)
        return Prepared(full, full)
    raise _fail(name, "give an ISSN (7 digits, or 8 with its check digit, e.g. 0317-8471) or a 977... EAN-13")


_ADD_ON_LENGTHS = (2, 5)


def with_add_on(prepare: Preparer) -> Preparer:
    """EAN/UPC data may end with ``+`` and a 2- or 5-digit add-on (EAN-2, EAN-5; zint's syntax), drawn to the
    right of the main symbol. The canonical value stays the main symbol's: a reader reports the add-on as a
    result of its own (type Supplement)."""

    def prepare_with_add_on(name: str, data: str) -> Prepared:
        main, plus, add_on = data.partition("+")
        if not plus:
            return prepare(name, data)
        if not _DIGITS.fullmatch(add_on) or len(add_on) not in _ADD_ON_LENGTHS:
            raise _fail(name, f"the add-on after '+' is 2 or 5 digits (EAN-2, EAN-5), got {shown(add_on)}")
        prepared = prepare(name, main)
        return Prepared(f"{prepared.encoder_input}+{add_on}", prepared.canonical, add_on=add_on)

    return prepare_with_add_on


def add_on_check(add_on: str) -> str:
    """The check an add-on carries in its parity pattern: EAN-2's value mod 4, EAN-5's weighted sum (3 and 9)
    mod 10."""
    if len(add_on) == 2:
        return str(int(add_on) % 4)
    odd = sum(int(d) for d in add_on[0::2])
    even = sum(int(d) for d in add_on[1::2])
    return str((3 * odd + 9 * even) % 10)


def _gtin14_digits(name: str, data: str, ai: str = "01") -> str:
    raw = data.strip()
    for prefix in (f"({ai})", f"[{ai}]"):
        raw = raw.removeprefix(prefix)
    return _with_check(name, raw, 13, gs1_check_digit, f" (GTIN-14, optionally prefixed by ({ai}))")


def prepare_gtin14_gs1(name: str, data: str) -> Prepared:
    full = _gtin14_digits(name, data)
    return Prepared(f"[01]{full}", f"(01){full}", gs1_brackets=True)


def prepare_itf14(name: str, data: str) -> Prepared:
    full = _with_check(name, data.translate(_SEPARATORS), 13, gs1_check_digit)
    return Prepared(full[:13], full)


def prepare_itf6(name: str, data: str) -> Prepared:
    full = _with_check(name, data, 5, gs1_check_digit)
    return Prepared(full, full)


def prepare_sscc18(name: str, data: str) -> Prepared:
    raw = data.strip().removeprefix("(00)").removeprefix("[00]")
    full = _with_check(name, raw, 17, gs1_check_digit, " (SSCC, optionally prefixed by (00))")
    return Prepared(f"[00]{full}", f"(00){full}", gs1_brackets=True)


def prepare_gtin14(name: str, data: str) -> Prepared:
    """EAN-14 and GS1 DataBar: zint takes the 13 digits and adds the check digit and the implied (01) itself."""
    full = _gtin14_digits(name, data)
    return Prepared(full[:13], f"(01){full}")


def prepare_databar_limited(name: str, data: str) -> Prepared:
    full = _gtin14_digits(name, data)
    if full[0] not in "01":
        raise _fail(name, f"DataBar Limited holds GTINs whose first digit is 0 or 1, got {shown(full[0])}")
    return Prepared(full[:13], f"(01){full}")


_GS1_PARENS = re.compile(r"(\(\d{2,4}\)[^()]+)+")
_GS1_BRACKETS = re.compile(r"(\[\d{2,4}\][^\[\]]+)+")


def prepare_gs1(name: str, data: str) -> Prepared:
    """GS1 element string: (AI)value... as in the spec; [AI]value... is accepted too."""
    if _GS1_PARENS.fullmatch(data):
        return Prepared(data, data)
    if _GS1_BRACKETS.fullmatch(data):
        return Prepared(data, data.replace("[", "(").replace("]", ")"), gs1_brackets=True)
    raise _fail(
        name,
        "GS1 data must be application identifiers in parentheses followed by their values, "
        f"e.g. (01)09501101530003(17)250101; got {shown(data)}",
    )


# --- postal and industrial ----------------------------------------------------------------------------------


def prepare_deutsche_post(digits: int) -> Preparer:
    def prepare(name: str, data: str) -> Prepared:
        raw = data.translate(_SEPARATORS)
        _require_digits(name, raw, (digits, digits + 1))
        total = sum(int(c) * (4 if i % 2 == 0 else 9) for i, c in enumerate(raw[:digits]))
        expected = str((10 - total % 10) % 10)
        if len(raw) == digits + 1 and raw[-1] != expected:
            raise _fail(name, f"wrong check digit {shown(raw[-1])}: expected {shown(expected)}")
        return Prepared(raw[:digits], raw[:digits] + expected)

    return prepare


def prepare_opc(name: str, data: str) -> Prepared:
    full = _with_check(name, data.translate(_SEPARATORS), 9, luhn212_check_digit)
    return Prepared(full, full)


def prepare_italian_post(name: str, data: str) -> Prepared:
    """12 digits, encoded as given. The check digit is not computed: the sources found (Aspose's reference, dLSoft,
    TEC-IT's "eCDMod10ItlPst25") name it or say it differs from the ITF mod-10, none defines it."""
    raw = data.translate(_SEPARATORS)
    if len(raw) == 11 and _DIGITS.fullmatch(raw):
        raise _fail(
            name,
            "give all 12 digits (11 digits and the check digit); computing the Italian Post check digit "
            "is not implemented",
        )
    _require_digits(name, raw, (12,))
    return Prepared(raw, raw)


def prepare_code32(name: str, data: str) -> Prepared:
    raw = data.upper().removeprefix("A")
    _require_digits(name, raw, (8, 9))
    total = 0
    for i, ch in enumerate(raw[:8]):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    expected = str(total % 10)
    if len(raw) == 9 and raw[8] != expected:
        raise _fail(name, f"wrong check digit {shown(raw[8])}: expected {shown(expected)}")
    return Prepared(raw[:8], raw[:8] + expected)


def prepare_pzn(name: str, data: str) -> Prepared:
    raw = data.upper().removeprefix("PZN").strip().lstrip("-").strip()
    _require_digits(name, raw, (6, 7, 8), " (PZN8: 7 digits + check digit; PZN7: 6 digits + check digit)")
    if len(raw) in (7, 8):
        check = _pzn_check(raw[:7], 1)
        if check is None:
            raise _fail(name, f"{shown(raw[:7])} has no valid PZN check digit (the weighted sum is 10 mod 11)")
        if len(raw) == 8 and raw[7] != check:
            raise _fail(name, f"wrong check digit {shown(raw[7])}: expected {shown(check)}")
        return Prepared(raw[:7], raw[:7] + check)
    check = _pzn_check(raw, 2)
    if check is None:
        raise _fail(name, f"{shown(raw)} has no valid PZN7 check digit (the weighted sum is 10 mod 11)")
    return Prepared(raw, raw + check)


def _pzn_check(body: str, first_weight: int) -> str | None:
    total = sum(int(c) * (i + first_weight) for i, c in enumerate(body))
    c = total % 11
    return None if c == 10 else str(c)


def prepare_vin(name: str, data: str) -> Prepared:
    raw = data.upper()
    if len(raw) != 17 or any(c not in "0123456789ABCDEFGHJKLMNPRSTUVWXYZ" for c in raw):
        raise _fail(name, "a VIN is 17 characters: digits and upper-case letters except I, O and Q")
    values = {
        c: v
        for v, chars in enumerate(("0", "AJ1", "BKS2", "CLT3", "DMU4", "ENV5", "FW6", "GPX7", "HY8", "RZ9"))
        for c in chars
    }
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    total = sum(values[c] * w for c, w in zip(raw, weights, strict=True))
    expected = "X" if total % 11 == 10 else str(total % 11)
    if raw[8] != expected:
        raise _fail(name, f"wrong VIN check character {shown(raw[8])} (position 9): expected {shown(expected)}")
    return Prepared(raw, raw)


_AUSPOST_INFO = {"11": 0, "45": 0, "87": 0, "92": 0, "59": 5, "62": 10}  # customer info, C-table characters
_AUSPOST_N_DIGITS = {"59": 8, "62": 15}
_AUSPOST_C = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 #")


def prepare_auspost(name: str, data: str) -> Prepared:
    """Spec meaning: FCC (2 digits) + DPID (8 digits) + customer information; zint derives the FCC from the length,
    so shorter C-table customer information is filled with 'z' (three filler bars each), as Australia Post's
    filler."""
    fcc, dpid, info = data[:2], data[2:10], data[10:]
    if fcc not in _AUSPOST_INFO:
        raise _fail(
            name,
            "data starts with the 2-digit format control code (11, 45, 59, 62, 87 or 92), then the 8-digit DPID "
            f"and customer information; got FCC {shown(fcc)}",
        )
    if not _DIGITS.fullmatch(dpid) or len(dpid) != 8:
        raise _fail(name, "the DPID after the format control code must be 8 digits")
    room = _AUSPOST_INFO[fcc]
    if room == 0:
        if info:
            raise _fail(name, f"FCC {fcc} takes no customer information after the DPID")
        return Prepared(dpid, data)
    if _DIGITS.fullmatch(info) and len(info) == _AUSPOST_N_DIGITS[fcc]:
        return Prepared(dpid + info, data)  # N table
    bad = next((c for c in info if c not in _AUSPOST_C), None)
    if bad is not None or len(info) > room:
        raise _fail(
            name,
            f"FCC {fcc} customer information is up to {room} characters of A-Z a-z 0-9 space # (C table) "
            f"or exactly {_AUSPOST_N_DIGITS[fcc]} digits (N table); got {shown(info)}",
        )
    return Prepared(dpid + info.ljust(room, "z"), data)


def prepare_swiss_post(name: str, data: str) -> Prepared:
    raw = data.upper().translate(_SEPARATORS)
    if _DIGITS.fullmatch(raw) and len(raw) == 18:
        if raw[:2] not in ("98", "99"):
            raise _fail(name, "a domestic Swiss Post parcel code is 18 digits starting with 98 or 99")
        return Prepared(raw, raw)
    m = re.fullmatch(r"([A-Z]{2})(\d{8})(\d?)CH", raw)
    if m:
        expected = upu_s10_check_digit(m.group(2))
        if m.group(3) and m.group(3) != expected:
            raise _fail(name, f"wrong UPU S10 check digit {shown(m.group(3))}: expected {shown(expected)}")
        full = f"{m.group(1)}{m.group(2)}{expected}CH"
        return Prepared(full, full)
    codes = re.findall(r"\d{4}", raw)
    if raw and "".join(codes) == raw and 1 <= len(codes) <= 10:
        unknown = [c for c in codes if c not in _SWISS_SERVICE_CODES]
        if unknown:
            raise _fail(name, f"unknown additional service code(s) {unknown}; known: {sorted(_SWISS_SERVICE_CODES)}")
        return Prepared(raw, raw)
    raise _fail(
        name,
        "give a domestic code (18 digits starting with 98 or 99, dots allowed), an international code "
        "(2 letters, 8 digits, optional check digit, CH) or 1 to 10 four-digit additional service codes",
    )


_SWISS_SERVICE_CODES = frozenset({"0203", "0322", "0327", "0328", "0340", "0341", "0470", "0610", "1007", "2512"})

_PATCH_NAMES = {
    "I": "Patch I",
    "1": "Patch I",
    "II": "Patch II",
    "2": "Patch II",
    "III": "Patch III",
    "3": "Patch III",
    "IV": "Patch IV",
    "4": "Patch IV",
    "VI": "Patch VI",
    "6": "Patch VI",
    "T": "Patch T",
}


def prepare_patch(name: str, data: str) -> Prepared:
    key = data.strip().upper().removeprefix("PATCH").strip()
    full = _PATCH_NAMES.get(key)
    if full is None:
        raise _fail(
            name, f"unknown patch {shown(data)}; allowed: Patch I, Patch II, Patch III, Patch IV, Patch VI, Patch T"
        )
    return Prepared(full, full)


def prepare_pharmacode(name: str, data: str) -> Prepared:
    _digits_preparer(1, 6)(name, data)
    if not 3 <= int(data) <= 131070:
        raise _fail(name, f"Pharmacode holds a number from 3 to 131070, got {int(data)}")
    return Prepared(str(int(data)), str(int(data)))


def _postal_digits(name: str, data: str, standard: str) -> Prepared:
    """POSTNET/PLANET: 1-38 digits ({standard} are the USPS lengths); the check digit is always appended."""
    raw = data.translate(_SEPARATORS)
    if not _DIGITS.fullmatch(raw):
        bad = next((c for c in raw if not c.isdigit()), "")
        raise _fail(name, f"only digits 0-9 are allowed, got {shown(bad)}")
    if len(raw) > 38:
        raise _fail(name, f"at most 38 digits (USPS lengths are {standard}), got {len(raw)}")
    check = str((10 - sum(int(c) for c in raw) % 10) % 10)
    return Prepared(raw, raw + check)


def prepare_postnet(name: str, data: str) -> Prepared:
    return _postal_digits(name, data, "5, 9 or 11")


def prepare_planet(name: str, data: str) -> Prepared:
    return _postal_digits(name, data, "11 or 13")


def prepare_onecode(name: str, data: str) -> Prepared:
    raw = data.translate(_SEPARATORS)
    _require_digits(name, raw, (20, 25, 29, 31), " (20-digit tracking code + 0, 5, 9 or 11-digit routing code)")
    if raw[1] not in "01234":
        raise _fail(name, f"the second digit (barcode identifier) must be 0-4, got {shown(raw[1])}")
    return Prepared(raw[:20] + ("-" + raw[20:] if len(raw) > 20 else ""), raw)


def prepare_rm4scc(name: str, data: str) -> Prepared:
    raw = data.upper()
    for ch in raw:
        if not ("0" <= ch <= "9" or "A" <= ch <= "Z"):
            raise _fail(name, f"character {shown(ch)} is not allowed; allowed: digits and upper-case A-Z")
    if not 1 <= len(raw) <= 50:
        raise _fail(name, "needs 1 to 50 characters")
    return Prepared(raw, raw)


def prepare_mailmark(name: str, data: str) -> Prepared:
    raw = data.upper()
    if not 22 <= len(raw) <= 26:
        raise _fail(
            name,
            "a 4-state Mailmark is 22 (barcode C) or 26 (barcode L) characters: format, version, class, "
            "supply chain ID, item ID and destination postcode + DPS",
        )
    return Prepared(raw, raw)
