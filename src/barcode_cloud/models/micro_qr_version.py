"""The module path ``aspose_barcode_cloud.models.micro_qr_version`` names: :class:`MicroQRVersion`."""

from barcode_cloud.models.enums import MicroQRVersion

__all__ = ["MicroQRVersion"]
