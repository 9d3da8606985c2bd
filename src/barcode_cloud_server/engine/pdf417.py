"""Macro PDF417 with a single segment, which zint cannot make (its structured append needs 2 or more segments).

The data codewords come from zint's own PDF417 encoding of the request (so compaction, ECI and options are zint's);
the engine then appends the Macro PDF417 control block for segment 0 of 1 (segment index, file ID, segment count 1,
terminator), recomputes the symbol length descriptor and the Reed-Solomon error correction over GF(929), and lays
out the rows (row indicators, start and stop patterns) as ISO/IEC 15438 describes.

The codeword bar patterns (3 clusters x 929) are not copied from anywhere: they are learned once per process from
symbols zint draws for numeric data whose codewords are known (numeric compaction and Reed-Solomon are computed
here), and every learned pattern is checked for consistency.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import replace
from functools import cache

import numpy as np
import numpy.typing as npt

from barcode_cloud_server.engine import zintenc
from barcode_cloud_server.engine.errors import InvalidBarcodeData, InvalidOption
from barcode_cloud_server.engine.geometry import Geometry, runs
from barcode_cloud_server.engine.zintenc import ZintJob

_MOD = 929
_START = np.array([int(c) for c in "11111111010101000"], dtype=bool)
_STOP = np.array([int(c) for c in "111111101000101001"], dtype=bool)
_WEIGHTS = 1 << np.arange(16, -1, -1)
_QUIET = 2.0
_ROW_HEIGHT = 3.0

Patterns = npt.NDArray[np.int64]  # (3, 929): 17-bit patterns by cluster (row % 3) and codeword value


@cache
def _generator(k: int) -> npt.NDArray[np.int64]:
    """Coefficients a[0..k-1] of prod_{i=1..k} (x - 3^i) over GF(929), a[j] the coefficient of x^j."""
    poly = [1]
    root = 1
    for _ in range(k):
        root = root * 3 % _MOD
        nxt = [0] * (len(poly) + 1)
        for j, c in enumerate(poly):
            nxt[j] = (nxt[j] + c) % _MOD
            nxt[j + 1] = (nxt[j + 1] - c * root) % _MOD
        poly = nxt
    return np.array([poly[k - j] for j in range(k)], dtype=np.int64)


def error_correction(data: list[int], k: int) -> list[int]:
    """The k Reed-Solomon codewords for ``data`` (symbol length descriptor included), in symbol order."""
    a = _generator(k)
    e = np.zeros(k, dtype=np.int64)
    for d in data:
        t1 = (d + int(e[k - 1])) % _MOD
        prod = (t1 * a) % _MOD
        nxt = np.empty_like(e)
        nxt[1:] = (e[:-1] - prod[1:]) % _MOD
        nxt[0] = (-prod[0]) % _MOD
        e = nxt
    e = (_MOD - e) % _MOD
    return [int(v) for v in e[::-1]]


def _numeric_codewords(digits: str) -> list[int]:
    out: list[int] = []
    for i in range(0, len(digits), 44):
        n = int("1" + digits[i : i + 44])
        group: list[int] = []
        while n:
            group.append(n % 900)
            n //= 900
        out += reversed(group)
    return out


def _zint_rows(job: ZintJob) -> tuple[npt.NDArray[np.bool_], int, int]:
    """zint's PDF417 for ``job``: its module rows, row count and data column count."""
    sym = zintenc.make_symbol(replace(job, symbology="PDF417"))
    zintenc.encode_symbol(sym, job.data, "MacroPdf417")
    return zintenc.symbol_bits(sym), sym.rows, (sym.width - 69) // 17


def _row_patterns(bits: npt.NDArray[np.bool_], cols: int) -> npt.NDArray[np.int64]:
    """(rows, cols) 17-bit patterns of the data columns."""
    body = bits[:, 34 : 34 + 17 * cols].reshape(bits.shape[0], cols, 17).astype(np.int64)
    return body @ _WEIGHTS


