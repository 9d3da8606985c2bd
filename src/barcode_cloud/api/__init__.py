"""The API classes, as in ``aspose_barcode_cloud.api``, and their asyncio twins."""

from barcode_cloud.api.generate import AsyncGenerateApi, GenerateApi
from barcode_cloud.api.recognize import AsyncRecognizeApi, RecognizeApi
from barcode_cloud.api.scan import AsyncScanApi, ScanApi

__all__ = ["AsyncGenerateApi", "AsyncRecognizeApi", "AsyncScanApi", "GenerateApi", "RecognizeApi", "ScanApi"]
