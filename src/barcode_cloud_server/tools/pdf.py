"""PDF pages as grayscale arrays, rendered with pypdfium2 (PDFium, the engine of Chrome's PDF viewer)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from barcode_cloud_server.engine.images import DEFAULT_MAX_PIXELS, MAX_PAGES
from barcode_cloud_server.tools.errors import ToolError

# 300 dpi reads codes with modules down to about 0.25 mm (3 px a module), as printed on labels and forms.
DPI = 300


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def pdf_pages(data: bytes, dpi: int = DPI, max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[np.ndarray]:
    """Each page (up to the engine's page limit) at ``dpi``, scaled down when it would pass ``max_pixels``."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ToolError(f"the PDF could not be read: {exc}") from None
    try:
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            width, height = page.get_size()  # points
            scale = dpi / 72
            if width * height * scale * scale > max_pixels:
                scale = (max_pixels / (width * height)) ** 0.5
            bitmap = page.render(scale=scale, grayscale=True)
            array = bitmap.to_numpy()
            yield np.ascontiguousarray(array if array.ndim == 2 else array[:, :, 0], dtype=np.uint8)
            bitmap.close()
            page.close()
    finally:
        document.close()
