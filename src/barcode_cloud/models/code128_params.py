"""The module path ``aspose_barcode_cloud.models.code128_params`` names: :class:`Code128Params`."""

from barcode_cloud.models.dto import Code128Params

__all__ = ["Code128Params"]
