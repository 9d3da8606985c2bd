"""A minimal protected endpoint: checks a token end to end without touching the barcode engine."""

from __future__ import annotations

from fastapi import APIRouter, Request

from barcode_cloud_server.identity.scopes import GENERATE
from barcode_cloud_server.identity.verify import require_scope

router = APIRouter(tags=["identity"])
_check_generate = require_scope(GENERATE)


@router.get("/v4.0/whoami", summary="Who the bearer token belongs to (needs barcode.generate)")
async def whoami(request: Request) -> dict[str, object]:
    # The check is called directly, as the hot generate path calls it: FastAPI's dependency solving would
    # cost more per request than verifying the token does.
    claims = await _check_generate(request)
    return {"client_id": claims.client_id, "scopes": sorted(claims.scopes)}
