"""fileUrl fetching: scheme, redirect and address checks, size limit, pinned address. Loopback traffic only."""

from __future__ import annotations

import ipaddress

import pytest

from barcode_cloud_server.api.fetch import IPAddress, fetch_url, is_public_address
from barcode_cloud_server.api.problems import ApiProblem
from tests.support.image_server import serve

PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 1000


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_address_policy(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


async def _problem(url: str, **kw: object) -> ApiProblem:
    with pytest.raises(ApiProblem) as info:
        await fetch_url(url, max_bytes=10_000, **kw)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"])
async def test_loopback_is_refused_without_connecting(host: str) -> None:
    with serve() as server:
        server.files["/a.png"] = PNG
        problem = await _problem(f"http://{host}:{server.port}/a.png")
        assert problem.status == 400 and "refused" in problem.message
        assert server.requests == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a.png", "file:///etc/passwd", "gopher://x/", "data:,x", "nourl"])
async def test_only_http_and_https(url: str) -> None:
    problem = await _problem(url)
    assert problem.status == 400 and "http" in problem.message


async def test_credentials_in_the_url_are_refused() -> None:
    problem = await _problem("http://user:pw@127.0.0.1/a.png", allow_private=True)
    assert problem.status == 400 and "credentials" in problem.message


async def test_allowed_private_url_is_fetched() -> None:
    with serve() as server:
        server.files["/a.png"] = PNG
        assert await fetch_url(server.url("/a.png"), max_bytes=10_000, allow_private=True) == PNG


async def test_up_to_three_redirects_each_followed() -> None:
    with serve() as server:
        server.files["/final.png"] = PNG
        server.redirects.update({"/r1": "/r2", "/r2": server.url("/r3"), "/r3": "/final.png"})
        assert await fetch_url(server.url("/r1"), max_bytes=10_000, allow_private=True) == PNG
        server.redirects.update({"/r0": "/r1"})
        problem = await _problem(server.url("/r0"), allow_private=True)
        assert problem.status == 400 and "redirect" in problem.message
        assert "/final.png" not in [p for p, _ in server.requests[4:]]


async def test_every_redirect_hop_is_checked() -> None:
    """A redirect to an address the policy refuses is not followed (both addresses are loopback)."""
    with serve("127.0.0.1") as first, serve("127.0.0.2") as second:
        second.files["/secret.png"] = PNG
        first.redirects["/go"] = second.url("/secret.png")

        def only_first(ip: IPAddress) -> bool:
            return str(ip) == "127.0.0.1"

        problem = await _problem(first.url("/go"), policy=only_first)
        assert problem.status == 400 and "not allowed" in problem.message
        assert [p for p, _ in first.requests] == ["/go"]
        assert second.requests == []


async def test_redirect_to_another_scheme_is_refused() -> None:
    with serve() as server:
        server.redirects["/go"] = "file:///etc/passwd"
        problem = await _problem(server.url("/go"), allow_private=True)
        assert problem.status == 400 and "http" in problem.message


async def test_connection_goes_to_the_checked_address_with_the_original_host() -> None:
    """The name is resolved once, by us; the request goes to that address (no second lookup to rebind)."""
    calls: list[str] = []
    with serve() as server:
        server.files["/a.png"] = PNG

        async def resolver(host: str, port: int) -> list[IPAddress]:
            calls.append(host)
            return [ipaddress.ip_address("127.0.0.1")]

        url = f"http://images.rebind.test:{server.port}/a.png"
        assert await fetch_url(url, max_bytes=10_000, allow_private=True, resolver=resolver) == PNG
        assert calls == ["images.rebind.test"]
        assert server.requests == [("/a.png", f"images.rebind.test:{server.port}")]


async def test_name_resolving_to_any_refused_address_is_refused() -> None:
    with serve() as server:
        server.files["/a.png"] = PNG

        async def resolver(host: str, port: int) -> list[IPAddress]:
            return [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("127.0.0.1")]

        problem = await _problem(f"http://mixed.test:{server.port}/a.png", resolver=resolver)
        assert problem.status == 400 and "not allowed" in problem.message
        assert server.requests == []


@pytest.mark.parametrize("chunked", [False, True])
async def test_size_limit_while_streaming(chunked: bool) -> None:
    with serve() as server:
        server.files["/big.png"] = b"\x89PNG" + b"0" * 300_000
        if chunked:
            server.chunked.add("/big.png")
        with pytest.raises(ApiProblem) as info:
            await fetch_url(server.url("/big.png"), max_bytes=100_000, allow_private=True)
        assert info.value.status == 413


async def test_http_errors_are_400() -> None:
    with serve() as server:
        problem = await _problem(server.url("/missing.png"), allow_private=True)
        assert problem.status == 400 and "404" in problem.message


async def test_unresolvable_host_is_400() -> None:
    async def resolver(host: str, port: int) -> list[IPAddress]:
        raise OSError("no such host")

    problem = await _problem("http://nowhere.invalid/a.png", resolver=resolver)
    assert problem.status == 400 and "resolved" in problem.message


async def test_refusals_do_not_tell_unresolvable_names_from_private_ones(caplog: pytest.LogCaptureFixture) -> None:
    """A token holder must not learn which internal names exist or where they point; the log says, without the
    URL's path or query (they may hold a signature)."""
    answers: dict[str, list[IPAddress]] = {"db.internal": [ipaddress.ip_address("10.20.30.40")]}

    async def resolver(host: str, port: int) -> list[IPAddress]:
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    caplog.set_level("INFO", logger="barcode_cloud.api")
    private = await _problem("http://db.internal/a.png?sig=SECRETSIG", resolver=resolver)
    missing = await _problem("http://nothing.internal/a.png?sig=SECRETSIG", resolver=resolver)
    literal = await _problem("http://10.20.30.40/a.png", resolver=resolver)
    assert private.status == missing.status == literal.status == 400
    assert private.message == missing.message == literal.message
    assert "10.20.30.40" not in private.message and "internal" not in private.message
    logged = [(r.getMessage(), vars(r)) for r in caplog.records if r.getMessage() == "fileUrl refused"]
    assert len(logged) == 3
    assert "10.20.30.40" in logged[0][1]["fetch_refusal"] and "db.internal" in logged[0][1]["fetch_host"]
    assert "not resolved" in logged[1][1]["fetch_refusal"]
    assert "SECRETSIG" not in caplog.text and not any("SECRETSIG" in str(v) for _, r in logged for v in r.values())
