"""Writes docs/symbologies.md from the symbology table: ``python -m barcode_cloud_server.engine.docs [path]``."""

from __future__ import annotations

import sys
from pathlib import Path

from barcode_cloud_server.engine.symbologies import ROWS, Symbology

DEFAULT_PATH = Path("docs/symbologies.md")

_HEADER = """# Symbologies

Generated from `src/barcode_cloud_server/engine/symbologies.py` by
`python -m barcode_cloud_server.engine.docs`; do not edit by hand (a test checks that this file matches the table).

Every value of the spec's `EncodeBarcodeType` and `DecodeBarcodeType` has a row. *Encoder* is the zint symbology
(or the engine's own builder) that draws it; *Reader* is the zxing-cpp format that reads it back, when there is one.
*Data* says what the `data` field means for that type: where the spec's meaning differs from zint's (check digit
given or computed, GS1 in parentheses, Australia Post's format control code), the spec's meaning is what the
service follows. GS1 data is written as application identifiers in parentheses, `(01)09501101530003(17)250101`;
`[01]...` brackets are accepted too.

Text under 1D symbols (`textLocation`, default `Below` for linear and postal types, `None` for 2D) is the
normalised data shown here as the canonical value: check digits included, GS1 in parentheses.

| Type | Encode | Decode | Encoder | Reader | Sample | Data |
| --- | --- | --- | --- | --- | --- | --- |
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _encoder(row: Symbology) -> str:
    if not row.encode:
        return "-"
    if row.builder == "unsupported":
        return "**not available**"
    if row.builder:
        return f"engine: `{row.builder}`"
    extra = []
    if row.gs1:
        extra.append("GS1")
    if row.option_2 is not None:
        extra.append(f"option_2={row.option_2}")
    if row.height is not None:
        extra.append(f"height={row.height:g}X")
    return f"zint `{row.zint}`" + (f" ({', '.join(extra)})" if extra else "")


def render_markdown() -> str:
    lines = [_HEADER]
    for row in sorted(ROWS, key=lambda r: r.name.lower()):
        sample = f"`{_cell(row.sample)}`" if row.sample else ""
        lines.append(
            f"| {row.name} | {'yes' if row.encode else '-'} | {'yes' if row.decode else '-'} | {_encoder(row)} | "
            f"{row.zxing or '-'} | {sample} | {_cell(row.note)} |\n"
        )
    return "".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
