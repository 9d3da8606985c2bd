"""The module path ``aspose_barcode_cloud.models.qr_version`` names: :class:`QRVersion`."""

from barcode_cloud.models.enums import QRVersion

__all__ = ["QRVersion"]
