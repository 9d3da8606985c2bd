"""The ``Authorization`` header as httpx auth flows: JWT mode (cached, refreshed, one retry after a 401) and
external mode (a given token, sent as is)."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Generator

import httpx

from barcode_cloud._tokens import Token, cache_for, fetch_async, fetch_sync
from barcode_cloud.configuration import Configuration

log = logging.getLogger("barcode_cloud.auth")  # logger names are public (logging config), not module names


class ExternalTokenAuth(httpx.Auth):
    """External mode: the caller's token, never fetched, never refreshed, no retry after a 401.

    The token is read from the configuration at each request, as ``aspose_barcode_cloud`` does, so that code
    which sets ``api_client.configuration.access_token = new_token`` sends the new one from then on."""

    def __init__(self, config: Configuration) -> None:
        self._config = config

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer " + self._config.access_token
        yield request

    def __repr__(self) -> str:
        return "ExternalTokenAuth(token='***')"


class JWTAuth(httpx.Auth):
    """JWT mode: a token from the shared :class:`~barcode_cloud._tokens.TokenCache`; after a ``401``, one newer
    token and one more try of the request (a second ``401`` is returned to the caller, never a loop).

    Token requests go through ``sync_client`` / ``async_client`` (the API client's own connection pool). An
    access token set on the configuration later (``config.access_token = ...``) is sent as is instead, as
    ``aspose_barcode_cloud`` would: the configuration is then in external mode."""

    def __init__(
        self,
        config: Configuration,
        sync_client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.endpoint = config.token_endpoint()
        self.cache = cache_for(self.endpoint)
        self._external = ExternalTokenAuth(config)
        self._config = config
        self._sync_client = sync_client
        self._async_client = async_client

    def _fetch_sync(self) -> Token:
        if self._sync_client is None:
            with httpx.Client() as client:
                return fetch_sync(client, self.endpoint)
        return fetch_sync(self._sync_client, self.endpoint)

    async def _fetch_async(self) -> Token:
        if self._async_client is None:
            async with httpx.AsyncClient() as client:
                return await fetch_async(client, self.endpoint)
        return await fetch_async(self._async_client, self.endpoint)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._config.mode == "external":
            return self._external.sync_auth_flow(request)
        return self._sync_jwt_flow(request)

    def _sync_jwt_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.cache.get_sync(self._fetch_sync, patience=self.endpoint.patience)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code == 401:
            log.debug("401 from %s: one new token, one more try", request.url.path)
            token = self.cache.get_sync(self._fetch_sync, stale=token.value, patience=self.endpoint.patience)
            request.headers["Authorization"] = f"Bearer {token.value}"
            yield request

    def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._config.mode == "external":
            return self._external.async_auth_flow(request)
        return self._async_jwt_flow(request)

    async def _async_jwt_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.cache.get_async(self._fetch_async, patience=self.endpoint.patience)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code == 401:
            log.debug("401 from %s: one new token, one more try", request.url.path)
            token = await self.cache.get_async(self._fetch_async, stale=token.value, patience=self.endpoint.patience)
            request.headers["Authorization"] = f"Bearer {token.value}"
            yield request

    def __repr__(self) -> str:
        return f"JWTAuth(token_url={self.endpoint.url!r}, client_id={self.endpoint.client_id!r})"


def auth_for(
    config: Configuration,
    sync_client: httpx.Client | None = None,
    async_client: httpx.AsyncClient | None = None,
) -> httpx.Auth:
    """The auth flow of a configuration's mode. Without any credentials, the external flow: each call raises
    the ``ValueError`` of ``config.access_token`` (as aspose's client does then), unless a token is set by then."""
    if config.mode == "jwt":
        return JWTAuth(config, sync_client, async_client)
    return ExternalTokenAuth(config)
