"""Alias of ``aspose_barcode_cloud.rest`` for code that imports ``ApiException`` from there."""

from barcode_cloud._exceptions import ApiException

__all__ = ["ApiException"]
