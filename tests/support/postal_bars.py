"""Four-state bar strings ("FADT") of zint's postal symbols, read from its module rows, not from an image."""

from __future__ import annotations

from barcode_cloud_server.engine import zintenc

_STATE = {(True, True): "F", (True, False): "A", (False, True): "D", (False, False): "T"}


def zint_states(symbology: str, data: str) -> str:
    """zint's bars for ``data``: its rows are ascender, tracker and descender, a bar in every other column."""
    symbol = zintenc.make_symbol(zintenc.ZintJob(symbology, data))
    zintenc.encode_symbol(symbol, data, symbology)
    bars = zintenc.symbol_bits(symbol)[:, ::2]
    assert bars.shape[0] == 3 and bars[1].all(), "a four-state symbol: three rows, a tracker in every bar"
    return "".join(_STATE[bool(up), bool(down)] for up, down in zip(bars[0], bars[2], strict=True))
