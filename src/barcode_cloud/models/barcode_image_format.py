"""The module path ``aspose_barcode_cloud.models.barcode_image_format`` names: :class:`BarcodeImageFormat`."""

from barcode_cloud.models.enums import BarcodeImageFormat

__all__ = ["BarcodeImageFormat"]
