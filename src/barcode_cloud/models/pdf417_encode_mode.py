"""The module path ``aspose_barcode_cloud.models.pdf417_encode_mode`` names: :class:`Pdf417EncodeMode`."""

from barcode_cloud.models.enums import Pdf417EncodeMode

__all__ = ["Pdf417EncodeMode"]
