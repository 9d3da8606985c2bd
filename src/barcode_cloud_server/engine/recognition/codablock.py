"""Codablock F (AIM ISS Codablock F): 2 to 44 rows, each a Code 128 symbol of the same width, stacked.

Every row is Start A, a code set selector (98 code set A, 100 B, 99 C), a row indicator, the data columns, the
row's Code 128 check character (mod 103, weights 1, 2, ... after the start) and the stop, between quiet zones of 10
modules. The row indicator of the first row is the number of rows less 2, of row r > 0 it is r + 42; in code sets
A and B an indicator value v is the character of ASCII v + 96 (v < 32), v (32-47) or v + 10 (48 and up) of code set
B, in code set C the pair v. Data runs on from row to row in Code 128's code sets, each row starting in the set its
selector names; the last row's last two data columns are the data check characters K1 = sum((i + 1) x d_i) mod 86
and K2 = sum(i x d_i) mod 86 over the data bytes, written like row indicators. A one-row Codablock F is a plain
Code 128 symbol: rows are reported only in twos and more, and only when their indicators say so.
"""

from __future__ import annotations

import time

import numpy as np

from barcode_cloud_server.engine.recognition import row_ends, stacked
from barcode_cloud_server.engine.recognition.scanlines import Runs

TYPE = "CodablockF"
START_A = 103
_STOP = np.array([[2, 3, 3, 1, 1, 1, 2]])
_START = np.array([[2, 1, 1, 4, 1, 2]])
_START_DISTANCE = 2.5
QUIET = 6.0  # modules of quiet zone required either side (the specification asks for 10)
MAX_COLUMNS = 67  # characters per row, start and stop included (62 data columns)
_STOP_DISTANCE = 2.0
_SETS = {98: "A", 100: "B", 99: "C"}
FNC1 = 102
_GS = b"\x1d"


def row_check(codewords: list[int]) -> int:
    """The Code 128 check character of a row's characters (Start A first)."""
    return (codewords[0] + sum(i * v for i, v in enumerate(codewords) if i)) % 103


def data_checks(data: bytes) -> tuple[int, int]:
    """K1 and K2 of the data bytes."""
    return sum((i + 1) * d for i, d in enumerate(data)) % 86, sum(i * d for i, d in enumerate(data)) % 86


def indicator(codeword: int, code: str) -> int | None:
    """The value (0-85) a row indicator or data check character carries in a code set, or None."""
    if code == "C":
        return codeword if codeword < 86 else None
    if 64 <= codeword <= 95:
        return codeword - 64
    if codeword <= 15:
        return codeword + 32
    if 26 <= codeword <= 63:
        return codeword + 22
    return None


def decode(rows: list[tuple[int, ...]]) -> str | None:
    """The data of the rows' codewords (selector, indicator, data columns each), K1 and K2 checked; None when
    they do not parse or hold. An FNC1 in the first data column (GS1) is not data; a later one reads as GS."""
    out = bytearray()
    for r, row in enumerate(rows):
        code = _SETS[row[0]]
        columns = list(row[2:])
        if r == len(rows) - 1:
            columns, checks = columns[:-2], columns[-2:]
        shift = fnc4 = False
        for k, v in enumerate(columns):
            leading = r == 0 and k == 0
            current = ("B" if code == "A" else "A") if shift else code
            if current == "C":
                if v < 100:
                    out += f"{v:02d}".encode()
                elif v in (100, 101):
                    code = "BA"[v - 100]
                elif v == FNC1:
                    out += b"" if leading else _GS
                else:
                    return None
                continue
            if v < 96:
                char = v + 32 if current == "B" or v < 64 else v - 64
                out.append(char + (128 if fnc4 else 0))
                shift = fnc4 = False
            elif v == 98 and not shift:
                shift = True
            elif v == 99:
                code = "C"
            elif v == (101 if current == "A" else 100):
                fnc4 = True
            elif v in (100, 101):
                code = "B" if v == 100 else "A"
            elif v == FNC1:
                out += b"" if leading else _GS
            elif v not in (96, 97):  # FNC3 and FNC2 carry no data
                return None
    k1, k2 = (indicator(v, code) for v in checks)
    if (k1, k2) != data_checks(bytes(out)):
        return None
    return out.decode("latin-1")


