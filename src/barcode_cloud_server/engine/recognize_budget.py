"""The time budget of one recognition: what is left, and what a read or a variant will cost before it starts.

A zxing-cpp (or ZBar) call cannot be interrupted, so the budget is kept by not starting what cannot finish: every
read, every image variant and the decoding of every page after the first is priced from its pixel count before
it runs, and skipped when the price is more than the time left. The price of a read is learnt from the reads of
this very request (seconds per pixel: busy content such as noise or foliage reads many times slower than a clean scan,
and a loaded machine slower than an idle one), starting from a prior for the worst content. Building a variant
costs about the same per pixel whatever the content, so its price comes from the pass table (``Pass.prep_ns``);
decoding a page from the image loader's per-format rate (``images.DECODE_NS``).
"""

from __future__ import annotations

import time

# zxing-cpp's rate on the slowest content per pixel: uniform noise, every format, try-invert on (bench/FIGURES.md).
PRIOR_READ_NS = 110.0
# The learnt rate is never taken below this: an extra pass's variant (sharpened, normalised) can be much busier
# than the clean page it was learnt on.
MIN_READ_NS = 20.0
# Reads smaller than this are dominated by fixed costs and teach nothing about the rate.
MIN_LEARNING_PIXELS = 200_000
# Prices are multiplied by this: timing noise, and the other requests sharing the cores.
SAFETY = 1.5
# A read priced within this much past the deadline may still start: dropping a cheap last read to save a few
# milliseconds would lose results for nothing.
GRACE_SECONDS = 0.1


class Clock:
    """The deadline of one request and the read rate learnt so far."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.read_ns = PRIOR_READ_NS
        self._learnt = False

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def read_cost(self, pixels: int) -> float:
        """The price (seconds) of one read of an image of ``pixels`` pixels."""
        return pixels * self.read_ns * 1e-9 * SAFETY

    def prep_cost(self, pixels: int, prep_ns: float) -> float:
        """The price (seconds) of work that costs ``prep_ns`` per pixel of a ``pixels`` page (building a variant,
        decoding the page)."""
        return pixels * prep_ns * 1e-9 * SAFETY

    def affords(self, seconds: float) -> bool:
        return seconds <= self.remaining() + GRACE_SECONDS

    def pixels_for(self, seconds: float) -> int:
        """How many pixels one read can take within ``seconds``."""
        return max(0, int(seconds / (self.read_ns * 1e-9 * SAFETY)))

    def learn(self, pixels: int, seconds: float) -> None:
        """Record what a read of ``pixels`` took. The first lesson replaces the prior; later ones only raise it."""
        if pixels < MIN_LEARNING_PIXELS:
            return
        rate = max(MIN_READ_NS, seconds / pixels * 1e9)
        self.read_ns = rate if not self._learnt else max(self.read_ns, rate)
        self._learnt = True
