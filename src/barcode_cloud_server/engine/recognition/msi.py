"""MSI (Modified Plessey): digits as four bits each, most significant first; a bit is a bar and a space, wide bar
then narrow space for 1, narrow then wide for 0; start is a lone 1 bit's bar and space, stop a 0 bit and a bar.

MSI carries no fixed check: printers choose Mod 10 (the Luhn digit), Mod 10/10 (a second Luhn digit over data and
the first), Mod 11 (weights 2 to 7 from the right, IBM; or 2 to 9, NCR) or Mod 11/10 (a Luhn digit after the
Mod 11 one). A Mod 11 result of 10 is printed as the two digits "10". Without a check digit MSI is too weak to
read safely (any stretch of bar pairs parses), so a symbol is reported only when one of these checks holds;
the digits are reported whole (the check digits are part of the value, as the encoder's canonical value has
them) and ``checksum`` is the last check: the Luhn digit for Mod 10, 10/10 and 11/10, the Mod 11 digit(s) else.
"""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.datacheck import luhn_check_digit
from barcode_cloud_server.engine.recognition.linear import Family, Read, check_digit_mod, two_widths

QUIET = 5.0  # narrow elements of quiet zone required either side


def mod11(digits: str, heaviest: int = 7) -> str:
    """The Mod 11 check of ``digits``: weights 2..``heaviest`` from the right (7: IBM, 9: NCR)."""
    check = (11 - check_digit_mod((int(c) for c in digits), range(2, heaviest + 1), 11)) % 11
    return str(check)


def split_checks(digits: str) -> tuple[str, str] | None:
    """(data, checksum) of a decoded digit string, or None when no MSI check holds."""
    if len(digits) >= 2 and luhn_check_digit(digits[:-1]) == digits[-1]:
        return digits[:-1], digits[-1]
    for heaviest in (7, 9):
        for size in (1, 2):
            body, check = digits[:-size], digits[-size:]
            if body and mod11(body, heaviest) == check:
                return body, check
    return None


def _fits(counts: np.ndarray) -> np.ndarray:
    out: np.ndarray = (counts >= 21) & ((counts - 5) % 8 == 0)
    return out


def _read(elements: np.ndarray, lead: float, trail: float) -> Read | None:
    bars, spaces = elements[0::2], elements[1::2]
    wide_bars, wide_spaces = two_widths(bars, 1.5, 3.5), two_widths(spaces, 1.5, 3.5)
    if wide_bars is None or wide_spaces is None:
        return None
    # Start (1), the bits, stop (0 and a narrow bar): every bar but the last pairs with the space after it,
    # and exactly one of the two is wide.
    if wide_bars[-1] or np.any(wide_bars[:-1] == wide_spaces):
        return None
    narrow = float(np.concatenate([bars[~wide_bars], spaces[~wide_spaces]]).mean())
    if lead < QUIET * narrow or trail < QUIET * narrow:
        return None
    bits = wide_bars[:-1]
    if not bits[0] or bits[-1]:
        return None
    body = bits[1:-1].reshape(-1, 4)
    values = body @ np.array([8, 4, 2, 1])
    if np.any(values > 9):
        return None
    digits = "".join(str(int(v)) for v in values)
    split = split_checks(digits)
    if split is None:
        return None
    return Read("MSI", digits, split[1])


FAMILY = Family(types=("MSI",), fits=_fits, read=_read, votes={"MSI": 2}, backwards=True)
