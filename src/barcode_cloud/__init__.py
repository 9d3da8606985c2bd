"""Barcode Cloud Python SDK, a drop-in for ``aspose_barcode_cloud``.

Code written for ``aspose_barcode_cloud`` runs after changing the import and the host. Beyond it: real token
management (fetched lazily, cached per process, refreshed before expiry, one fetch for concurrent callers, one
retry after a 401), retries with backoff, timeouts, asyncio twins (``AsyncApiClient``, ``AsyncGenerateApi``...),
pydantic models. See docs/sdk.md.
"""

from barcode_cloud._client import ApiClient, AsyncApiClient, AsyncResult
from barcode_cloud._exceptions import ApiException
from barcode_cloud._operation import ImageBytes
from barcode_cloud._tokens import fetch_token
from barcode_cloud.api import (
    AsyncGenerateApi,
    AsyncRecognizeApi,
    AsyncScanApi,
    GenerateApi,
    RecognizeApi,
    ScanApi,
)
from barcode_cloud.configuration import Configuration
from barcode_cloud.models import *  # noqa: F403 - every model and enum, as aspose_barcode_cloud exports them
from barcode_cloud.models import __all__ as _models_all
from barcode_cloud.version import __version__

__all__ = [
    "ApiClient",
    "ApiException",
    "AsyncApiClient",
    "AsyncGenerateApi",
    "AsyncRecognizeApi",
    "AsyncResult",
    "AsyncScanApi",
    "Configuration",
    "GenerateApi",
    "ImageBytes",
    "RecognizeApi",
    "ScanApi",
    "__version__",
    "fetch_token",
    *_models_all,
]
