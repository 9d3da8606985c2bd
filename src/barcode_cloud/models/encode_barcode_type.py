"""The module path ``aspose_barcode_cloud.models.encode_barcode_type`` names: :class:`EncodeBarcodeType`."""

from barcode_cloud.models.enums import EncodeBarcodeType

__all__ = ["EncodeBarcodeType"]
