"""The module path ``aspose_barcode_cloud.models.eci_encodings`` names: :class:`ECIEncodings`."""

from barcode_cloud.models.enums import ECIEncodings

__all__ = ["ECIEncodings"]
