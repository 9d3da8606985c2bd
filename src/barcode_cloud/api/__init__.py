"""The API classes, as in ``aspose_barcode_cloud.api``, and their asyncio twins."""

from barcode_cloud.api.generate_api import AsyncGenerateApi, GenerateApi
from barcode_cloud.api.recognize_api import AsyncRecognizeApi, RecognizeApi
from barcode_cloud.api.scan_api import AsyncScanApi, ScanApi

__all__ = ["AsyncGenerateApi", "AsyncRecognizeApi", "AsyncScanApi", "GenerateApi", "RecognizeApi", "ScanApi"]
