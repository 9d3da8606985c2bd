"""The module path ``aspose_barcode_cloud.models.scan_base64_request`` names: :class:`ScanBase64Request`."""

from barcode_cloud.models.dto import ScanBase64Request

__all__ = ["ScanBase64Request"]
