"""What every linear decoder of this package shares: symbols between quiet zones, narrow and wide elements, and
the votes of several scanlines.

A family module describes its symbology as a :class:`Family`: which element counts a symbol can have (a cheap,
vectorised filter over every stretch of every scanline) and a ``read`` of one stretch that returns a value only
when the whole symbol parses: start and stop patterns, every character, the quiet zones the family needs, and its
check characters. A value is reported when enough different scanlines read it (see ``Family.votes``): a decoder
that is not sure says nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from barcode_cloud_server.engine.recognition.scanlines import Runs

NEIGHBOURS = 8
MAX_ELEMENTS = 400
MAX_SPREAD = 7.0


@dataclass(frozen=True)
class Read:
    """One symbol read on one scanline."""

    type: str
    value: str
    checksum: str | None


@dataclass(frozen=True)
class Quiet:
    """How :func:`stretches` tells a quiet zone: ``factor`` times the ``rank``-th narrowest neighbour (of the
    spaces only, ``spaces_only``). Rank 1 by default, so that one sliver of noise does not decide; the factor is
    well above the widest space inside a symbol, which blur widens."""

    rank: int = 1
    factor: float = 4.5
    spaces_only: bool = False


@dataclass(frozen=True)
class Family:
    """A symbology family: the spec types it reports, which stretch lengths (element counts, bars and spaces from
    the first bar to the last) it can read, and its reader of one stretch (``elements``, ``lead`` and ``trail``
    the spaces before and after, in scanline direction)."""

    types: tuple[str, ...]
    fits: Callable[[np.ndarray], np.ndarray]
    read: Callable[[np.ndarray, float, float], Read | None]
    votes: Mapping[str, int]  # scanlines that must agree before a type's value is reported
    directional: bool = False  # read in scan direction only (the symbol reads otherwise backwards)
    # A stretch that does not read is read again reversed (``read`` then sees the symbol from its start): for
    # families whose ``read`` knows one direction only; not with ``directional``.
    backwards: bool = False
    quiet: Quiet = field(default_factory=lambda: Quiet())


def stretches(widths: np.ndarray, quiet: Quiet) -> tuple[np.ndarray, np.ndarray]:
    """First and last element index of every run of bars between two quiet-zone candidates: spaces at least
    ``quiet.factor`` times the ``quiet.rank``-th narrowest (from 0) of the eight elements beside them, or of the
    four spaces among them. Each family then checks its own quiet zone."""
    n = len(widths)
    pad = np.full(NEIGHBOURS, np.inf, dtype=np.float32)
    ext = np.concatenate([pad, widths, pad])
    windows = sliding_window_view(ext, NEIGHBOURS)
    # For a space at i, elements i+1 .. i+8 (spaces in the odd columns) and i-8 .. i-1 (spaces in the even ones).
    ahead, behind = (windows[:, 1::2], windows[:, 0::2]) if quiet.spaces_only else (windows, windows)
    after = np.partition(ahead, quiet.rank, axis=1)[:, quiet.rank][NEIGHBOURS + 1 : NEIGHBOURS + 1 + n]
    before = np.partition(behind, quiet.rank, axis=1)[:, quiet.rank][:n]
    spaces = np.arange(0, n, 2)
    w = widths[spaces]
    left = spaces[(w > 0) & (w >= quiet.factor * after[spaces])]
    right = spaces[(w > 0) & (w >= quiet.factor * before[spaces])]
    if len(left) == 0 or len(right) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    k = np.searchsorted(right, left, side="right")
    ok = k < len(right)
    left, end = left[ok], right[k[ok]]
    first, last = left + 1, end - 1
    ok = (last > first) & (last - first < MAX_ELEMENTS)
    first, last = first[ok], last[ok]
    # A stretch that crosses the end of a scanline (a zero-width element) is no symbol.
    zeros = np.concatenate([[0], np.cumsum(widths <= 0)])
    ok = zeros[last + 1] == zeros[first]
    return first[ok], last[ok]


def two_widths(widths: np.ndarray, low: float = 1.6, high: float = 3.8) -> np.ndarray | None:
    """Wide (True) or narrow for elements of two widths; None when they are not two clean classes whose ratio is
    within [low, high]. All elements alike come back all narrow (the caller knows whether that can be)."""
    if len(widths) == 0:
        return np.zeros(0, dtype=bool)
    s = np.sort(widths)
    if s[0] <= 0:
        return None
    if len(s) == 1 or s[-1] / s[0] < 1.45:
        return np.zeros(len(widths), dtype=bool)
    gaps = s[1:] / s[:-1]
    k = int(np.argmax(gaps))
    cut = (s[k] + s[k + 1]) / 2
    wide: np.ndarray = widths > cut
    narrow_mean, wide_mean = float(widths[~wide].mean()), float(widths[wide].mean())
    if not low <= wide_mean / narrow_mean <= high:
        return None
    if s[k] / s[0] > 1.9 or s[-1] / s[k + 1] > 1.9:
        return None
    return wide


def uniform(widths: np.ndarray, spread: float = 1.9) -> bool:
    """All elements of one width (within ``spread`` of their median, either way)."""
    if len(widths) == 0:
        return True
    m = float(np.median(widths))
    return m > 0 and float(widths.max()) <= spread * m and float(widths.min()) * spread >= m


@dataclass
class Voted:
    """A value and the scanlines of the one angle that read it most often (their spans in flat positions)."""

    read: Read
    votes: int
    spans: list[tuple[float, float]]
    elements: int  # bars and spaces of the symbol (the most any of its scanlines crossed)


# A scan direction this many degrees above the rightward one or more is taken as reading upwards; directional
# families read only the other directions (rightward to downward), so that a symbol is read one way only.
_UPWARD = -45.0


def _plausible(widths: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stretches whose elements are all within ``MAX_SPREAD`` of each other: elements of every family here
    are at most a few narrow ones wide (blur and ink spread included), so stretches of text and pictures with
    wilder widths are dropped before any family looks at them."""
    if len(first) == 0:
        return first, last
    order = np.argsort(first, kind="stable")
    first, last = first[order], last[order]
    bounds = np.stack([first, last + 1], axis=1).ravel()
    lows = np.minimum.reduceat(widths, bounds)[0::2]
    highs = np.maximum.reduceat(widths, bounds)[0::2]
    keep = highs <= MAX_SPREAD * lows
    return first[keep], last[keep]


