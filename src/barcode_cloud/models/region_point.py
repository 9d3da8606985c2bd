"""The module path ``aspose_barcode_cloud.models.region_point`` names: :class:`RegionPoint`."""

from barcode_cloud.models.dto import RegionPoint

__all__ = ["RegionPoint"]