@cache
def patterns() -> Patterns:
    """Learn the codeword patterns from zint (deterministic; about 40 symbols at the highest EC level)."""
    table = np.full((3, _MOD), -1, dtype=np.int64)
    rng = random.Random(15438)
    for _ in range(400):
        digits = "".join(rng.choice("0123456789") for _ in range(300))
        bits, rows, cols = _zint_rows(ZintJob("PDF417", digits, unicode=False, option_1=8, option_2=30))
        k = 512
        n = rows * cols - k
        data = [n, 902, *_numeric_codewords(digits)]
        data += [900] * (n - len(data))
        values = np.array(data + error_correction(data, k)).reshape(rows, cols)
        found = _row_patterns(bits, cols)
        clusters = np.repeat((np.arange(rows) % 3)[:, None], cols, axis=1)
        known = table[clusters, values]
        if np.any((known >= 0) & (known != found)):
            raise InvalidOption("MacroPdf417: the PDF417 codeword patterns learned from zint are inconsistent")
        table[clusters, values] = found
        if (table >= 0).all():
            return table
    raise InvalidOption("MacroPdf417: could not learn all PDF417 codeword patterns from zint")


@cache
def codeword_values() -> list[dict[int, int]]:
    """For each cluster, the codeword value of each 17-bit pattern."""
    table = patterns()
    return [{int(p): v for v, p in enumerate(table[c])} for c in range(3)]


def read_codewords(bits: npt.NDArray[np.bool_], rows: int, cols: int) -> list[int]:
    rev = codeword_values()
    found = _row_patterns(bits, cols)
    return [rev[r % 3][int(p)] for r in range(rows) for p in found[r]]


def _bits(pattern: int, width: int) -> npt.NDArray[np.bool_]:
    return ((pattern >> np.arange(width - 1, -1, -1)) & 1).astype(bool)


def layout(codewords: list[int], rows: int, cols: int, ec_level: int, compact: bool) -> npt.NDArray[np.bool_]:
    """The symbol's module rows: start, left row indicator, data, right row indicator and stop (or the compact
    form: start, left row indicator, data and a one-module stop)."""
    table = patterns()
    width = 34 + 17 * cols + (1 if compact else 35)
    out = np.zeros((rows, width), dtype=bool)
    for r in range(rows):
        cluster, base = r % 3, 30 * (r // 3)
        row_info = base + (rows - 1) // 3
        level_info = base + ec_level * 3 + (rows - 1) % 3
        col_info = base + cols - 1
        left, right = ((row_info, col_info), (level_info, row_info), (col_info, level_info))[cluster]
        line = [_START, _bits(int(table[cluster, left]), 17)]
        line += [_bits(int(table[cluster, cw]), 17) for cw in codewords[r * cols : (r + 1) * cols]]
        if compact:
            line.append(np.ones(1, dtype=bool))
        else:
            line += [_bits(int(table[cluster, right]), 17), _STOP]
        out[r] = np.concatenate(line)
    return out


def _control_block(payload: str | bytes) -> list[int]:
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    crc = zlib.crc32(raw)
    file_id = [crc % 900, (crc // 900) % 900]
    segment_index = _numeric_codewords("00000")  # segment 0
    segment_count = _numeric_codewords("00001")  # optional field 1: one segment in all
    return [928, *segment_index, *file_id, 923, 1, *segment_count, 922]


def macro_pdf417(job: ZintJob, compact: bool, row_height: float | None) -> Geometry:
    """A one-segment Macro PDF417 of ``job``'s data with its options (columns, rows, EC level, ECI)."""
    bits, rows, cols = _zint_rows(job)
    codewords = read_codewords(bits, rows, cols)
    n = codewords[0]
    k = rows * cols - n
    ec_level = k.bit_length() - 2
    data = codewords[1:n]
    while data and data[-1] == 900:
        data.pop()
    body = [*data, *_control_block(job.data)]
    wanted_rows = job.option_3 or 0
    for c in range(cols, 31):
        total = 1 + len(body) + k
        r = max(3, -(-total // c), wanted_rows if c == cols else 0)
        if r <= 90:
            rows, cols = r, c
            break
    else:
        raise InvalidBarcodeData("MacroPdf417: the data is too long for one Macro PDF417 symbol")
    pad = rows * cols - k - 1 - len(body)
    full = [rows * cols - k, *data, *([900] * pad), *_control_block(job.data)]
    full += error_correction(full, k)
    modules = layout(full, rows, cols, ec_level, compact)
    height = row_height or _ROW_HEIGHT
    rects: list[tuple[float, float, float, float]] = []
    for r in range(rows):
        starts, stops = runs(modules[r])
        rects += [
            (_QUIET + float(s), _QUIET + r * height, float(e - s), height) for s, e in zip(starts, stops, strict=True)
        ]
    return Geometry(
        width=modules.shape[1] + 2 * _QUIET,
        height=rows * height + 2 * _QUIET,
        rects=np.asarray(rects, dtype=np.float64).reshape(-1, 4),
    )
