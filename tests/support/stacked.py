"""Stacked symbols drawn from their module rows (1 dark, 0 light), independently of zint's renderer: the
specifications' figures, and symbols the tests change on purpose."""

from __future__ import annotations

import numpy as np

from barcode_cloud_server.engine.recognition.stacked import PATTERNS

# EN 12323:2005 Figure 3, "ab0123456789" (as zint's tests reproduce it).
CODE16K_FIGURE_3 = (
    "1110010101100110111011010011110110111100100110010011000100100010001101",
    "1100110101000100111011110100110010010000100110100011010010001110011001",
)
# AIM ISS-X-24 Figure 1, "CODABLOCK F 34567890123456789010040digit" (as zint's tests reproduce it).
CODABLOCK_FIGURE_1 = (
    "1101000010010111101110100100001101000100011010001110110101100010001010001100010001011000100011011101000111011"
    "010001000110110110011001100011101011",
    "1101000010010111101110110001001001011000111011011001100100011000101101100110010111011110100010110001110001011"
    "011000010100101100111001100011101011",
    "1101000010010111011110100011011101101111011010110011100100010110001110001011011000010100110111101101100100010"
    "010010001100100011000101100011101011",
    "1101000010010111101110100110111001001110110010000100110100001101001001101000010000110100100111101001101110111"
    "010111000110110010000101100011101011",
)
# AIM ISS-X-24, the figure on its front page: "CODABLOCK F Symbology".
CODABLOCK_FRONT_PAGE = (
    "1101000010010111101110100101100001000100011010001110110101100010001010001100010001011000100011011101000111011"
    "010001000110111010111101100011101011",
    "1101000010010111101110110001001001011000111011011001100100011000101101100110011011101000110110111101111011101"
    "010010000110100100111101100011101011",
    "1101000010010111101110101100111001000111101011001010000100011110101001101000011011011110101110111101000011001"
    "011011101110101001111001100011101011",
)


def draw(rows: tuple[str, ...] | list[str], module: int = 2, row_modules: int = 10, quiet: int = 12) -> np.ndarray:
    """The rows as a gray image: ``module`` pixels per module, rows ``row_modules`` high, one-module bars above,
    between and below the rows (as both specifications draw them), ``quiet`` modules of white around."""
    width = len(rows[0])
    lines: list[np.ndarray] = []
    bar = np.ones(width, dtype=bool)
    for row in rows:
        lines.append(bar)
        lines += [np.array([c == "1" for c in row])] * row_modules
    lines.append(bar)
    dark = np.array(lines)
    dark = np.pad(dark, quiet, constant_values=False)
    image = np.where(dark, 0, 255).astype(np.uint8)
    return np.repeat(np.repeat(image, module, axis=0), module, axis=1)


def code16k_rows(text: str) -> list[str]:
    """A Code 16K symbol of printable ASCII in code set B (mode 1), written from EN 12323's rules: the mode
    character, the data, pads to fill the last row, C1 and C2; each row its start pattern, a one-module bar, five
    characters space first, its stop pattern."""
    values = [ord(c) - 32 for c in text]
    rows = max(2, -(-(len(values) + 3) // 5))
    values = [7 * (rows - 2) + 1, *values]
    values += [103] * (5 * rows - 2 - len(values))
    c1 = sum((i + 2) * v for i, v in enumerate(values)) % 107
    c2 = (sum((i + 1) * v for i, v in enumerate(values)) + (len(values) + 1) * c1) % 107
    values += [c1, c2]
    starts = ("3211", "2221", "2122", "1411", "1132", "1231", "1114", "3112")
    stops = (0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 0, 1, 2, 3)
    out = []
    for r in range(rows):
        widths = starts[r % 8] + "1" + "".join(PATTERNS[v] for v in values[5 * r : 5 * r + 5]) + starts[stops[r]]
        out.append(_modules(widths))
    return out


def codablock_rows(text: str, columns: int) -> list[str]:
    """A Codablock F symbol of printable ASCII, every row in code set B, ``columns`` data columns, written from
    AIM ISS-X-24's rules: Start A, the code set B selector, the row indicator, the data (the last row filled with
    code set changes, then K1 and K2), the row's check character, the stop."""
    data = [ord(c) - 32 for c in text]
    rows = max(2, -(-(len(data) + 2) // columns))
    raw = text.encode()
    k1 = sum((i + 1) * d for i, d in enumerate(raw)) % 86
    k2 = sum(i * d for i, d in enumerate(raw)) % 86
    out = []
    for r in range(rows):
        room = columns - 2 if r == rows - 1 else columns
        cells = data[r * columns : r * columns + room]
        # Columns left empty hold code set changes: Code C (99 in code set B), Code B (100 in code set C), ...
        cells += [99, 100] * ((room - len(cells)) // 2) + [99] * ((room - len(cells)) % 2)
        if r == rows - 1:  # K1 and K2 in the code set the row ends in
            cells += [k1, k2] if cells[-1] == 99 else [_in_b(k1), _in_b(k2)]
        row = [103, 100, _in_b(rows - 2 if r == 0 else r + 42), *cells]
        row.append((row[0] + sum(i * v for i, v in enumerate(row) if i)) % 103)
        out.append(_modules("".join(PATTERNS[v] for v in row) + "2331112"))
    return out


def _in_b(value: int) -> int:
    """A row indicator or K1/K2 value as a code set B character."""
    return value + 64 if value < 32 else value - 32 if value < 48 else value - 22


def _modules(widths: str) -> str:
    return "".join(("1" if k % 2 == 0 else "0") * int(w) for k, w in enumerate(widths))
