"""The module path ``aspose_barcode_cloud.models.generate_params`` names: :class:`GenerateParams`."""

from barcode_cloud.models.dto import GenerateParams

__all__ = ["GenerateParams"]
