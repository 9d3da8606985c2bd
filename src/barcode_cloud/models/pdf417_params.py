"""The module path ``aspose_barcode_cloud.models.pdf417_params`` names: :class:`Pdf417Params`."""

from barcode_cloud.models.dto import Pdf417Params

__all__ = ["Pdf417Params"]
