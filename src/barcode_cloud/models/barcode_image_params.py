"""The module path ``aspose_barcode_cloud.models.barcode_image_params`` names: :class:`BarcodeImageParams`."""

from barcode_cloud.models.dto import BarcodeImageParams

__all__ = ["BarcodeImageParams"]
