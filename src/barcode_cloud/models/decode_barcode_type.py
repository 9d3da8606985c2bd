"""The module path ``aspose_barcode_cloud.models.decode_barcode_type`` names: :class:`DecodeBarcodeType`."""

from barcode_cloud.models.enums import DecodeBarcodeType

__all__ = ["DecodeBarcodeType"]
