"""Fetching a caller's ``fileUrl`` without letting it reach inside the network (SSRF) or exhaust memory.

- http and https only, no credentials in the URL, at most ``MAX_REDIRECTS`` redirects;
- every hop's host is resolved here and refused when any of its addresses is loopback, private, link-local,
  multicast, reserved, unspecified or otherwise not global (unless private URLs are allowed);
- a host that does not resolve and one that resolves to a refused address get the same answer, which names
  neither the address nor the reason (else a token holder could map the internal DNS); the server's log has both;
- the connection then goes to the address that was checked, with the original ``Host`` header and TLS server
  name (SNI and certificate check against the host name), so a second DNS answer cannot redirect it
  (no DNS rebinding);
- the body is streamed under the upload size limit, with connect/read timeouts and an overall deadline.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from barcode_cloud_server.api.problems import ApiProblem
from barcode_cloud_server.engine.errors import shown

MAX_REDIRECTS = 3
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
USER_AGENT = "barcode-cloud-fetch/1"

log = logging.getLogger("barcode_cloud.api")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
AddressPolicy = Callable[[IPAddress], bool]


def is_public_address(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses only."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_public_address(ip.ipv4_mapped)
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        return is_public_address(ip.sixtofour)
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out


@dataclass(frozen=True)
class _Target:
    url: str  # the URL as the caller (or a redirect) gave it
    scheme: str
    host: str
    port: int
    ip: IPAddress

    @property
    def connect_url(self) -> str:
        """The same URL with the checked address in place of the host name."""
        parts = urlsplit(self.url)
        host = f"[{self.ip}]" if isinstance(self.ip, ipaddress.IPv6Address) else str(self.ip)
        path = parts.path or "/"
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.scheme}://{host}:{self.port}{path}{query}"

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


async def _check(url: str, allow_private: bool, resolver: Resolver, policy: AddressPolicy) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ApiProblem(400, "fileUrl is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ApiProblem(400, "fileUrl must be an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise ApiProblem(400, "fileUrl must not contain credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ApiProblem(400, "fileUrl has no host")
    port = port or (443 if scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = await asyncio.wait_for(resolver(host, port), CONNECT_TIMEOUT)
        except (OSError, TimeoutError, UnicodeError) as exc:
            raise _refused(host, f"not resolved: {type(exc).__name__}") from None
    if not addresses:
        raise _refused(host, "not resolved: no addresses")
    if not allow_private:
        refused = [ip for ip in addresses if not policy(ip)]
        if refused:
            raise _refused(host, f"resolves to a refused address {refused[0]}")
    return _Target(url, scheme, host, port, addresses[0])


def _refused(host: str, reason: str) -> ApiProblem:
    # The host alone: the URL's path and query may hold a signature or token.
    log.info("fileUrl refused", extra={"fetch_host": shown(host), "fetch_refusal": reason})
    return ApiProblem(
        400,
        "fileUrl names a host that could not be resolved or is not allowed (loopback, private, link-local and "
        "reserved addresses are refused; see --allow-private-urls)",
    )


async def fetch_url(
    url: str,
    *,
    max_bytes: int,
    allow_private: bool = False,
    resolver: Resolver = system_resolver,
    policy: AddressPolicy = is_public_address,
    transport: httpx.AsyncBaseTransport | None = None,
) -> bytes:
    """The body of ``url`` (following up to 3 checked redirects), or an :class:`ApiProblem`."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, trust_env=False, transport=transport
    ) as client:
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            target = await _check(current, allow_private, resolver, policy)
            request = client.build_request(
                "GET",
                target.connect_url,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "image/*, */*;q=0.5",
                    "Accept-Encoding": "identity",  # raw bytes only: no decompression bombs
                },
                extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
            )
            try:
                response = await asyncio.wait_for(
                    client.send(request, stream=True), max(0.1, deadline - time.monotonic())
                )
            except (httpx.HTTPError, TimeoutError, OSError) as exc:
                raise ApiProblem(400, f"fileUrl could not be fetched: {type(exc).__name__}") from None
            try:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise ApiProblem(400, "fileUrl redirected without a Location")
                    if hop == MAX_REDIRECTS:
                        raise ApiProblem(400, f"fileUrl redirected more than {MAX_REDIRECTS} times")
                    current = urljoin(current, location)
                    continue
                if response.status_code != 200:
                    raise ApiProblem(400, f"fileUrl answered HTTP {response.status_code}")
                return await _read_limited(response, max_bytes, deadline)
            finally:
                await response.aclose()
    raise ApiProblem(400, f"fileUrl redirected more than {MAX_REDIRECTS} times")  # pragma: no cover


async def _read_limited(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ApiProblem(413, f"the file at fileUrl is larger than the limit of {max_bytes} bytes")
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) > max_bytes:
                raise ApiProblem(413, f"the file at fileUrl is larger than the limit of {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise ApiProblem(400, "fileUrl took too long to download")
    except httpx.HTTPError as exc:
        raise ApiProblem(400, f"fileUrl could not be fetched: {type(exc).__name__}") from None
    return bytes(body)
