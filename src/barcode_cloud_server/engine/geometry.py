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
    rects: list[Rect] = field(default_factory=list)
    hexagons: list[Disc] = field(default_factory=list)
    circles: list[Disc] = field(default_factory=list)
    rings: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Circles drawn as outlines: centre x, centre y, diameter, stroke width (MaxiCode's bullseye)."""
    matrix: BoolMatrix | None = None
    """For square-module 2D codes: the modules (rows, cols), placed at (quiet, quiet)."""
    quiet: int = 0
    stretch_bars: bool = True
    """Whether bars may grow taller to fill an asked height (1D); 2D symbols keep square modules."""

    def matrix_rects(self) -> list[Rect]:
        """The matrix as horizontal runs (for SVG and geometry consumers)."""
        if self.matrix is None:
            return self.rects
        out: list[Rect] = []
        q = float(self.quiet)
        for y, row in enumerate(self.matrix):
            padded = np.concatenate(([False], row, [False]))
            edges = np.flatnonzero(padded[1:] != padded[:-1])
            for start, stop in zip(edges[::2], edges[1::2], strict=True):
                out.append((q + float(start), q + float(y), float(stop - start), 1.0))
        return out


def side_by_side(left: Geometry, right: Geometry, gap: float) -> Geometry:
    """Place two symbols on one baseline (top-aligned), ``gap`` X apart."""
    rects = list(left.matrix_rects() if left.matrix is not None else left.rects)
    dx = left.width + gap
    rects += [(x + dx, y, w, h) for (x, y, w, h) in (right.matrix_rects() if right.matrix is not None else right.rects)]
    return Geometry(
        width=left.width + gap + right.width,
        height=max(left.height, right.height),
        rects=rects,
        hexagons=left.hexagons + [(x + dx, y, d) for (x, y, d) in right.hexagons],
        circles=left.circles + [(x + dx, y, d) for (x, y, d) in right.circles],
        rings=left.rings + [(x + dx, y, d, s) for (x, y, d, s) in right.rings],
    )
