"""The module path ``aspose_barcode_cloud.models.barcode_response`` names: :class:`BarcodeResponse`."""

from barcode_cloud.models.dto import BarcodeResponse

__all__ = ["BarcodeResponse"]
