"""The module path ``aspose_barcode_cloud.models.qr_params`` names: :class:`QrParams`."""

from barcode_cloud.models.dto import QrParams

__all__ = ["QrParams"]
