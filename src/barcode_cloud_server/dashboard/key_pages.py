"""Signing keys (administrators only): the list, rotate and revoke, through the functions ``keys rotate`` and
``keys revoke`` call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import Response

from barcode_cloud_server.dashboard.account_pages import csrf_on_post
from barcode_cloud_server.dashboard.guard import NotFound
from barcode_cloud_server.dashboard.pages import Pages
from barcode_cloud_server.identity.keys import (
    ACTIVATION_SECONDS,
    KeyRing,
    KeyState,
    UnknownKey,
    list_signing_keys,
    revoke_signing_key,
    rotate_signing_key,
)
from barcode_cloud_server.identity.keyseal import KeySealer
from barcode_cloud_server.storage.db import Database


@dataclass(frozen=True)
class KeyView:
    """A stored key as this server process sees it now."""

    key: KeyState
    signing: bool
    published: bool

    @property
    def signs_from(self) -> datetime:
        return self.key.created_at + timedelta(seconds=ACTIVATION_SECONDS)

    @property
    def state(self) -> str:
        if self.key.revoked_at is not None:
            return "revoked"
        if self.signing:
            return "signing"
        if self.key.retired_at is None:
            return "next"  # published, signing once every server has it
        return "retired" if self.published else "expired"


def key_router(pages: Pages, db: Database, ring: KeyRing, token_lifetime: int, sealer: KeySealer | None) -> APIRouter:
    guard = pages.guard
    router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_on_post(guard))])

    def views() -> list[KeyView]:
        signing = ring.signing_key().kid if ring.loaded else None
        keys = list_signing_keys(db)
        return [KeyView(k, k.kid == signing, ring.get(k.kid) is not None) for k in reversed(keys)]

    @router.get("/keys")
    def keys_page(request: Request, rotated: str = "", revoked: str = "") -> Response:
        guard.require_admin(request)
        keys = views()
        by_kid = {view.key.kid: view for view in keys}
        # The notices name keys in the state they describe, so that a crafted link cannot claim otherwise.
        made = by_kid.get(rotated)
        gone = by_kid.get(revoked)
        return pages.render(
            request,
            "keys.html",
            keys=keys,
            rotated=made if made and made.key.revoked_at is None else None,
            revoked=gone if gone and gone.key.revoked_at is not None else None,
            signing=next((view for view in keys if view.signing), None),
            activation=ACTIVATION_SECONDS,
        )

    @router.post("/keys/rotate")
    async def rotate(request: Request) -> Response:
        guard.require_admin(request)
        kid = await anyio.to_thread.run_sync(rotate_signing_key, db, token_lifetime, sealer)
        await anyio.to_thread.run_sync(ring.reload)  # this process shows it at once; the others within seconds
        return pages.redirect(request, "/keys?" + urlencode({"rotated": kid}))

    @router.get("/keys/revoke")
    def revoke_page(request: Request, kid: str = "") -> Response:
        guard.require_admin(request)
        view = next((v for v in views() if v.key.kid == kid and v.key.revoked_at is None), None)
        if view is None:
            raise NotFound()
        return pages.render(request, "key_revoke.html", view=view, error=None)

    @router.post("/keys/revoke")
    async def revoke(
        request: Request, kid: Annotated[str, Form()] = "", confirm_kid: Annotated[str, Form()] = ""
    ) -> Response:
        guard.require_admin(request)
        if confirm_kid.strip() != kid:
            view = next((v for v in views() if v.key.kid == kid), None)
            if view is None:
                raise NotFound()
            error = "Type the key id exactly to revoke it."
            return pages.render(request, "key_revoke.html", 400, view=view, error=error)
        try:
            await anyio.to_thread.run_sync(revoke_signing_key, db, kid, sealer)
        except UnknownKey:
            raise NotFound() from None
        await anyio.to_thread.run_sync(ring.reload)
        return pages.redirect(request, "/keys?" + urlencode({"revoked": kid}))

    return router
