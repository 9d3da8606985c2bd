"""The module path ``aspose_barcode_cloud.models.rect_micro_qr_version`` names: :class:`RectMicroQRVersion`."""

from barcode_cloud.models.enums import RectMicroQRVersion

__all__ = ["RectMicroQRVersion"]
