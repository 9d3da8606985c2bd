"""The module path ``aspose_barcode_cloud.models.code_location`` names: :class:`CodeLocation`."""

from barcode_cloud.models.enums import CodeLocation

__all__ = ["CodeLocation"]
