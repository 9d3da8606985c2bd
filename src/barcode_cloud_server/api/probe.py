"""A minimal protected endpoint: checks a token end to end without touching the barcode engine."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from barcode_cloud_server.identity.scopes import GENERATE
from barcode_cloud_server.identity.tokens import TokenClaims
from barcode_cloud_server.identity.verify import require_scope

router = APIRouter(tags=["identity"])


@router.get("/v4.0/whoami", summary="Who the bearer token belongs to (needs barcode.generate)")
async def whoami(claims: TokenClaims = Depends(require_scope(GENERATE))) -> dict[str, object]:  # noqa: B008
    return {"client_id": claims.client_id, "scopes": sorted(claims.scopes)}
