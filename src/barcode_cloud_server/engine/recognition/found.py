"""What the decoders of this package report, and the shape of a decoder that finds its own symbols."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Found:
    """A symbol read by a decoder of this package, with its corners in the page's pixel coordinates."""

    type: str
    value: str
    checksum: str | None
    region: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Reader:
    """A symbology family that finds its symbols in a page its own way (not through the shared linear scan).

    ``find(page, types, deadline)`` gets a C-contiguous uint8 gray page and the spec types of this family that
    were asked for, and stops at ``deadline`` (``time.monotonic()``) with what it has; ``price(shape)`` is what a
    search of a page of that shape costs, in seconds, so that ``recognize`` can tell whether it fits the budget.
    A reader reports a symbol only when its check characters or error correction hold.
    """

    types: frozenset[str]
    find: Callable[[np.ndarray, frozenset[str], float], list[Found]]
    price: Callable[[tuple[int, int]], float]
    asked_only: frozenset[str] = frozenset()  # types read only when asked for, never by a scan
