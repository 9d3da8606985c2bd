"""Barcode generation: ``GenerateApi`` and ``AsyncGenerateApi``. Each method returns the image as
:class:`~barcode_cloud.ImageBytes` (``bytes`` that also has aspose's ``.data``); each
``*_with_http_info`` twin returns ``(image, status, headers)``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Unpack, cast

import barcode_cloud.api._operations as ops
from barcode_cloud._operation import ImageBytes
from barcode_cloud.api._base import AsposeOptions, AsyncApi, GenerateOptions, HttpInfo, SyncApi, split_options
from barcode_cloud.models import (
    BarcodeImageParams,
    Code128Params,
    EncodeBarcodeType,
    EncodeDataType,
    GenerateParams,
    Pdf417Params,
    QrParams,
)

#: The image arguments ``generate`` and ``generate_multipart`` took one by one in aspose_barcode_cloud 26.1-26.5,
#: in this order after ``data_type``; 26.6 gathered them into ``barcode_image_params``.
LEGACY_IMAGE_ARGUMENTS = (
    "image_format",
    "text_location",
    "foreground_color",
    "background_color",
    "units",
    "resolution",
    "image_height",
    "image_width",
    "rotation_angle",
)


def image_params_of(method: str, barcode_image_params: Any, kwargs: dict[str, Any]) -> Any:
    """``barcode_image_params`` of a call in either shape: the 26.6+ one as it is, the 26.1-26.5 one (flat keyword
    arguments, taken out of ``kwargs``, or an image format as the fourth positional argument) gathered into a
    :class:`BarcodeImageParams`, with a ``DeprecationWarning``."""
    flat = {name: kwargs.pop(name) for name in LEGACY_IMAGE_ARGUMENTS if name in kwargs}
    if barcode_image_params is not None and not isinstance(barcode_image_params, BarcodeImageParams | Mapping):
        flat = {"image_format": barcode_image_params, **flat}
        barcode_image_params = None
    if not flat:
        return barcode_image_params
    if barcode_image_params is not None:
        raise TypeError(f"{method}() takes barcode_image_params or the arguments {', '.join(flat)}, not both")
    warnings.warn(
        f"{method}({', '.join(f'{name}=...' for name in flat)}) is the call shape of aspose_barcode_cloud 26.1-26.5; "
        "pass barcode_image_params=BarcodeImageParams(...) instead",
        DeprecationWarning,
        stacklevel=3,
    )
    return BarcodeImageParams(**flat)


class GenerateApi(SyncApi):
    """``generate`` (GET, query string), ``generate_body`` (POST, JSON), ``generate_multipart`` (POST, form)."""

    def generate(
        self,
        barcode_type: EncodeBarcodeType | str,
        data: str,
        data_type: EncodeDataType | str | None = None,
        barcode_image_params: BarcodeImageParams | None = None,
        qr_params: QrParams | None = None,
        code128_params: Code128Params | None = None,
        pdf417_params: Pdf417Params | None = None,
        async_req: bool = False,
        **kwargs: Any,
    ) -> ImageBytes:
        barcode_image_params = image_params_of("generate", barcode_image_params, kwargs)
        op = ops.generate(barcode_type, data, data_type, barcode_image_params, qr_params, code128_params, pdf417_params)
        return cast(ImageBytes, self._run("generate", op, async_req, kwargs))

    def generate_with_http_info(
        self, barcode_type: EncodeBarcodeType | str, data: str, **kwargs: Unpack[GenerateOptions]
    ) -> HttpInfo[ImageBytes]:
        given: dict[str, Any] = dict(kwargs)
        given["barcode_image_params"] = image_params_of("generate", given.get("barcode_image_params"), given)
        arguments, options = split_options(given, GenerateOptions)
        op = ops.generate(barcode_type, data, **arguments)
        return cast(HttpInfo[ImageBytes], self._run_with_http_info("generate", op, options))

    def generate_body(self, generate_params: GenerateParams, async_req: bool = False, **kwargs: Any) -> ImageBytes:
        return cast(ImageBytes, self._run("generate_body", ops.generate_body(generate_params), async_req, kwargs))

    def generate_body_with_http_info(
        self, generate_params: GenerateParams, **kwargs: Unpack[AsposeOptions]
    ) -> HttpInfo[ImageBytes]:
        op = ops.generate_body(generate_params)
        return cast(HttpInfo[ImageBytes], self._run_with_http_info("generate_body", op, kwargs))

    def generate_multipart(
        self,
        barcode_type: EncodeBarcodeType | str,
        data: str,
        data_type: EncodeDataType | str | None = None,
        barcode_image_params: BarcodeImageParams | None = None,
        qr_params: QrParams | None = None,
        code128_params: Code128Params | None = None,
        pdf417_params: Pdf417Params | None = None,
        async_req: bool = False,
        **kwargs: Any,
    ) -> ImageBytes:
        barcode_image_params = image_params_of("generate_multipart", barcode_image_params, kwargs)
        op = ops.generate(
            barcode_type,
            data,
            data_type,
            barcode_image_params,
            qr_params,
            code128_params,
            pdf417_params,
            multipart=True,
        )
        return cast(ImageBytes, self._run("generate_multipart", op, async_req, kwargs))

    def generate_multipart_with_http_info(
        self, barcode_type: EncodeBarcodeType | str, data: str, **kwargs: Unpack[GenerateOptions]
    ) -> HttpInfo[ImageBytes]:
        given: dict[str, Any] = dict(kwargs)
        given["barcode_image_params"] = image_params_of("generate_multipart", given.get("barcode_image_params"), given)
        arguments, options = split_options(given, GenerateOptions)
        op = ops.generate(barcode_type, data, **arguments, multipart=True)
        return cast(HttpInfo[ImageBytes], self._run_with_http_info("generate_multipart", op, options))


class AsyncGenerateApi(AsyncApi):
    """The asyncio twin of :class:`GenerateApi` (same arguments, awaitable results)."""

    async def generate(
        self,
        barcode_type: EncodeBarcodeType | str,
        data: str,
        data_type: EncodeDataType | str | None = None,
        barcode_image_params: BarcodeImageParams | None = None,
        qr_params: QrParams | None = None,
        code128_params: Code128Params | None = None,
        pdf417_params: Pdf417Params | None = None,
        **kwargs: Any,
    ) -> ImageBytes:
        barcode_image_params = image_params_of("generate", barcode_image_params, kwargs)
        op = ops.generate(barcode_type, data, data_type, barcode_image_params, qr_params, code128_params, pdf417_params)
        return cast(ImageBytes, await self._run("generate", op, kwargs))

    async def generate_with_http_info(
        self, barcode_type: EncodeBarcodeType | str, data: str, **kwargs: Unpack[GenerateOptions]
    ) -> HttpInfo[ImageBytes]:
        given: dict[str, Any] = dict(kwargs)
        given["barcode_image_params"] = image_params_of("generate", given.get("barcode_image_params"), given)
        arguments, options = split_options(given, GenerateOptions)
        op = ops.generate(barcode_type, data, **arguments)
        return cast(HttpInfo[ImageBytes], await self._run_with_http_info("generate", op, options))

    async def generate_body(self, generate_params: GenerateParams, **kwargs: Any) -> ImageBytes:
        return cast(ImageBytes, await self._run("generate_body", ops.generate_body(generate_params), kwargs))

    async def generate_body_with_http_info(
        self, generate_params: GenerateParams, **kwargs: Unpack[AsposeOptions]
    ) -> HttpInfo[ImageBytes]:
        op = ops.generate_body(generate_params)
        return cast(HttpInfo[ImageBytes], await self._run_with_http_info("generate_body", op, kwargs))

    async def generate_multipart(
        self,
        barcode_type: EncodeBarcodeType | str,
        data: str,
        data_type: EncodeDataType | str | None = None,
        barcode_image_params: BarcodeImageParams | None = None,
        qr_params: QrParams | None = None,
        code128_params: Code128Params | None = None,
        pdf417_params: Pdf417Params | None = None,
        **kwargs: Any,
    ) -> ImageBytes:
        barcode_image_params = image_params_of("generate_multipart", barcode_image_params, kwargs)
        op = ops.generate(
            barcode_type,
            data,
            data_type,
            barcode_image_params,
            qr_params,
            code128_params,
            pdf417_params,
            multipart=True,
        )
        return cast(ImageBytes, await self._run("generate_multipart", op, kwargs))

    async def generate_multipart_with_http_info(
        self, barcode_type: EncodeBarcodeType | str, data: str, **kwargs: Unpack[GenerateOptions]
    ) -> HttpInfo[ImageBytes]:
        given: dict[str, Any] = dict(kwargs)
        given["barcode_image_params"] = image_params_of("generate_multipart", given.get("barcode_image_params"), given)
        arguments, options = split_options(given, GenerateOptions)
        op = ops.generate(barcode_type, data, **arguments, multipart=True)
        return cast(HttpInfo[ImageBytes], await self._run_with_http_info("generate_multipart", op, options))
