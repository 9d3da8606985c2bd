"""The module path ``aspose_barcode_cloud.models.recognition_image_kind`` names: :class:`RecognitionImageKind`."""

from barcode_cloud.models.enums import RecognitionImageKind

__all__ = ["RecognitionImageKind"]
