"""The module path ``aspose_barcode_cloud.models.qr_error_level`` names: :class:`QRErrorLevel`."""

from barcode_cloud.models.enums import QRErrorLevel

__all__ = ["QRErrorLevel"]
