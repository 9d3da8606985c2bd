"""Barcode Cloud Python SDK, a drop-in for ``aspose_barcode_cloud``."""