def vote(runs: Runs, families: Iterable[Family], deadline: float) -> list[Voted]:
    """Every family's reads over every stretch; the values that enough scanlines at one angle agree on. Reading
    stops at ``deadline`` (``time.monotonic()``): noise makes runs as plausible as bars, and a large noisy page
    has more stretches than any budget can read."""
    upward = {k for k, scan in enumerate(runs.lines) if math.degrees(math.atan2(*scan.direction[::-1])) <= _UPWARD}
    tally: dict[tuple[str, str], dict[int, list[_Hit]]] = {}
    sizes: dict[tuple[str, str], int] = {}
    reads: dict[tuple[str, str], Read] = {}
    minimum: dict[str, int] = {}
    found: dict[Quiet, tuple[np.ndarray, np.ndarray]] = {}
    for family in families:
        minimum.update(family.votes)
        if family.quiet not in found:
            found[family.quiet] = _plausible(runs.widths, *stretches(runs.widths, family.quiet))
        first, last = found[family.quiet]
        for n, i in enumerate(np.flatnonzero(family.fits(last - first + 1))):
            if n % 256 == 255 and time.monotonic() > deadline:
                break
            a, b = int(first[i]), int(last[i])
            angle, line, t = runs.locate(float(runs.starts[a]))
            if family.directional and angle in upward:
                continue
            elements, lead, trail = runs.widths[a : b + 1], float(runs.widths[a - 1]), float(runs.widths[b + 1])
            read = family.read(elements, lead, trail)
            if read is None and family.backwards:
                read = family.read(elements[::-1], trail, lead)
            if read is None:
                continue
            key = (read.type, read.value)
            reads[key] = read
            sizes[key] = max(sizes.get(key, 0), b - a + 1)
            start, end = float(runs.starts[a]), float(runs.starts[b] + runs.widths[b])
            hit = _Hit(line, t, (start, end))
            tally.setdefault(key, {}).setdefault(angle, []).append(hit)
    out: list[Voted] = []
    for key, by_angle in tally.items():
        spans = max((group for hits in by_angle.values() for group in _bars(hits)), key=len)
        if len(spans) >= minimum[key[0]]:
            out.append(Voted(reads[key], len(spans), spans, sizes[key]))
    return out


@dataclass(frozen=True)
class _Hit:
    line: int  # within its angle
    t: float  # where the symbol starts along the line
    span: tuple[float, float]  # flat grid positions


# Scanlines of one symbol are neighbours (at most this many lines apart) that start it at nearly the same place
# along the line (within this many pixels, plus the drift of a symbol the scan crosses obliquely).
_LINE_GAP = 2
_START_SLACK = 3.0
_DRIFT = 0.5


def _bars(hits: list[_Hit]) -> list[list[tuple[float, float]]]:
    """The hits of one value at one angle, grouped into symbols: runs of neighbouring scanlines whose starts line
    up, as the starts of bars do. Hits scattered over a noisy picture make groups of one."""
    groups: list[list[_Hit]] = []
    for hit in sorted(hits, key=lambda h: h.line):
        for group in groups:
            last = group[-1]
            gap = hit.line - last.line
            if 0 < gap <= _LINE_GAP and abs(hit.t - last.t) <= _START_SLACK + _DRIFT * gap:
                group.append(hit)
                break
        else:
            groups.append([hit])
    return [[h.span for h in group] for group in groups]


def check_digit_mod(values: Iterable[int], weights: Iterable[int], modulus: int) -> int:
    """Sum of ``values`` (read from the right) times the cycling ``weights``, modulo ``modulus``."""
    ws = list(weights)
    return sum(v * ws[i % len(ws)] for i, v in enumerate(reversed(list(values)))) % modulus