def _rows(runs: Runs, deadline: float) -> list[stacked.Row]:
    found: list[stacked.Row] = []
    for way in stacked.both_ways(runs):
        w = way.widths
        n = len(w)
        cum, zeros = stacked.cumulative(w)
        b = np.arange(1, max(1, n - 20), 2)
        x = (cum[b + 6] - cum[b]) / 11
        keep = (x > 0.5) & (w[b - 1] >= QUIET * x) & (zeros[b + 6] == zeros[b])
        b, x = b[keep], x[keep]
        # Start A's own pattern first: most of a page's stretches after a wide space are no character at all.
        _, d_start = stacked.pattern_distance(w[b[:, None] + np.arange(6)], x, _START)
        b = b[d_start <= _START_DISTANCE]
        value, ok = stacked.characters(w[b[:, None] + np.arange(6)])
        b = b[ok & (value == START_A)]
        codes = np.full((len(b), MAX_COLUMNS), -1, np.int64)
        codes[:, 0] = START_A
        active = np.arange(len(b))
        for k in range(1, MAX_COLUMNS):
            if time.monotonic() > deadline:
                break
            p = b[active] + 6 * k
            inside = p + 8 < n
            active, p = active[inside], p[inside]
            if len(active) == 0:
                break
            mean = (cum[p] - cum[b[active]]) / (11 * k)
            clean = zeros[p + 7] == zeros[b[active]]
            # The stop against its own module size (seen at an angle, modules shrink along the row).
            module = (cum[p + 7] - cum[p]) / 13
            _, d_stop = stacked.pattern_distance(w[p[:, None] + np.arange(7)], module, _STOP)
            even = (module <= stacked.MAX_FORESHORTENING * mean) & (mean <= stacked.MAX_FORESHORTENING * module)
            # Six characters before the stop at least: start, selector, indicator, two data columns (the last
            # row's hold K1 and K2), check.
            stop = clean & even & (d_stop <= _STOP_DISTANCE) & (w[p + 7] >= QUIET * module) & (k >= 6)
            for i, q, x in zip(active[stop], p[stop], mean[stop], strict=True):
                row = _row(codes[i, :k], way, runs, (int(b[i]), int(q) + 6), float(x))
                if row is not None:
                    found.append(row)
            active, p = active[~stop & clean], p[~stop & clean]
            value, ok = stacked.characters(w[p[:, None] + np.arange(6)])
            if k == 1:  # a code set selector
                ok &= np.isin(value, list(_SETS))
            elif k == 2:  # a row indicator
                in_c = codes[active, 1] == 99
                ok &= np.where(in_c, value < 86, (value <= 15) | ((value >= 26) & (value <= 95)))
            codes[active, k] = value
            active = active[ok]
    return found


def _row(
    codes: np.ndarray, way: stacked.Oriented, runs: Runs, ends: tuple[int, int], module: float
) -> stacked.Row | None:
    """A row from its characters (Start A to the check character) when its check character holds."""
    cw = [int(v) for v in codes]
    if row_check(cw[:-1]) != cw[-1] or cw[1] not in _SETS:
        return None
    value = indicator(cw[2], _SETS[cw[1]])
    if value is None:
        return None
    return stacked.Row(
        0 if value <= 42 else value - 42,
        tuple(cw[1:-1]),
        way.edge(runs, ends[0], leading=True),
        way.edge(runs, ends[1], leading=False),
        module,
    )


def _ends(runs: Runs, around: row_ends.Near) -> tuple[list[row_ends.End], list[row_ends.End]]:
    """Starts (Start A after a quiet zone, then a code set selector and a row indicator, which key it) and stops
    (before a quiet zone, after a character, which keys it) that scanlines crossed around rows already read."""
    starts: list[row_ends.End] = []
    stops: list[row_ends.End] = []
    geometry = row_ends.Geometry(runs)
    for way in stacked.both_ways(runs):
        w = way.widths
        n = len(w)
        if n <= 20:
            continue
        cum, zeros = stacked.cumulative(w)
        b = np.arange(1, n - 19, 2)
        x = (cum[b + 6] - cum[b]) / 11
        ok = (x > 0.5) & (w[b - 1] >= QUIET * x) & (zeros[b + 18] == zeros[b])
        b, x = b[ok], x[ok]
        _, d_start = stacked.pattern_distance(w[b[:, None] + np.arange(6)], x, _START)
        b, x = b[d_start <= _START_DISTANCE], x[d_start <= _START_DISTANCE]
        points, forward = geometry.points(way.edges(runs, b, leading=True))
        inside = around.holds(points)
        b, x, points, forward = b[inside], x[inside], points[inside], forward[inside]
        values, read = stacked.characters(w[b[:, None] + np.arange(18)].reshape(-1, 6))
        values, whole = values.reshape(-1, 3), np.asarray(read.reshape(-1, 3).all(axis=1))
        ok = whole & (values[:, 0] == START_A) & np.isin(values[:, 1], list(_SETS))
        keys = values[ok, 1] * 107 + values[ok, 2]
        starts += row_ends.found(points[ok], forward[ok], way.backward, x[ok], keys)
        p = np.arange(7, n - 8, 2)
        module = (cum[p + 7] - cum[p]) / 13
        ok = (module > 0.5) & (w[p + 7] >= QUIET * module) & (zeros[p + 7] == zeros[p - 6])
        p, module = p[ok], module[ok]
        _, d_stop = stacked.pattern_distance(w[p[:, None] + np.arange(7)], module, _STOP)
        before = (cum[p] - cum[p - 6]) / 11 / module
        ok = (d_stop <= _STOP_DISTANCE) & (abs(before - 1) < 0.3)
        p, module = p[ok], module[ok]
        points, forward = geometry.points(way.edges(runs, p + 6, leading=False))
        inside = around.holds(points)
        p, module, points, forward = p[inside], module[inside], points[inside], forward[inside]
        value, read = stacked.characters(w[p[:, None] - 6 + np.arange(6)])
        stops += row_ends.found(points[read], forward[read], way.backward, module[read], value[read])
    return starts, stops


def read(stack: stacked.Stack) -> str | None:
    """The data of a symbol's rows (row 0's indicator says how many), or None when K1 and K2 do not hold."""
    first = stack.rows.get(0)
    if first is None:
        return None
    count = (indicator(first[1], _SETS[first[0]]) or 0) + 2
    for rows in stacked.with_alternatives(stack, count):
        value = decode([rows[k] for k in range(count)])
        if value is not None:
            return value
    return None


# Start A to the stop: six characters and the stop at least, 66 and the stop at most.
FAMILY = stacked.Family(
    TYPE, _rows, _ends, (6 * 11 + 13, 66 * 11 + 13), lambda a, b: len(a.codewords) == len(b.codewords), read
)
