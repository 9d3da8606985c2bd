"""Postal test images: bar rows drawn from their states (a renderer independent of zint), and the ways the
postal tests degrade an image."""

from __future__ import annotations

import numpy as np
from PIL import Image

from tests.support.photo import spoil

# Bar heights in modules, as the four-state specifications draw them: the tracker in the middle, ascenders and
# descenders reaching out of it (Royal Mail: full 8, ascender/descender 5, tracker 2).
FULL, REACH, TRACKER = 8, 5, 2


def draw(
    states: str, module: int = 2, quiet: int = 10, heights: tuple[int, int, int] = (FULL, REACH, TRACKER)
) -> np.ndarray:
    """A gray page holding one row of bars, one per character of ``states`` over "FADT": ``module`` pixels wide,
    one module apart, heights (full, ascender/descender, tracker) in modules."""
    full, reach, tracker = heights
    top_of_tracker = full - reach  # where descenders start; ascenders start at 0
    spans = {
        "F": (0, full),
        "A": (0, reach),
        "D": (full - reach, full),
        "T": (top_of_tracker, top_of_tracker + tracker),
    }
    width = (2 * len(states) - 1 + 2 * quiet) * module
    page = np.full(((full + 2 * quiet) * module, width), 255, dtype=np.uint8)
    for k, state in enumerate(states):
        top, bottom = spans[state]
        x = (quiet + 2 * k) * module
        page[(quiet + top) * module : (quiet + bottom) * module, x : x + module] = 0
    return page


CONDITIONS = ("clean", "rotated", "steep", "upside-down", "perspective", "blurred", "noisy", "jpeg", "dim")
# Turned, blurred, noisy and compressed at once: thin bars run together (read by a pass of their own).
SPOILT = "spoilt"


def perspective(image: Image.Image, far: float) -> Image.Image:
    """The image seen from its left: its right edge ``far`` times as tall as its left (a label photographed at
    an angle), bilinear."""
    w, h = image.size
    inset = h * (1 - far) / 2
    out = [(0.0, 0.0), (w, inset), (w, h - inset), (0.0, h)]
    src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
    # PIL maps each output pixel to its source: solve the homography from out to src.
    rows, rhs = [], []
    for (x, y), (u, v) in zip(out, src, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        rhs += [u, v]
    coefficients = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return image.transform(
        (w, h), Image.Transform.PERSPECTIVE, tuple(coefficients), Image.Resampling.BILINEAR, fillcolor=255
    )


def degrade(gray: np.ndarray, how: str, angle: float = 0.0) -> np.ndarray:
    """``gray`` as one of :data:`CONDITIONS` or :data:`SPOILT` has it (seeded), turned by ``angle`` degrees
    first."""
    image = Image.fromarray(np.pad(gray, 12, constant_values=255))
    rng = np.random.default_rng(11)
    turn = {"rotated": 13.0, "steep": 71.0, "upside-down": 183.0, SPOILT: 23.0}.get(how, 0.0) + angle
    if turn:
        image = image.rotate(turn, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    if how == "perspective":
        image = perspective(image, 0.8)
    for step in ("blurred", "noisy", "jpeg") if how == SPOILT else (how,):
        image = spoil(image, step, rng)
    return np.ascontiguousarray(np.asarray(image))


# Encoders written from the specifications' tables, a second reading beside zint's: bar states over "FADT".
# POSTNET digits 0-9 as five bars, "1" a full bar (USPS: weights 7 4 2 1 0, two full bars a digit).
POSTNET_DIGITS = ("11000", "00011", "00101", "00110", "01001", "01010", "01100", "10001", "10010", "10100")
# RM4SCC: 0-9 then A-Z, six to a row; a row (ascenders) or column (descenders) number 1-6 marks these bars of four.
RM4SCC_MARKS = ("0011", "0101", "0110", "1001", "1010", "1100")
RM4SCC_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def postnet_states(digits: str, planet: bool = False) -> str:
    """POSTNET (or PLANET, its half and full bars exchanged) with its check digit and frame bars."""
    check = str((10 - sum(map(int, digits)) % 10) % 10)
    full, half = ("D", "F") if planet else ("F", "D")
    bars = "".join(POSTNET_DIGITS[int(d)] for d in digits + check)
    return "F" + bars.replace("1", full).replace("0", half) + "F"


def rm4scc_char(ch: str) -> str:
    k = RM4SCC_CHARS.index(ch)
    top, bottom = RM4SCC_MARKS[k // 6], RM4SCC_MARKS[k % 6]
    return "".join("FADT"[(t == "0") * 2 + (b == "0")] for t, b in zip(top, bottom, strict=True))


def rm4scc_states(text: str, kix: bool = False) -> str:
    """RM4SCC with its check character, start and stop bars; or Dutch KIX (the characters alone)."""
    bars = "".join(rm4scc_char(c) for c in text)
    if kix:
        return bars
    rows = sum(RM4SCC_CHARS.index(c) // 6 + 1 for c in text) % 6 or 6
    columns = sum(RM4SCC_CHARS.index(c) % 6 + 1 for c in text) % 6 or 6
    return "A" + bars + rm4scc_char(RM4SCC_CHARS[(rows - 1) * 6 + columns - 1]) + "F"
