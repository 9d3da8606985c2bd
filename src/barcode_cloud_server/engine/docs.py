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
(or the engine's own builder) that draws it; *Reader* is the zxing-cpp format that reads it back, or the engine's
own decoder (`engine.recognition`), when there is one.
*Data* says what the `data` field means for that type: where the spec's meaning differs from zint's (check digit
given or computed, GS1 in parentheses, Australia Post's format control code), the spec's meaning is what the
service follows. GS1 data is written as application identifiers in parentheses, `(01)09501101530003(17)250101`;
`[01]...` brackets are accepted too. GS1 data must pass GS1's checks (check digits of (00), (01), (410) and the
like, valid dates, ...): zint's verdict is a 400 naming the AI and what is wrong.

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


_OPTIONS = """
## How the generation options are applied

- **Size**: `imageWidth` / `imageHeight` in `units` (`Pixel`, `Point` = 1/72 in, `Inch`, `Millimeter`) at
  `resolution` dpi (default 96) give the exact pixel size of the image. Modules are a whole number of pixels
  whenever the size allows; the symbol is centred and the rest is background. Without a size, modules are 2 px
  (1D and stacked) or 4 px (2D). Sizes of 0 or less, more than 10,000 px a side or more than 40 megapixels are
  rejected.
- **Quiet zones** are the ones zint applies for each symbology (e.g. 10X for Code 128, 4X for QR).
- **rotationAngle** turns the image clockwise; 90/180/270 are exact, other angles are resampled. For 90 and 270
  the asked width and height still describe the final image.
- **Colors**: a .NET color name (case-insensitive, e.g. `AliceBlue`, `Transparent`) or `#RGB`, `#ARGB`,
  `#RRGGBB`, `#AARRGGBB`, with `0x` in place of `#` too (`0xffe` is `#ffe`; Aspose accepts the `0x` form);
  alpha is kept in PNG, GIF (fully transparent background), TIFF, BMP and SVG, dropped in
  JPEG.
- **textLocation**: `Below` (default for 1D), `Above` or `None` (default for 2D); the text is the normalised data
  (check digits added, GS1 in parentheses), drawn with the bundled DejaVu Sans.
- **imageFormat**: `Png`, `Jpeg`, `Svg` (vector: rectangles, polygons and circles, no embedded bitmap), `Tiff`,
  `Gif`; `image/bmp` is returned when the request's `Accept` asks for `image/bmp` and not for the chosen format.
- **QR**: `qrErrorLevel`, `qrVersion`, `microQRVersion`, `rectMicroQrVersion` (rMQR takes `LevelM` or `LevelH`),
  `qrEncodeMode` (`Auto`/`Extended`: text, with ECI 26 UTF-8 when it is not Latin-1; `Binary`: UTF-8 bytes without
  ECI; `ECI`: `qrECIEncoding`, UTF-8 when not given). `qrAspectRatio` (0.001 to 1) is the height / width of a
  module: 0.5 draws the symbol half as tall (zxing-cpp still reads 0.5; other readers may want a ratio near 1).
- **PDF417**: `pdf417ErrorLevel`, `pdf417Columns`, `pdf417Rows`, `pdf417Truncate` (compact PDF417),
  `pdf417AspectRatio` (row height in modules; MicroPDF417 4 by default), `pdf417ECIEncoding`, `pdf417EncodeMode`,
  `pdf417IsReaderInitialization`, `pdf417MacroCharacters` (the `[)>RS05GS` / `[)>RS06GS` header and `RS EOT`
  trailer around the data). `pdf417IsLinked` and `pdf417IsCode128Emulation` are accepted but have no effect.
- **Code128**: `code128EncodeMode` `Auto`, `CodeA`, `CodeB`, `CodeC` (only those characters), `CodeAB` (no C),
  `CodeAC` / `CodeBC` (digit runs in C, the rest in A or B).
- **dataType**: `StringData` (text), `Base64Bytes`, `HexBytes` (bytes; types that take only digits or a
  restricted character set check the bytes as Latin-1 text).
"""


def _reader(row: Symbology) -> str:
    if row.zxing:
        return row.zxing
    return f"engine: `{row.own}`" if row.own else "-"


def render_markdown() -> str:
    lines = [_HEADER]
    for row in sorted(ROWS, key=lambda r: r.name.lower()):
        sample = f"`{_cell(row.sample)}`" if row.sample else ""
        lines.append(
            f"| {row.name} | {'yes' if row.encode else '-'} | {'yes' if row.decode else '-'} | {_encoder(row)} | "
            f"{_reader(row)} | {sample} | {_cell(row.note)} |\n"
        )
    lines.append(_OPTIONS)
    return "".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
