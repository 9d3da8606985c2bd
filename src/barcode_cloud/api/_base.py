"""What every API class shares: the client it calls through, how a call runs, and the keyword arguments of the
``*_with_http_info`` methods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, TypeVar

import httpx

from barcode_cloud._client import ApiClient, AsyncApiClient, RequestTimeout
from barcode_cloud._operation import Operation, decode
from barcode_cloud.models import (
    BarcodeImageParams,
    Code128Params,
    EncodeDataType,
    Pdf417Params,
    QrParams,
    RecognitionImageKind,
    RecognitionMode,
)

T = TypeVar("T")

#: What a ``*_with_http_info`` method returns: the result, the HTTP status and the response headers.
HttpInfo = tuple[T, int, dict[str, str]]


class AsposeOptions(TypedDict, total=False):
    """Keyword arguments of ``aspose_barcode_cloud``'s methods: ``async_req`` (sync classes: run on the client's
    thread pool, return an :class:`~barcode_cloud.AsyncResult`; the asyncio classes ignore it) and
    ``_request_timeout`` (seconds, or ``(connect, read)``); ``_return_http_data_only`` and ``_preload_content``
    are accepted and have no effect (responses are always read, and results always typed)."""

    async_req: bool
    _request_timeout: RequestTimeout
    _return_http_data_only: bool
    _preload_content: bool


class GenerateOptions(AsposeOptions, total=False):
    """The optional arguments of ``generate`` and ``generate_multipart``, by keyword, as their
    ``*_with_http_info`` twins take them in ``aspose_barcode_cloud``."""

    data_type: EncodeDataType | str | None
    barcode_image_params: BarcodeImageParams | None
    qr_params: QrParams | None
    code128_params: Code128Params | None
    pdf417_params: Pdf417Params | None


class RecognizeOptions(AsposeOptions, total=False):
    """The optional arguments of ``recognize`` and ``recognize_multipart``, by keyword."""

    recognition_mode: RecognitionMode | str | None
    recognition_image_kind: RecognitionImageKind | str | None


#: The names of :class:`AsposeOptions`.
ASPOSE_OPTIONS: frozenset[str] = AsposeOptions.__optional_keys__


def check_options(method: str, kwargs: Mapping[str, Any]) -> None:
    """Refuse an unknown keyword argument with ``aspose_barcode_cloud``'s ``TypeError``."""
    unknown = set(kwargs) - ASPOSE_OPTIONS
    if unknown:
        raise TypeError(f"Got an unexpected keyword argument {sorted(unknown)[0]!r} to method {method}")


def split_options(kwargs: Mapping[str, Any], options: type[AsposeOptions]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``kwargs`` of a ``*_with_http_info`` method typed by ``options`` (:class:`GenerateOptions`...): the
    operation's own arguments, and the rest (aspose options, and unknown names for ``check_options`` to refuse)."""
    keys: frozenset[str] = options.__optional_keys__  # type: ignore[attr-defined]  # mypy: not on type[TypedDict]
    own = keys - ASPOSE_OPTIONS
    arguments = {k: v for k, v in kwargs.items() if k in own}
    rest = {k: v for k, v in kwargs.items() if k not in own}
    return arguments, rest


def _with_http_info(op: Operation, response: httpx.Response) -> HttpInfo[Any]:
    return decode(op, response), response.status_code, dict(response.headers)


class SyncApi:
    """Base of the synchronous API classes: ``XxxApi(api_client=None)`` as in ``aspose_barcode_cloud``
    (without a client, one is made from the default :class:`~barcode_cloud.Configuration`)."""

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    def _run(self, method: str, op: Operation, async_req: bool, options: Mapping[str, Any]) -> Any:
        """The decoded result; with ``async_req=True`` an :class:`~barcode_cloud.AsyncResult`."""
        check_options(method, options)

        def call() -> Any:
            return decode(op, self.api_client.execute(op, options.get("_request_timeout")))

        if async_req or options.get("async_req"):
            return self.api_client.submit(call)
        return call()

    def _run_with_http_info(self, method: str, op: Operation, options: Mapping[str, Any]) -> Any:
        """``(result, status, headers)``, as the ``*_with_http_info`` methods of ``aspose_barcode_cloud``."""
        check_options(method, options)

        def call() -> Any:
            return _with_http_info(op, self.api_client.execute(op, options.get("_request_timeout")))

        if options.get("async_req"):
            return self.api_client.submit(call)
        return call()


class AsyncApi:
    """Base of the asyncio API classes: ``AsyncXxxApi(api_client)`` with an :class:`AsyncApiClient`."""

    def __init__(self, api_client: AsyncApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else AsyncApiClient()

    async def _run(self, method: str, op: Operation, options: Mapping[str, Any]) -> Any:
        check_options(method, options)
        return decode(op, await self.api_client.execute(op, options.get("_request_timeout")))

    async def _run_with_http_info(self, method: str, op: Operation, options: Mapping[str, Any]) -> Any:
        """``(result, status, headers)``, as the sync classes' ``*_with_http_info`` methods."""
        check_options(method, options)
        return _with_http_info(op, await self.api_client.execute(op, options.get("_request_timeout")))
