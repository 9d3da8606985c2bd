"""Encoding with zint (zint-bindings): data in, :class:`Geometry` out.

zint-bindings 1.2.2 pitfalls handled here: ``Symbol.bitmap`` does not keep its Symbol alive and
``Symbol.row_height`` is broken, so geometry is read from ``encoded_data`` (square-module 2D codes) or from the
vector output, both copied while the Symbol lives.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import zint

from barcode_cloud_server.engine.errors import InvalidBarcodeData, InvalidOption
from barcode_cloud_server.engine.geometry import Geometry, rect_array, runs

# Square-module 2D symbologies read straight from encoded_data, with their quiet zones in X.
MATRIX_QUIET: dict[str, int] = {
    "QRCODE": 4,
    "MICROQR": 2,
    "RMQR": 2,
    "DATAMATRIX": 1,
    "AZTEC": 1,
    "HANXIN": 3,
    "HIBC_QR": 4,
    "HIBC_DM": 1,
    "HIBC_AZTEC": 1,
}

_ERR_PREFIX = re.compile(r"^(Error|Warning) \d+: ")


@dataclass(slots=True)
class ZintJob:
    """What zint is asked to encode: the symbology, the data and zint's options. ``engine.generate`` builds one up
    step by step from the request (hence not frozen); it is not changed once handed to :func:`encode`."""

    symbology: str
    data: str | bytes
    gs1: bool = False
    gs1_parens: bool = True
    gs1_nocheck: bool = False
    unicode: bool = True
    extra_escape: bool = False
    height_per_row: bool = False
    eci: int = 0
    option_1: int | None = None
    option_2: int | None = None
    option_3: int | None = None
    height: float | None = None
    reader_init: bool = False
    structapp: tuple[int, int, bytes] | None = None


@cache
def _symbology(name: str) -> zint.Symbology:
    return getattr(zint.Symbology, name)  # type: ignore[no-any-return]


@cache
def supports_eci(name: str) -> bool:
    return bool(zint.Symbol.capabilities(_symbology(name)) & zint.CapabilityFlags.ECI)


def make_symbol(job: ZintJob) -> zint.Symbol:
    """A zint Symbol set up for ``job`` (not yet encoded)."""
    sym = zint.Symbol()
    sym.symbology = _symbology(job.symbology)
    mode = zint.InputMode(0)
    if job.gs1:
        mode |= zint.InputMode.GS1
        if job.gs1_parens:
            mode |= zint.InputMode.GS1PARENS
        if job.gs1_nocheck:
            mode |= zint.InputMode.GS1NOCHECK
    elif job.unicode and isinstance(job.data, str):
        mode |= zint.InputMode.UNICODE
    if job.extra_escape:
        mode |= zint.InputMode.EXTRA_ESCAPE
    if job.height_per_row:
        mode |= zint.InputMode.HEIGHTPERROW
    sym.input_mode = mode
    if job.eci:
        sym.eci = job.eci
    if job.option_1 is not None:
        sym.option_1 = job.option_1
    if job.option_2 is not None:
        sym.option_2 = job.option_2
    if job.option_3 is not None:
        sym.option_3 = job.option_3
    if job.height is not None:
        sym.height = job.height
    if job.structapp is not None:
        sym.structapp = zint.StructApp(*job.structapp)
    options = zint.OutputOptions.BARCODE_QUIET_ZONES
    if job.reader_init:
        options |= zint.OutputOptions.READER_INIT
    sym.output_options = options
    sym.show_text = False
    return sym


class _Sink(io.TextIOBase):
    """Swallows the warnings zint-bindings prints to ``sys.stderr`` (they are not errors; the log stays clean)."""

    def write(self, text: str) -> int:
        return len(text)


_SINK = _Sink()
_STDERR_LOCK = threading.Lock()


# zint checks GS1 element strings (check digits, dates, ...) but only warns when they fail: "Warning 261: AI (01)
# position 14: Bad checksum '4', expected '3'" - and then encodes the data as given, or (DataBar Expanded) with the
# check digit silently corrected.
_GS1_LINT = "Warning 261: "


def encode_symbol(sym: zint.Symbol, data: str | bytes, type_name: str, strict_gs1: bool = False) -> None:
    """``sym.encode(data)`` with zint's errors as engine errors and its warning prints kept off stderr; with
    ``strict_gs1``, GS1 data that fails zint's GS1 checks is an error too."""
    try:
        with _STDERR_LOCK:
            saved, sys.stderr = sys.stderr, _SINK
            try:
                sym.encode(data)
            finally:
                sys.stderr = saved
    except RuntimeError as exc:
        message = _ERR_PREFIX.sub("", str(exc))
        if message.rstrip(".").endswith("too long"):
            message += " (more data than the largest symbol of this type holds)"
        if "out of range" in message or ("Invalid" in message and "option" in message.lower()):
            raise InvalidOption(f"{type_name}: {message}") from None
        raise InvalidBarcodeData(f"{type_name}: {message}") from None
    except (ValueError, TypeError) as exc:
        raise InvalidBarcodeData(f"{type_name}: {exc}") from None
    if strict_gs1:
        warning: str = sym.errtxt
        if warning.startswith(_GS1_LINT):
            raise InvalidBarcodeData(f"{type_name}: {warning.removeprefix(_GS1_LINT)} (GS1 element string)")


