"""Rows followed from their start to their stop, for stacked symbols seen at an angle.

Under keystone a symbol's rows are no longer parallel (they fan out from the near edge to the far one), so a
scanline along the page's edge orientation crosses from one row into the next before it reaches the far end, and
no scanline reads an outer row whole. Its start and its stop are still crossed by scanlines, and a row stays a
straight line in perspective: each family reports the :class:`End` of every start and stop pattern it sees, the
ends of one row end are gathered into one (the same key, the same direction, within a row's height), and every
start is joined to the stops ahead of it in about its reading direction at a row's length in modules. The lines
through those pairs, from a quiet zone before the start to one past the stop, are scanned once more; a pair that
joins two different rows reads as no row at all. Rows of one length (Code 16K's 70 modules) need no stop: lines
fan out from each start over the tilt a keystone gives. Ends are looked for only around rows a scan already read
(:class:`Near`), and only starts of rows not read yet are followed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from barcode_cloud_server.engine.recognition.scanlines import Runs


@dataclass(frozen=True)
class End:
    """Where a scanline saw a row's start (the leading edge of its first bar) or stop (the trailing edge of its
    last bar): the reading direction there, the module size of the pattern, and a key that tells the rows of one
    symbol apart (the start pattern's value, the row indicator, the check character)."""

    point: tuple[float, float]
    direction: tuple[float, float]
    module: float
    key: int


@dataclass(frozen=True)
class Near:
    """Where ends are looked for: within ``reach`` pixels of an end of a row already read (a symbol seen at an
    angle still has rows that a scanline reads whole), so that a busy page with no symbol costs nothing more."""

    anchors: np.ndarray  # (n, 2) page points
    reach: float

    def holds(self, points: np.ndarray) -> np.ndarray:
        if len(self.anchors) == 0 or len(points) == 0:
            return np.zeros(len(points), dtype=bool)
        d = np.abs(points[:, None, :] - self.anchors[None, :, :]).max(axis=2)
        out: np.ndarray = d.min(axis=1) <= self.reach
        return out


class Geometry:
    """Page points of many flat positions of one scan's runs at once."""

    def __init__(self, runs: Runs) -> None:
        self.runs = runs
        self.firsts = np.array([scan.first for scan in runs.lines], dtype=np.int64)
        self.centres = np.array([scan.centre for scan in runs.lines], dtype=np.float64).reshape(-1, 2)
        self.normals = np.array([scan.normal for scan in runs.lines], dtype=np.float64).reshape(-1, 2)
        self.directions = np.array([scan.direction for scan in runs.lines], dtype=np.float64).reshape(-1, 2)
        self.offsets = np.array([o for scan in runs.lines for o in scan.offsets], dtype=np.float64)

    def points(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The page points of flat positions, and the forward direction of their lines."""
        runs = self.runs
        line = np.searchsorted(runs.bases, edges, side="right") - 1
        t = runs.t_first[line] + edges - runs.bases[line]
        group = np.searchsorted(self.firsts, line, side="right") - 1
        forward = self.directions[group]
        return self.centres[group] + self.offsets[line][:, None] * self.normals[group] + t[:, None] * forward, forward


def found(points: np.ndarray, forward: np.ndarray, backward: bool, modules: np.ndarray, keys: np.ndarray) -> list[End]:
    """The ends at ``points`` on lines running ``forward`` (read backward or not), at most ``MAX_ENDS``."""
    reading = -forward if backward else forward
    return [
        End((float(p[0]), float(p[1])), (float(u[0]), float(u[1])), float(m), int(k))
        for p, u, m, k in zip(points[:MAX_ENDS], reading, modules, keys, strict=False)
    ]


# A row's stop lies within this angle of its start's scan direction (a tilted row against a scanline's angle).
_TILT = math.cos(math.radians(12.0))
# Ends of one row end: the same direction, within this many modules of the first one seen.
_SAME_END = 8.0
# Quiet zone scanned before the start and after the stop, modules.
_MARGIN = 8.0
# Bounds on the work done for a busy page: ends considered, lines scanned.
MAX_ENDS = 600
MAX_LINES = 1500


def gather(ends: list[End]) -> list[End]:
    """The ends of one row end (several scanlines cross it) as one at their mean point."""
    groups: list[list[End]] = []
    for end in ends[:MAX_ENDS]:
        for group in groups:
            first = group[0]
            near = math.dist(first.point, end.point) <= _SAME_END * first.module
            if first.key == end.key and _cos(first.direction, end.direction) > 0.995 and near:
                group.append(end)
                break
        else:
            groups.append([end])
    out: list[End] = []
    for group in groups:
        points = np.array([e.point for e in group]).mean(axis=0)
        u = np.array([e.direction for e in group]).mean(axis=0)
        u /= max(float(np.hypot(u[0], u[1])), 1e-9)
        module = float(np.mean([e.module for e in group]))
        out.append(End((float(points[0]), float(points[1])), (float(u[0]), float(u[1])), module, group[0].key))
    return out


def lines(starts: list[End], stops: list[End], modules: tuple[int, int], read: np.ndarray) -> np.ndarray:
    """Segments (x0, y0, x1, y1) through each start (but those of rows already read, whose starts are ``read``)
    and each stop that may end its row: ahead of it within the tilt, ``modules`` (least and most, start to stop)
    of the two ends' mean module size away. Rows of one length need no stop: lines fan out from each start over
    the tilt, as long as the row can be."""
    todo = [s for s in gather(starts) if not _seen(s, read)]
    if modules[0] == modules[1]:
        return _fans(todo, modules[0])
    out: list[tuple[float, float, float, float]] = []
    stops = gather(stops)
    for s in todo:
        for t in stops:
            vx, vy = t.point[0] - s.point[0], t.point[1] - s.point[1]
            d = math.hypot(vx, vy)
            module = (s.module + t.module) / 2
            if _cos(s.direction, t.direction) < _TILT or vx * s.direction[0] + vy * s.direction[1] < d * _TILT:
                continue
            if not 0.7 * modules[0] <= d / module <= 1.4 * modules[1]:
                continue
            ux, uy = vx / d, vy / d
            a, b = _MARGIN * s.module, _MARGIN * t.module
            out.append((s.point[0] - a * ux, s.point[1] - a * uy, t.point[0] + b * ux, t.point[1] + b * uy))
            if len(out) >= MAX_LINES:
                return np.array(out)
    return np.array(out, dtype=np.float64).reshape(-1, 4)


def _seen(start: End, read: np.ndarray) -> bool:
    if len(read) == 0:
        return False
    return bool((np.hypot(*(read - np.array(start.point)).T) <= _SAME_START * start.module).any())


# A start this close (modules) to that of a row already read is that row's.
_SAME_START = 3.0


def _fans(starts: list[End], modules: int) -> np.ndarray:
    # Seen at an angle a row's far modules can be a third of its near ones, its near ones a third larger than
    # the mean: lines reach two rows' length.
    out = []
    for s in starts:
        for tilt in _FAN:
            c, d = math.cos(tilt), math.sin(tilt)
            ux, uy = c * s.direction[0] - d * s.direction[1], d * s.direction[0] + c * s.direction[1]
            a, b = _MARGIN * s.module, 2 * modules * s.module
            out.append((s.point[0] - a * ux, s.point[1] - a * uy, s.point[0] + b * ux, s.point[1] + b * uy))
    return np.array(out[:MAX_LINES], dtype=np.float64).reshape(-1, 4)


# A row of 70 modules, tilted up to 9 degrees: lines 3 degrees apart pass within 3 modules of its far end.
_FAN = tuple(math.radians(a) for a in range(-9, 10, 3))


def _cos(a: tuple[float, float], b: tuple[float, float]) -> float:
    return a[0] * b[0] + a[1] * b[1]
