"""The module path ``aspose_barcode_cloud.models.encode_data`` names: :class:`EncodeData`."""

from barcode_cloud.models.dto import EncodeData

__all__ = ["EncodeData"]
