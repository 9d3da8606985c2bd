"""The module path ``aspose_barcode_cloud.models.code128_encode_mode`` names: :class:`Code128EncodeMode`."""

from barcode_cloud.models.enums import Code128EncodeMode

__all__ = ["Code128EncodeMode"]