# Single-row symbologies whose vector output carries more than the bars (guard bars, bearer bars).
_VECTOR_ONLY = frozenset({"EANX", "EANX_CHK", "UPCA", "UPCA_CHK", "UPCE", "UPCE_CHK", "ISBNX", "ITF14", "EANX_CC"})
# Quiet zones (left, right, top, bottom in X) of single-row symbols by "symbology/height": reading them from zint's
# vector output costs more than the encoding, and they depend only on the key (a few dozen keys at most).
_LINEAR_QUIET: dict[str, tuple[float, float, float, float]] = {}


def encode(job: ZintJob, type_name: str) -> Geometry:
    sym = make_symbol(job)
    encode_symbol(sym, job.data, type_name, strict_gs1=job.gs1 and not job.gs1_nocheck)
    quiet = MATRIX_QUIET.get(job.symbology)
    if quiet is not None:
        return _matrix_geometry(sym, quiet)
    if sym.rows == 1 and job.symbology not in _VECTOR_ONLY:
        return _linear_geometry(sym, job.symbology)
    return _vector_geometry(sym)


def symbol_bits(sym: zint.Symbol) -> npt.NDArray[np.bool_]:
    """The encoded symbol's modules, (rows, width), True for dark (zint packs them 8 to a byte, 200 rows)."""
    rows, cols = sym.rows, sym.width
    raw = np.frombuffer(bytes(sym.encoded_data), dtype=np.uint8).reshape(200, -1)[:rows]
    return np.unpackbits(raw, axis=1, bitorder="little")[:, :cols].astype(bool)


def _matrix_geometry(sym: zint.Symbol, quiet: int) -> Geometry:
    bits = symbol_bits(sym)
    rows, cols = bits.shape
    return Geometry(
        width=float(cols + 2 * quiet), height=float(rows + 2 * quiet), matrix=bits, quiet=quiet, stretch_bars=False
    )


def _linear_geometry(sym: zint.Symbol, symbology: str) -> Geometry:
    """One row of bars, read from encoded_data; quiet zones as zint's vector output puts them (cached)."""
    row = symbol_bits(sym)[0]
    height = float(sym.height)
    key = f"{symbology}/{height}"
    quiet = _LINEAR_QUIET.get(key)
    if quiet is None:
        vec = _vector_geometry(sym)
        left = float(vec.rects[:, 0].min()) if len(vec.rects) else 0.0
        top = float(vec.rects[:, 1].min()) if len(vec.rects) else 0.0
        quiet = (left, vec.width - left - sym.width, top, vec.height - top - height)
        _LINEAR_QUIET[key] = quiet
    starts, stops = runs(row)
    rects = np.empty((len(starts), 4))
    rects[:, 0] = starts + quiet[0]
    rects[:, 1] = quiet[2]
    rects[:, 2] = stops - starts
    rects[:, 3] = height
    return Geometry(width=quiet[0] + sym.width + quiet[1], height=quiet[2] + height + quiet[3], rects=rects)


def _vector_geometry(sym: zint.Symbol) -> Geometry:
    sym.buffer_vector()
    vec = sym.vector
    rects = rect_array([(r.x / 2, r.y / 2, r.width / 2, r.height / 2) for r in vec.rectangles])
    hexagons = [(h.x / 2, h.y / 2, h.diameter / 2) for h in vec.hexagons]
    circles = [(c.x / 2, c.y / 2, c.diameter / 2) for c in vec.circles if not c.width]
    rings = [(c.x / 2, c.y / 2, c.diameter / 2, c.width / 2) for c in vec.circles if c.width]
    geometry = Geometry(
        width=vec.width / 2, height=vec.height / 2, rects=rects, hexagons=hexagons, circles=circles, rings=rings
    )
    if hexagons or circles:
        geometry.stretch_bars = False
    return geometry
