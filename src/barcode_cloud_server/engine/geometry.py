"""A symbol's shapes in module units (X), quiet zones included: what every renderer draws from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Rect = tuple[float, float, float, float]  # x, y, width, height in X
Disc = tuple[float, float, float]  # centre x, centre y, diameter in X

BoolMatrix = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Geometry:
    width: float
    """Total width in X, quiet zones included."""
    height: float
    """Total height in X, quiet zones included."""
    rects: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 4)))
    """(N, 4) rectangles: x, y, width, height in X."""
    hexagons: list[Disc] = field(default_factory=list)
    circles: list[Disc] = field(default_factory=list)
    rings: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Circles drawn as outlines: centre x, centre y, diameter, stroke width (MaxiCode's bullseye)."""
    matrix: BoolMatrix | None = None
    """For square-module 2D codes: the modules (rows, cols), placed at (quiet, quiet)."""
    quiet: int = 0
    stretch_bars: bool = True
    """Whether bars may grow taller to fill an asked height (1D); 2D symbols keep square modules."""

    def matrix_rects(self) -> npt.NDArray[np.float64]:
        """The rectangles to draw: ``rects``, or the matrix as horizontal runs."""
        if self.matrix is None:
            return self.rects
        out: list[npt.NDArray[np.float64]] = []
        q = float(self.quiet)
        for y, row in enumerate(self.matrix):
            starts, stops = runs(row)
            if len(starts):
                block = np.empty((len(starts), 4))
                block[:, 0] = starts + q
                block[:, 1] = y + q
                block[:, 2] = stops - starts
                block[:, 3] = 1.0
                out.append(block)
        return np.concatenate(out) if out else np.zeros((0, 4))


def runs(row: BoolMatrix) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and stop indices of the runs of True in a 1D boolean array."""
    padded = np.concatenate(([False], row, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[::2], edges[1::2]


def rect_array(rects: list[Rect]) -> npt.NDArray[np.float64]:
    return np.asarray(rects, dtype=np.float64).reshape(-1, 4)


def side_by_side(left: Geometry, right: Geometry, gap: float) -> Geometry:
    """Place two symbols on one baseline (top-aligned), ``gap`` X apart."""
    dx = left.width + gap
    moved = right.matrix_rects().copy()
    moved[:, 0] += dx
    return Geometry(
        width=left.width + gap + right.width,
        height=max(left.height, right.height),
        rects=np.concatenate((left.matrix_rects(), moved)),
        hexagons=left.hexagons + [(x + dx, y, d) for (x, y, d) in right.hexagons],
        circles=left.circles + [(x + dx, y, d) for (x, y, d) in right.circles],
        rings=left.rings + [(x + dx, y, d, s) for (x, y, d, s) in right.rings],
    )
