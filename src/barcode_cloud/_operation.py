"""One API call: what the API classes build (:class:`Operation`) and what its 2xx response becomes
(a model, or :class:`ImageBytes`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import httpx

from barcode_cloud._exceptions import ApiException
from barcode_cloud.models import WireModel

FilePart = tuple[str | None, bytes] | tuple[str | None, bytes, str]


@dataclass(frozen=True, slots=True)
class Operation:
    """One API call, ready to send: what the API classes build and the clients execute."""

    method: str
    path: str
    params: list[tuple[str, str]] | None = None
    content: bytes | None = None
    content_type: str | None = None
    files: list[tuple[str, FilePart]] | None = None
    accept: str = "application/json"
    returns: type[WireModel] | None = None  # None: the body is an image


class ImageBytes(bytes):
    """A generated image: ``bytes``, plus the attributes code written for ``aspose_barcode_cloud`` reads from
    what ``generate`` returned there (``.data``, ``.status``, ``.read()``, ``.getheaders()``...)."""

    status: int
    reason: str
    headers: dict[str, str]

    def __new__(
        cls, content: bytes, status: int = 200, reason: str = "OK", headers: Mapping[str, str] | None = None
    ) -> Self:
        self = super().__new__(cls, content)
        self.status, self.reason, self.headers = status, reason, dict(headers or {})
        return self

    @property
    def data(self) -> bytes:
        """The image bytes (``response.data`` in ``aspose_barcode_cloud``)."""
        return self

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def read(self, amt: int | None = None) -> bytes:
        return bytes(self) if amt is None else bytes(self[:amt])

    def getheaders(self) -> dict[str, str]:
        return dict(self.headers)

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


def decode(op: Operation, response: httpx.Response) -> Any:
    """The result of a 2xx response: the model of ``op.returns``, or :class:`ImageBytes`."""
    if op.returns is None:
        return ImageBytes(response.content, response.status_code, response.reason_phrase, response.headers)
    try:
        return op.returns.from_json(response.content)
    except ValueError as exc:
        raise ApiException(
            response.status_code,
            f"unexpected response body for {op.returns.__name__}: {exc}",
            body=response.content[:2048].decode("utf-8", "replace"),
            headers=response.headers,
        ) from exc
