"""Recognition of any barcode type: ``ScanApi`` and ``AsyncScanApi``; each method returns a
:class:`~barcode_cloud.models.BarcodeResponseList`, each ``*_with_http_info`` twin ``(result, status, headers)``."""

from __future__ import annotations

from typing import Any, Unpack, cast

import barcode_cloud.api._operations as ops
from barcode_cloud.api._base import AsposeOptions, AsyncApi, HttpInfo, SyncApi
from barcode_cloud.models import BarcodeResponseList, ScanBase64Request

Info = HttpInfo[BarcodeResponseList]


class ScanApi(SyncApi):
    """``scan`` (an image URL), ``scan_base64`` (JSON body), ``scan_multipart`` (a file)."""

    def scan(self, file_url: str, async_req: bool = False, **kwargs: Any) -> BarcodeResponseList:
        return cast(BarcodeResponseList, self._run("scan", ops.scan(file_url), async_req, kwargs))

    def scan_with_http_info(self, file_url: str, **kwargs: Unpack[AsposeOptions]) -> Info:
        return cast(Info, self._run_with_http_info("scan", ops.scan(file_url), kwargs))

    def scan_base64(
        self, scan_base64_request: ScanBase64Request, async_req: bool = False, **kwargs: Any
    ) -> BarcodeResponseList:
        op = ops.scan_base64(scan_base64_request)
        return cast(BarcodeResponseList, self._run("scan_base64", op, async_req, kwargs))

    def scan_base64_with_http_info(
        self, scan_base64_request: ScanBase64Request, **kwargs: Unpack[AsposeOptions]
    ) -> Info:
        return cast(Info, self._run_with_http_info("scan_base64", ops.scan_base64(scan_base64_request), kwargs))

    def scan_multipart(self, file: ops.FileInput, async_req: bool = False, **kwargs: Any) -> BarcodeResponseList:
        return cast(BarcodeResponseList, self._run("scan_multipart", ops.scan_multipart(file), async_req, kwargs))

    def scan_multipart_with_http_info(self, file: ops.FileInput, **kwargs: Unpack[AsposeOptions]) -> Info:
        return cast(Info, self._run_with_http_info("scan_multipart", ops.scan_multipart(file), kwargs))


class AsyncScanApi(AsyncApi):
    """The asyncio twin of :class:`ScanApi`."""

    async def scan(self, file_url: str, **kwargs: Any) -> BarcodeResponseList:
        return cast(BarcodeResponseList, await self._run("scan", ops.scan(file_url), kwargs))

    async def scan_with_http_info(self, file_url: str, **kwargs: Unpack[AsposeOptions]) -> Info:
        return cast(Info, await self._run_with_http_info("scan", ops.scan(file_url), kwargs))

    async def scan_base64(self, scan_base64_request: ScanBase64Request, **kwargs: Any) -> BarcodeResponseList:
        return cast(BarcodeResponseList, await self._run("scan_base64", ops.scan_base64(scan_base64_request), kwargs))

    async def scan_base64_with_http_info(
        self, scan_base64_request: ScanBase64Request, **kwargs: Unpack[AsposeOptions]
    ) -> Info:
        op = ops.scan_base64(scan_base64_request)
        return cast(Info, await self._run_with_http_info("scan_base64", op, kwargs))

    async def scan_multipart(self, file: ops.FileInput, **kwargs: Any) -> BarcodeResponseList:
        return cast(BarcodeResponseList, await self._run("scan_multipart", ops.scan_multipart(file), kwargs))

    async def scan_multipart_with_http_info(self, file: ops.FileInput, **kwargs: Unpack[AsposeOptions]) -> Info:
        return cast(Info, await self._run_with_http_info("scan_multipart", ops.scan_multipart(file), kwargs))
