"""The module path ``aspose_barcode_cloud.models.recognition_mode`` names: :class:`RecognitionMode`."""

from barcode_cloud.models.enums import RecognitionMode

__all__ = ["RecognitionMode"]
