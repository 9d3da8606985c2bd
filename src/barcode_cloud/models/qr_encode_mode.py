"""The module path ``aspose_barcode_cloud.models.qr_encode_mode`` names: :class:`QREncodeMode`."""

from barcode_cloud.models.enums import QREncodeMode

__all__ = ["QREncodeMode"]
