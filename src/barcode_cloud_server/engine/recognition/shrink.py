"""Large pages searched shrunk by a whole factor, so that a search's cost, and its price, stays within a scan's
budget: each block of k by k pixels becomes its mean (a whole factor keeps every block alike)."""

from __future__ import annotations

import math

import numpy as np


def factor(shape: tuple[int, int], max_pixels: int) -> int:
    """By how much a page of this shape is shrunk: to at most ``max_pixels``."""
    return max(1, math.ceil(math.sqrt(shape[0] * shape[1] / max_pixels)))


def shrunk(page: np.ndarray, max_pixels: int) -> tuple[np.ndarray, int]:
    """The page as it is searched (C-contiguous uint8), and by how much it was shrunk."""
    k = factor(page.shape, max_pixels)
    if k == 1:
        return page, 1
    h, w = page.shape[0] // k, page.shape[1] // k
    means = page[: h * k, : w * k].reshape(h, k, w, k).mean(axis=(1, 3))
    return np.ascontiguousarray(means.round().astype(np.uint8)), k
