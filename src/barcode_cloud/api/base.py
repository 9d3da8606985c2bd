"""What every API class shares: the client it calls through, and how a call runs."""

from __future__ import annotations

from typing import Any

from barcode_cloud.api.operations import check_options
from barcode_cloud.transport import ApiClient, AsyncApiClient, Operation, decode


class SyncApi:
    """Base of the synchronous API classes: ``XxxApi(api_client=None)`` as in ``aspose_barcode_cloud``
    (without a client, one is made from the default :class:`~barcode_cloud.Configuration`)."""

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    def _run(self, method: str, op: Operation, async_req: bool, options: dict[str, Any]) -> Any:
        """The decoded result; with ``async_req=True`` an :class:`~barcode_cloud.transport.AsyncResult`."""
        check_options(method, options)
        timeout = options.get("_request_timeout")

        def call() -> Any:
            return decode(op, self.api_client.execute(op, timeout))

        if async_req or options.get("async_req"):
            return self.api_client.submit(call)
        return call()

    def _run_with_http_info(self, method: str, op: Operation, options: dict[str, Any]) -> Any:
        """``(result, status, headers)``, as the ``*_with_http_info`` methods of ``aspose_barcode_cloud``."""
        check_options(method, options)

        def call() -> tuple[Any, int, dict[str, str]]:
            response = self.api_client.execute(op, options.get("_request_timeout"))
            return decode(op, response), response.status_code, dict(response.headers)

        if options.get("async_req"):
            return self.api_client.submit(call)
        return call()


class AsyncApi:
    """Base of the asyncio API classes: ``AsyncXxxApi(api_client)`` with an :class:`AsyncApiClient`."""

    def __init__(self, api_client: AsyncApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else AsyncApiClient()

    async def _run(self, method: str, op: Operation, options: dict[str, Any]) -> Any:
        check_options(method, options)
        return decode(op, await self.api_client.execute(op, options.get("_request_timeout")))
