"""The module path ``aspose_barcode_cloud.models.api_error_response`` names: :class:`ApiErrorResponse`."""

from barcode_cloud.models.dto import ApiErrorResponse

__all__ = ["ApiErrorResponse"]
