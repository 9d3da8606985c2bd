"""OpenAPI pieces shared by the API's routers."""

from __future__ import annotations

from typing import Any

from barcode_cloud.models import ApiErrorResponse


def error_response(description: str) -> dict[str, Any]:
    """An error response: ``ApiErrorResponse`` in JSON (FastAPI adds the schema from ``model``) or XML."""
    xml = {"schema": {"$ref": "#/components/schemas/ApiErrorResponse"}}
    return {"description": description, "model": ApiErrorResponse, "content": {"application/xml": xml}}
