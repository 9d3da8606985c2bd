"""Alias of ``aspose_barcode_cloud.api_client`` for code that imports ``ApiClient`` from there."""

from barcode_cloud._client import ApiClient, AsyncApiClient

__all__ = ["ApiClient", "AsyncApiClient"]
