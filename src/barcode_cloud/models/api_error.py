"""The module path ``aspose_barcode_cloud.models.api_error`` names: :class:`ApiError`."""

from barcode_cloud.models.dto import ApiError

__all__ = ["ApiError"]
