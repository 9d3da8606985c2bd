"""``aspose_barcode_cloud.rest``: :class:`RESTClientObject`, :class:`RESTResponse` and ``ApiException``.

``ApiClient.rest_client`` is a :class:`RESTClientObject`. The client's own requests do not go through it (they take
the faster path with retries, see :mod:`barcode_cloud._client`), but code that replaces it, as unit tests do with
``mock.Mock(spec_set=RESTClientObject)``, gets every request through the replacement's ``GET``/``POST``... methods
with aspose's arguments (``url``, ``headers``, ``query_params``, ``post_params``, ``body``), and what it returns
is the response.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from barcode_cloud._exceptions import ApiException
from barcode_cloud.configuration import Configuration, verify_for

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]

Params = Sequence[tuple[str, Any]] | Mapping[str, Any] | None


class RESTResponse(io.IOBase):
    """A response as ``aspose_barcode_cloud`` hands it over: ``status``, ``reason``, ``data`` (bytes) and
    ``getheaders()`` / ``getheader(name)``."""

    def __init__(self, resp: httpx.Response) -> None:
        super().__init__()
        self.urllib3_response = resp  # aspose's attribute name: the underlying response
        self.status = resp.status_code
        self.reason = resp.reason_phrase
        self.data = resp.content

    def getheaders(self) -> dict[str, str]:
        return dict(self.urllib3_response.headers)

    def getheader(self, name: str, default: str | None = None) -> str | None:
        value: str | None = self.urllib3_response.headers.get(name, default)
        return value


class RESTClientObject:
    """Plain HTTP calls, one method per verb, as in ``aspose_barcode_cloud``; raises :class:`ApiException` on a
    non-2xx answer. ``pools_size`` and ``maxsize`` are accepted for compatibility."""

    def __init__(self, configuration: Configuration, pools_size: int = 4, maxsize: int | None = None) -> None:
        self.configuration = configuration
        self._http: httpx.Client | None = None

    def request(
        self,
        method: str,
        url: str,
        query_params: Params = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Params = None,
        _preload_content: bool = True,
        _request_timeout: float | tuple[float, float] | None = None,
    ) -> RESTResponse:
        if self._http is None:
            c = self.configuration
            self._http = httpx.Client(
                verify=verify_for(c), proxy=c.proxy, timeout=httpx.Timeout(c.read_timeout, connect=c.connect_timeout)
            )
        timeout: httpx.Timeout | None = None
        if isinstance(_request_timeout, tuple):
            timeout = httpx.Timeout(_request_timeout[1], connect=_request_timeout[0])
        elif _request_timeout is not None:
            timeout = httpx.Timeout(_request_timeout)
        headers = dict(headers or {})
        fields, files = _split_post_params(post_params)
        if files:
            # httpx writes the multipart Content-Type with its boundary
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        response = self._http.request(
            method,
            url,
            params=_items(query_params),
            headers=headers,
            json=body,
            data=fields or None,
            files=files or None,
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
        result = RESTResponse(response)
        if not 200 <= result.status <= 299:
            raise ApiException(http_resp=result, headers=response.headers)
        return result

    def GET(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("GET", url, headers=headers, **kwargs)

    def HEAD(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("HEAD", url, headers=headers, **kwargs)

    def OPTIONS(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("OPTIONS", url, headers=headers, **kwargs)

    def DELETE(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("DELETE", url, headers=headers, **kwargs)

    def POST(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("POST", url, headers=headers, **kwargs)

    def PUT(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("PUT", url, headers=headers, **kwargs)

    def PATCH(self, url: str, headers: Mapping[str, str] | None = None, **kwargs: Any) -> RESTResponse:
        return self.request("PATCH", url, headers=headers, **kwargs)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


def _items(params: Params) -> list[tuple[str, Any]]:
    return list(params.items()) if isinstance(params, Mapping) else list(params or [])


def _split_post_params(post_params: Params) -> tuple[dict[str, list[str]], list[tuple[str, Any]]]:
    """aspose's ``post_params``: form fields, and files as ``(name, (filename, bytes, mime type))``."""
    fields: dict[str, list[str]] = {}
    files: list[tuple[str, Any]] = []
    for name, value in _items(post_params):
        if isinstance(value, tuple):
            files.append((name, value))
        else:
            fields.setdefault(name, []).append(str(value))
    return fields, files
