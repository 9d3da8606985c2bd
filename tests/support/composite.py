"""GS1 composite symbols for the tests and the bench: drawn by zint (a linear symbol and its CC-A, CC-B or CC-C),
or from module rows (the specification's figures), with the value the reader reports for each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import zint

from barcode_cloud_server.engine import datacheck as dc


@dataclass(frozen=True)
class Composite:
    symbology: str  # zint.Symbology member, a ..._CC one
    primary: str  # the linear symbol's data as zint takes it
    component: str  # the 2D component's data, [AI] brackets
    cc: int  # zint's option_1: 1 CC-A, 2 CC-B, 3 CC-C (zint moves to CC-B when the data needs it)

    @property
    def value(self) -> str:
        """The linear part's element string and the component's, joined by '|'."""
        return f"{linear_value(self.symbology, self.primary)}|{self.component.replace('[', '(').replace(']', ')')}"


def linear_value(symbology: str, primary: str) -> str:
    """The element string of the linear symbol zint draws for ``primary``."""
    if symbology.startswith(("EANX", "UPCA", "UPCE")):
        digits = primary
        if symbology.startswith("UPCE"):
            digits = dc.upce_to_upca(primary)
        digits += dc.gs1_check_digit(digits)
        return f"(01){digits.zfill(14)}"
    if primary.startswith("["):
        return primary.replace("[", "(").replace("]", ")")
    return f"(01){primary.zfill(13)}{dc.gs1_check_digit(primary.zfill(13))}"


def draw(sample: Composite, module: int = 2, quiet: int = 12) -> np.ndarray:
    """The symbol as grayscale pixels, ``module`` pixels per module, with a white margin of ``quiet`` modules."""
    sym = zint.Symbol()
    sym.symbology = getattr(zint.Symbology, sample.symbology)
    sym.input_mode = zint.InputMode.GS1
    sym.show_text = False
    sym.scale = module / 2
    sym.option_1 = sample.cc
    sym.primary = sample.primary
    sym.encode(sample.component)
    sym.buffer()
    bitmap = np.asarray(sym.bitmap, dtype=np.uint8)
    gray = bitmap if bitmap.ndim == 2 else bitmap[..., :3].mean(axis=2).astype(np.uint8)
    return np.pad(gray, quiet * module, constant_values=255)


def from_rows(rows: Sequence[str], heights: Sequence[int], module: int = 2, quiet: int = 12) -> np.ndarray:
    """Module rows ('1' dark) drawn ``heights`` modules tall each, ``module`` pixels per module."""
    lines = [
        np.repeat(np.array([c == "1" for c in row]), module)[None, :].repeat(h * module, axis=0)
        for row, h in zip(rows, heights, strict=True)
    ]
    dark = np.concatenate(lines)
    return np.pad(np.where(dark, 0, 255).astype(np.uint8), quiet * module, constant_values=255)


# One of each linear symbol zint composes, with short data (CC-A if it fits) and long data (CC-B).
LINEAR = (
    ("EANX_CC", "331234567890"),
    ("EANX_CC", "1234567"),
    ("UPCA_CC", "61414101234"),
    ("UPCE_CC", "0121230"),
    ("GS1_128_CC", "[01]09501101530003"),
    ("DBAR_OMN_CC", "0950110153000"),
    ("DBAR_LTD_CC", "0123456789012"),
    ("DBAR_EXP_CC", "[01]09501101530003[3103]000123"),
    ("DBAR_STK_CC", "0950110153000"),
    ("DBAR_OMNSTK_CC", "0950110153000"),
    ("DBAR_EXPSTK_CC", "[01]09501101530003[3103]000123"),
)
