"""Reading the barcodes of one file, in process or through a server; every failure becomes the file's ``error``,
so that one broken file never ends a run."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from barcode_cloud import ApiClient, ApiException, RecognizeApi, ScanApi
from barcode_cloud.models import RecognizeBase64Request, ScanBase64Request
from barcode_cloud_server.engine.errors import EngineError
from barcode_cloud_server.engine.images import DEFAULT_MAX_BYTES
from barcode_cloud_server.engine.recognize import BUDGET_SECONDS, ImageKind, Mode, recognize_array, recognize_bytes
from barcode_cloud_server.engine.recognize_types import resolve
from barcode_cloud_server.tools.errors import ToolError
from barcode_cloud_server.tools.pdf import is_pdf, pdf_pages
from barcode_cloud_server.tools.remote import describe_api_error
from barcode_cloud_server.tools.results import FileResult, Found, Query

# Local files may be larger than an upload: PDFs especially. Images still meet the engine's pixel limit.
MAX_FILE_BYTES = 256 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ToolError(f"the file is {size} bytes, over the limit of {MAX_FILE_BYTES}")
        return path.read_bytes()
    except OSError as exc:
        raise ToolError(f"cannot read the file: {exc.strerror or exc}") from None


def recognize_data(
    data: bytes, query: Query, *, max_bytes: int = MAX_FILE_BYTES, shared_budget: bool = False
) -> list[Found]:
    """Every barcode in an image or PDF, in process. A PDF's pages get the mode's time budget each, or
    (``shared_budget``, for a server's callers) share one, as an image's pages always do."""
    types = list(query.types) if query.types else None
    mode, kind = Mode(query.mode), ImageKind(query.kind)
    try:
        if not is_pdf(data):
            found = recognize_bytes(data, types, mode, kind, max_bytes=max_bytes)
            return [Found(d.type, d.value, d.page + 1, d.checksum, d.region) for d in found]
        deadline = time.monotonic() + BUDGET_SECONDS[mode]
        found = []
        for index, gray in enumerate(pdf_pages(data), start=1):
            budget = deadline - time.monotonic() if shared_budget else None
            if budget is not None and budget <= 0:
                break
            found.extend(recognize_array(gray, types, mode, kind, budget=budget, page=index))
    except EngineError as exc:
        raise ToolError(exc.message) from None
    return [Found(d.type, d.value, d.page, d.checksum, d.region) for d in found]


def recognize_file(path: Path, query: Query) -> FileResult:
    """In process: the worker of a process pool (a top-level function, so that it pickles)."""
    try:
        return FileResult(str(path), recognize_data(read_bytes(path), query))
    except ToolError as exc:
        return FileResult(str(path), error=exc.message)
    except Exception as exc:  # an engine bug on one file must not end the run: report it with the file
        return FileResult(str(path), error=f"internal error: {type(exc).__name__}: {exc}")


def _png(gray: Any) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, "PNG")
    return buffer.getvalue()


def remote_uploads(data: bytes) -> list[tuple[int | None, bytes]]:
    """What to send a server for one file: a PDF's pages as PNG images (the API takes images only), else the file."""
    if is_pdf(data):
        return [(index, _png(gray)) for index, gray in enumerate(pdf_pages(data), start=1)]
    if len(data) > DEFAULT_MAX_BYTES:
        raise ToolError(f"the file is {len(data)} bytes, over the API's upload limit of {DEFAULT_MAX_BYTES}")
    return [(None, data)]


def recognize_remote(client: ApiClient, data: bytes, query: Query) -> list[Found]:
    """Through a server with the SDK."""
    found: list[Found] = []
    for page, upload in remote_uploads(data):
        encoded = base64.b64encode(upload).decode("ascii")
        try:
            if query.types:
                request = RecognizeBase64Request.model_validate(
                    {
                        "barcodeTypes": list(query.types),
                        "fileBase64": encoded,
                        "recognitionMode": query.mode,
                        "recognitionImageKind": query.kind,
                    }
                )
                answer = RecognizeApi(client).recognize_base64(request)
            else:
                answer = ScanApi(client).scan_base64(ScanBase64Request(file_base64=encoded))
        except ApiException as exc:
            raise ToolError(describe_api_error(exc)) from None
        for b in answer.barcodes or []:
            region = tuple((int(p.x or 0), int(p.y or 0)) for p in b.region or [])
            found.append(Found(b.type or "", b.barcode_value or "", page, b.checksum, region))
    return found


def check_types(types: Sequence[str] | None) -> None:
    """Unknown type names, before any file is read."""
    try:
        resolve(list(types) if types else None)
    except EngineError as exc:
        raise ToolError(exc.message) from None
