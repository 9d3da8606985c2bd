"""Recognition of given barcode types: ``RecognizeApi`` and ``AsyncRecognizeApi``; each method returns a
:class:`~barcode_cloud.models.BarcodeResponseList`, each ``*_with_http_info`` twin ``(result, status, headers)``."""

from __future__ import annotations

from typing import Any, Unpack, cast

import barcode_cloud.api._operations as ops
from barcode_cloud.api._base import AsposeOptions, AsyncApi, HttpInfo, RecognizeOptions, SyncApi, split_options
from barcode_cloud.models import (
    BarcodeResponseList,
    DecodeBarcodeType,
    RecognitionImageKind,
    RecognitionMode,
    RecognizeBase64Request,
)

Info = HttpInfo[BarcodeResponseList]


class RecognizeApi(SyncApi):
    """``recognize`` (an image URL), ``recognize_base64`` (JSON body), ``recognize_multipart`` (a file)."""

    def recognize(
        self,
        barcode_type: DecodeBarcodeType | str,
        file_url: str,
        recognition_mode: RecognitionMode | str | None = None,
        recognition_image_kind: RecognitionImageKind | str | None = None,
        async_req: bool = False,
        **kwargs: Any,
    ) -> BarcodeResponseList:
        op = ops.recognize(barcode_type, file_url, recognition_mode, recognition_image_kind)
        return cast(BarcodeResponseList, self._run("recognize", op, async_req, kwargs))

    def recognize_with_http_info(
        self, barcode_type: DecodeBarcodeType | str, file_url: str, **kwargs: Unpack[RecognizeOptions]
    ) -> Info:
        arguments, options = split_options(kwargs, RecognizeOptions)
        op = ops.recognize(barcode_type, file_url, **arguments)
        return cast(Info, self._run_with_http_info("recognize", op, options))

    def recognize_base64(
        self, recognize_base64_request: RecognizeBase64Request, async_req: bool = False, **kwargs: Any
    ) -> BarcodeResponseList:
        op = ops.recognize_base64(recognize_base64_request)
        return cast(BarcodeResponseList, self._run("recognize_base64", op, async_req, kwargs))

    def recognize_base64_with_http_info(
        self, recognize_base64_request: RecognizeBase64Request, **kwargs: Unpack[AsposeOptions]
    ) -> Info:
        op = ops.recognize_base64(recognize_base64_request)
        return cast(Info, self._run_with_http_info("recognize_base64", op, kwargs))

    def recognize_multipart(
        self,
        barcode_type: DecodeBarcodeType | str,
        file: ops.FileInput,
        recognition_mode: RecognitionMode | str | None = None,
        recognition_image_kind: RecognitionImageKind | str | None = None,
        async_req: bool = False,
        **kwargs: Any,
    ) -> BarcodeResponseList:
        op = ops.recognize_multipart(barcode_type, file, recognition_mode, recognition_image_kind)
        return cast(BarcodeResponseList, self._run("recognize_multipart", op, async_req, kwargs))

    def recognize_multipart_with_http_info(
        self, barcode_type: DecodeBarcodeType | str, file: ops.FileInput, **kwargs: Unpack[RecognizeOptions]
    ) -> Info:
        arguments, options = split_options(kwargs, RecognizeOptions)
        op = ops.recognize_multipart(barcode_type, file, **arguments)
        return cast(Info, self._run_with_http_info("recognize_multipart", op, options))


class AsyncRecognizeApi(AsyncApi):
    """The asyncio twin of :class:`RecognizeApi`."""

    async def recognize(
        self,
        barcode_type: DecodeBarcodeType | str,
        file_url: str,
        recognition_mode: RecognitionMode | str | None = None,
        recognition_image_kind: RecognitionImageKind | str | None = None,
        **kwargs: Any,
    ) -> BarcodeResponseList:
        op = ops.recognize(barcode_type, file_url, recognition_mode, recognition_image_kind)
        return cast(BarcodeResponseList, await self._run("recognize", op, kwargs))

    async def recognize_with_http_info(
        self, barcode_type: DecodeBarcodeType | str, file_url: str, **kwargs: Unpack[RecognizeOptions]
    ) -> Info:
        arguments, options = split_options(kwargs, RecognizeOptions)
        op = ops.recognize(barcode_type, file_url, **arguments)
        return cast(Info, await self._run_with_http_info("recognize", op, options))

    async def recognize_base64(
        self, recognize_base64_request: RecognizeBase64Request, **kwargs: Any
    ) -> BarcodeResponseList:
        op = ops.recognize_base64(recognize_base64_request)
        return cast(BarcodeResponseList, await self._run("recognize_base64", op, kwargs))

    async def recognize_base64_with_http_info(
        self, recognize_base64_request: RecognizeBase64Request, **kwargs: Unpack[AsposeOptions]
    ) -> Info:
        op = ops.recognize_base64(recognize_base64_request)
        return cast(Info, await self._run_with_http_info("recognize_base64", op, kwargs))

    async def recognize_multipart(
        self,
        barcode_type: DecodeBarcodeType | str,
        file: ops.FileInput,
        recognition_mode: RecognitionMode | str | None = None,
        recognition_image_kind: RecognitionImageKind | str | None = None,
        **kwargs: Any,
    ) -> BarcodeResponseList:
        op = ops.recognize_multipart(barcode_type, file, recognition_mode, recognition_image_kind)
        return cast(BarcodeResponseList, await self._run("recognize_multipart", op, kwargs))

    async def recognize_multipart_with_http_info(
        self, barcode_type: DecodeBarcodeType | str, file: ops.FileInput, **kwargs: Unpack[RecognizeOptions]
    ) -> Info:
        arguments, options = split_options(kwargs, RecognizeOptions)
        op = ops.recognize_multipart(barcode_type, file, **arguments)
        return cast(Info, await self._run_with_http_info("recognize_multipart", op, options))
