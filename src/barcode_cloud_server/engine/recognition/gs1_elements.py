"""GS1 element strings (GS1 General Specifications, section 7.8) in the HRI form the engine reports: each AI in
parentheses before its data, the FNC1 separators (GS) gone.

An AI's length follows from its first two digits (the AI tables of section 3), and the element strings whose
data length is predefined by those digits (Figure 7.8.5-2) need no separator; the others run to the next GS or
the end.
"""

from __future__ import annotations

GS = "\x1d"

# AI length by first two digits: 2 unless listed.
_AI_LENGTH = {p: 3 for p in ("23", "24", "25", "40", "41", "42", "71")} | {
    p: 4 for p in ("31", "32", "33", "34", "35", "36", "39", "43", "70", "72", "80", "81", "82")
}
# Element strings of predefined length (Figure 7.8.5-2): first two digits of the AI, digits after the AI.
_DATA_LENGTH = {"00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "20": 2, "41": 13} | {
    f"{p}": 6 for p in (*range(11, 20), *range(31, 37))
}


def hri(data: str) -> str | None:
    """``data`` (AI digits and values, GS between variable-length values) with its AIs in parentheses, or None
    when it is not an element string (an AI that is not digits, a value cut short or empty)."""
    out: list[str] = []
    k = 0
    while k < len(data):
        if data[k] == GS:
            k += 1
            continue
        prefix = data[k : k + 2]
        ai = data[k : k + _AI_LENGTH.get(prefix, 2)]
        if len(ai) < 2 or not ai.isdigit() or len(ai) < _AI_LENGTH.get(prefix, 2):
            return None
        k += len(ai)
        fixed = _DATA_LENGTH.get(prefix)
        end = k + fixed if fixed is not None else (data.find(GS, k) if GS in data[k:] else len(data))
        value = data[k:end]
        if not value or (fixed is not None and len(value) < fixed) or GS in value:
            return None
        out.append(f"({ai}){value}")
        k = end
    return "".join(out) if out else None
