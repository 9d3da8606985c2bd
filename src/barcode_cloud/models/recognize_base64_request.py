"""The module path ``aspose_barcode_cloud.models.recognize_base64_request`` names: :class:`RecognizeBase64Request`."""

from barcode_cloud.models.dto import RecognizeBase64Request

__all__ = ["RecognizeBase64Request"]
