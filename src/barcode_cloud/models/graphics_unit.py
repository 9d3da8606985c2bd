"""The module path ``aspose_barcode_cloud.models.graphics_unit`` names: :class:`GraphicsUnit`."""

from barcode_cloud.models.enums import GraphicsUnit

__all__ = ["GraphicsUnit"]
