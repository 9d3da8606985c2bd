"""The module path ``aspose_barcode_cloud.models.pdf417_error_level`` names: :class:`Pdf417ErrorLevel`."""

from barcode_cloud.models.enums import Pdf417ErrorLevel

__all__ = ["Pdf417ErrorLevel"]
