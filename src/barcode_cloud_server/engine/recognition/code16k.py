"""Code 16K (EN 12323, AIM USS Code 16K): 2 to 16 rows of five Code 128 characters between a start and a stop
pattern that together number the row.

A row is a leading quiet zone (10 modules), a start pattern (bar, space, bar, space: 7 modules), a one-module bar,
five symbol characters (space first, 11 modules each, the Code 128 patterns) and a stop pattern (space, bar, space,
bar): 70 modules. The start pattern's value is the row number modulo 8, the stop's the same for rows 0-7 and four
more (modulo 8) for rows 8-15 (EN 12323 Tables 3-5). The first character is the mode character, 7 x (rows - 2) +
mode (Table 2: code set A, B or C, B or C with an implied FNC1 first (GS1), C after one or two characters of B);
the last two are the check characters C1 = sum((i + 2) x v_i) mod 107 and C2 = (sum((i + 1) x v_i) + (n + 1) x C1)
mod 107 over the n characters before them. Data uses Code 128's code sets; 103 pads the last row. In code sets A
and B, 105 and 106 put the next two or three characters in code set C (BWIPP writes them for short digit runs).
"""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.recognition import row_ends, stacked
from barcode_cloud_server.engine.recognition.scanlines import Runs

TYPE = "Code16K"
_STARTS = np.array([[int(c) for c in p] for p in ("3211", "2221", "2122", "1411", "1132", "1231", "1114", "3112")])
ELEMENTS = 39
MODULES = 70
QUIET = 6.0  # modules of leading quiet zone required (the specification asks for 10)
# Start and stop patterns are read against the row's module size: this far (sum over four elements) at most.
_PATTERN_DISTANCE = 1.6
# The characters beside a start or stop have modules this close to the pattern's (a fraction).
_EVEN = 0.3

FNC1, PAD = 102, 103
_SHIFT_C = {105: 2, 106: 3}
_GS = "\x1d"


def check_characters(values: list[int]) -> tuple[int, int]:
    """C1 and C2 of the characters before them (mode character first)."""
    c1 = sum((i + 2) * v for i, v in enumerate(values)) % 107
    c2 = (sum((i + 1) * v for i, v in enumerate(values)) + (len(values) + 1) * c1) % 107
    return c1, c2


def row_number(start: int, stop: int) -> int | None:
    """The row a start and stop pattern pair numbers (EN 12323 Table 5), or None."""
    if stop == start:
        return start
    if stop == (start + 4) % 8:
        return start + 8
    return None


def decode(values: list[int]) -> str | None:
    """The data of a whole symbol's characters, check characters included; None when they do not hold or the
    characters do not parse. A leading FNC1 (GS1, modes 3 and 4 imply it) is not data; a later one reads as GS."""
    if len(values) < 10 or len(values) % 5 or check_characters(values[:-2]) != tuple(values[-2:]):
        return None
    rows, mode = divmod(values[0], 7)
    if rows + 2 != len(values) // 5:
        return None
    code = "ABCBCCC"[mode]
    shifted_b = {5: 1, 6: 2}.get(mode, 0)  # characters in code set B before C takes over (Table 2)
    out: list[str] = []
    shift = fnc4 = False
    data = values[1:-2]
    pairs = 0  # characters left in code set C after 105 or 106
    for k, v in enumerate(data):
        if v == PAD:
            return "".join(out) if all(p == PAD for p in data[k:]) and not pairs else None
        if pairs:
            if v >= 100:
                return None
            out.append(f"{v:02d}")
            pairs -= 1
            continue
        current = "B" if shifted_b else code
        if shift:
            current = "B" if current == "A" else "A"
        if current == "C":
            if v < 100:
                out.append(f"{v:02d}")
            elif v in (100, 101):
                code = "BA"[v - 100]
            elif v == FNC1:
                out.append(_GS if k else "")
            else:
                return None
            continue
        if v < 96:
            char = v + 32 if current == "B" or v < 64 else v - 64
            out.append(chr(char + (128 if fnc4 else 0)))
            shift = fnc4 = False
            shifted_b = max(0, shifted_b - 1)
        elif v == 98 and not shift:
            shift = True
        elif v == 99:
            code, shifted_b = "C", 0
        elif v == (101 if current == "A" else 100):
            if fnc4:
                return None  # a double FNC4 (an extended latch) is not in EN 12323
            fnc4 = True
        elif v in (100, 101):
            code, shifted_b = "B" if v == 100 else "A", 0
        elif v == FNC1:
            out.append(_GS if k else "")
        elif v in _SHIFT_C and not (shift or fnc4):
            pairs = _SHIFT_C[v]
        elif v not in (96, 97):  # FNC3 and FNC2 carry no data
            return None
    return "".join(out) if not pairs else None


