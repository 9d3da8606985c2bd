"""The module path ``aspose_barcode_cloud.models.barcode_response_list`` names: :class:`BarcodeResponseList`."""

from barcode_cloud.models.dto import BarcodeResponseList

__all__ = ["BarcodeResponseList"]
