"""``aspose_barcode_cloud.api_client``: ``ApiClient`` (and its asyncio twin) and ``FileFieldData``."""

from typing import NamedTuple

from barcode_cloud._client import ApiClient, AsyncApiClient


class FileFieldData(NamedTuple):
    """A file of a multipart form, as ``aspose_barcode_cloud.api_client`` names its parts."""

    file_name: str
    file_bytes: bytes
    mime_type: str


__all__ = ["ApiClient", "AsyncApiClient", "FileFieldData"]
