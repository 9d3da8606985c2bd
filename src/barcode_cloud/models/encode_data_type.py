"""The module path ``aspose_barcode_cloud.models.encode_data_type`` names: :class:`EncodeDataType`."""

from barcode_cloud.models.enums import EncodeDataType

__all__ = ["EncodeDataType"]
