"""POSTNET and PLANET (USPS): digits as bars of two heights, bottom-aligned, between two full frame bars.

Each digit is five bars, weighted 7, 4, 2, 1, 0 from the left; in POSTNET two of them are full and the digit is
the sum of their weights (7 + 4 = 11 stands for 0), in PLANET two are half bars and the digit is the sum of the
half bars' weights. The last digit is the check digit: all digits together are a multiple of 10. The value
reported is the digits with their check digit (as the encoder's canonical value has it), the checksum that
digit. The sampler gives full bars as ``F`` and half bars as ``D``.
"""

from __future__ import annotations

WEIGHTS = (7, 4, 2, 1, 0)


def digit(marked: str) -> int | None:
    """The digit five bars stand for, ``marked`` the bars that count ("1"): two of five, weights 7 4 2 1 0."""
    if marked.count("1") != 2:
        return None
    total = sum(w for w, m in zip(WEIGHTS, marked, strict=True) if m == "1")
    return 0 if total == 11 else total if total <= 9 else None


def check_digit(digits: str) -> str:
    """The digit that makes the sum of ``digits`` and itself a multiple of 10."""
    return str(-sum(int(d) for d in digits) % 10)


def _decode(states: str, counted: str) -> tuple[str, str | None] | None:
    if len(states) < 12 or (len(states) - 2) % 5 or states[0] != "F" or states[-1] != "F":
        return None
    if set(states) - {"F", "D"}:
        return None
    body = states[1:-1].replace(counted, "1").replace("F" if counted == "D" else "D", "0")
    digits = [digit(body[k : k + 5]) for k in range(0, len(body), 5)]
    if any(d is None for d in digits):
        return None
    text = "".join(str(d) for d in digits)
    if check_digit(text[:-1]) != text[-1]:
        return None
    return text, text[-1]


def decode_postnet(states: str) -> tuple[str, str | None] | None:
    """A POSTNET reading of sampled states: (digits with the check digit, the check digit), or None."""
    return _decode(states, "F")


def decode_planet(states: str) -> tuple[str, str | None] | None:
    """A PLANET reading of sampled states: (digits with the check digit, the check digit), or None."""
    return _decode(states, "D")


DECODERS = {"Postnet": decode_postnet, "Planet": decode_planet}