def _rows(runs: Runs, deadline: float) -> list[stacked.Row]:
    found: list[stacked.Row] = []
    for way in stacked.both_ways(runs):
        w = way.widths
        n = len(w)
        if n <= ELEMENTS + 2:
            continue
        cum, zeros = stacked.cumulative(w)
        b = np.arange(1, n - ELEMENTS, 2)
        x = (cum[b + ELEMENTS] - cum[b]) / MODULES
        # Start and stop are measured against their own module size: seen at an angle, a row's modules shrink
        # from its near end to its far end.
        near = (cum[b + 5] - cum[b]) / 8
        ok = (x > 0.5) & (w[b - 1] >= QUIET * near) & (zeros[b + ELEMENTS] == zeros[b])
        b, x, near = b[ok], x[ok], near[ok]
        if len(b) == 0:
            continue
        start, d_start = stacked.pattern_distance(w[b[:, None] + np.arange(4)], near, _STARTS)
        one = w[b + 4] / near
        ok = (d_start <= _PATTERN_DISTANCE) & (one >= 0.3) & (one <= 2.0)
        b, x, near, start = b[ok], x[ok], near[ok], start[ok]
        if len(b) == 0:
            continue
        far = (cum[b + ELEMENTS] - cum[b + 35]) / 7
        stop, d_stop = stacked.pattern_distance(w[b[:, None] + np.arange(35, 39)], far, _STARTS)
        chars = w[b[:, None] + 5 + np.arange(30)].reshape(-1, 6)
        values, read = stacked.characters(chars)
        values, whole = values.reshape(-1, 5), np.asarray(read.reshape(-1, 5).all(axis=1))
        even = (far <= stacked.MAX_FORESHORTENING * near) & (near <= stacked.MAX_FORESHORTENING * far)
        for i in np.flatnonzero(whole & (d_stop <= _PATTERN_DISTANCE) & even):
            number = row_number(int(start[i]), int(stop[i]))
            if number is None:
                continue
            first, last = int(b[i]), int(b[i]) + ELEMENTS - 1
            found.append(
                stacked.Row(
                    number,
                    tuple(int(v) for v in values[i]),
                    way.edge(runs, first, leading=True),
                    way.edge(runs, last, leading=False),
                    float(x[i]),
                )
            )
    return found


def _ends(runs: Runs, around: row_ends.Near) -> tuple[list[row_ends.End], list[row_ends.End]]:
    """Starts (after a quiet zone, with the one-module bar and a character after them) that scanlines crossed
    around rows already read, keyed by the pattern's value; no stops (every row is 70 modules long)."""
    starts: list[row_ends.End] = []
    geometry = row_ends.Geometry(runs)
    for way in stacked.both_ways(runs):
        w = way.widths
        n = len(w)
        if n <= 13:
            continue
        cum, zeros = stacked.cumulative(w)
        b = np.arange(1, n - 11, 2)
        near = (cum[b + 5] - cum[b]) / 8
        ok = (near > 0.5) & (w[b - 1] >= QUIET * near) & (zeros[b + 11] == zeros[b])
        b, near = b[ok], near[ok]
        start, d_start = stacked.pattern_distance(w[b[:, None] + np.arange(4)], near, _STARTS)
        one = w[b + 4] / near
        after = (cum[b + 11] - cum[b + 5]) / 11 / near
        ok = np.flatnonzero((d_start <= _PATTERN_DISTANCE) & (one >= 0.3) & (one <= 2.0) & (abs(after - 1) < _EVEN))
        points, forward = geometry.points(way.edges(runs, b[ok], leading=True))
        inside = around.holds(points)
        ok, points, forward = ok[inside], points[inside], forward[inside]
        _, read = stacked.characters(w[b[ok, None] + 5 + np.arange(6)])
        starts += row_ends.found(points[read], forward[read], way.backward, near[ok][read], start[ok][read])
    return starts, []


def read(stack: stacked.Stack) -> str | None:
    """The data of a symbol's rows (row 0's mode character says how many), or None when C1 and C2 do not hold."""
    first = stack.rows.get(0)
    if first is None:
        return None
    count = first[0] // 7 + 2
    for rows in stacked.with_alternatives(stack, count):
        value = decode([v for k in range(count) for v in rows[k]])
        if value is not None:
            return value
    return None


FAMILY = stacked.Family(TYPE, _rows, _ends, (MODULES, MODULES), lambda a, b: True, read)
