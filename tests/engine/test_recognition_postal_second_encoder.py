"""The postal decoders on symbols a second encoder drew (BWIPP, tests/data/second_encoder, see
bench/second_encoder.py): Postnet, Planet, RM4SCC, KIX, Australia Post of several FCCs with and without customer
information, OneCode with routing codes of 0, 5, 9 and 11 digits; read clean, scaled, turned and spoilt."""

from __future__ import annotations

import numpy as np
import pytest

from barcode_cloud_server.engine import recognition
from tests.support import second_encoder
from tests.support.postal import SPOILT, degrade

POSTAL = frozenset({"Postnet", "Planet", "RM4SCC", "DutchKIX", "AustraliaPost", "OneCode"})
# Turned and spoilt at three pixels a unit (BWIPP draws a bar two or three units wide, a gap one or two).
SCALE = 3
SYMBOLS = [
    (n, str(second_encoder.MANIFEST[n]["type"]), str(second_encoder.MANIFEST[n]["value"]))
    for n in second_encoder.names(*POSTAL)
]


def _page(name: str, scale: int) -> np.ndarray:
    """The symbol (drawn at one pixel per BWIPP unit, no quiet zone) scaled up by ``scale`` and set on a page."""
    return second_encoder.symbol(name, scale, pad=8 * scale)[2]


def _read(gray: np.ndarray, kind: str) -> list[tuple[str, str]]:
    return [(f.type, f.value) for f in recognition.find(gray, frozenset({kind}))]


def test_the_manifest_holds_the_postal_formats() -> None:
    kinds = {kind for _, kind, _ in SYMBOLS}
    assert kinds == POSTAL
    auspost = {value[:2] for _, kind, value in SYMBOLS if kind == "AustraliaPost"}
    assert auspost >= {"11", "59", "62", "87"}
    routing = {len(value) - 20 for _, kind, value in SYMBOLS if kind == "OneCode"}
    assert routing == {0, 5, 9, 11}


@pytest.mark.parametrize(("name", "kind", "value"), SYMBOLS, ids=[s[0] for s in SYMBOLS])
@pytest.mark.parametrize("scale", [1, 2, 3])
def test_read_clean_at_several_scales(name: str, kind: str, value: str, scale: int) -> None:
    assert _read(_page(name, scale), kind) == [(kind, value)]


@pytest.mark.parametrize(("name", "kind", "value"), SYMBOLS, ids=[s[0] for s in SYMBOLS])
@pytest.mark.parametrize("how", ["rotated", "upside-down", "perspective", "blurred", "noisy", "jpeg", "dim", SPOILT])
def test_read_turned_and_spoilt(name: str, kind: str, value: str, how: str) -> None:
    assert _read(degrade(_page(name, SCALE), how), kind) == [(kind, value)]
