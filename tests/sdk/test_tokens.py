"""Token management against a scripted server (httpx.MockTransport): single flight, refresh, 401 handling,
token endpoint errors, external mode, and what reaches the logs."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from barcode_cloud import (
    ApiClient,
    ApiException,
    AsyncGenerateApi,
    AsyncScanApi,
    Configuration,
    EncodeBarcodeType,
    GenerateApi,
    RecognizeApi,
    ScanApi,
)
from barcode_cloud._tokens import Token, TokenCache, cache_for
from tests.support.mock_server import PNG, MockServer, run_threads


def test_32_threads_first_call_make_one_token_request() -> None:
    server = MockServer(token_delay=0.3)
    clients = [server.client() for _ in range(32)]  # separate clients: the cache is per process

    results = run_threads(32, lambda i: ScanApi(clients[i]).scan("http://img.test/a.png"))

    assert all(not isinstance(r, Exception) for r in results), results
    assert server.token_requests == 1
    assert server.api_requests == 32
    assert len(set(server.seen_tokens)) == 1
    for c in clients:
        c.close()


async def test_100_tasks_first_call_make_one_token_request() -> None:
    server = MockServer(token_delay=0.3)
    async with server.async_client() as client:
        api = AsyncScanApi(client)
        results = await asyncio.gather(*(api.scan("http://img.test/a.png") for _ in range(100)))
    assert all(r.barcodes and r.barcodes[0].barcode_value == "hello" for r in results)
    assert server.token_requests == 1
    assert server.api_requests == 100


def test_threads_and_tasks_together_share_one_fetch() -> None:
    server = MockServer(token_delay=0.3)

    async def tasks() -> None:
        async with server.async_client() as client:
            await asyncio.gather(*(AsyncScanApi(client).scan("http://x/a.png") for _ in range(20)))

    with server.client() as client:
        loop_thread = threading.Thread(target=lambda: asyncio.run(tasks()))
        loop_thread.start()
        run_threads(8, lambda i: ScanApi(client).scan("http://x/a.png"))
        loop_thread.join(30)
    assert server.api_requests == 28
    assert server.token_requests == 1


def test_tasks_on_several_event_loops_share_one_fetch() -> None:
    server = MockServer(token_delay=0.3)

    async def tasks() -> None:
        async with server.async_client() as client:  # one client per loop: httpx's pool belongs to its loop
            await asyncio.gather(*(AsyncScanApi(client).scan("http://x/a.png") for _ in range(10)))

    loops = [threading.Thread(target=asyncio.run, args=(tasks(),)) for _ in range(3)]
    for thread in loops:
        thread.start()
    for thread in loops:
        thread.join(30)
    assert server.api_requests == 30
    assert server.token_requests == 1


async def test_short_lived_tokens_are_refreshed_before_they_expire() -> None:
    """Sync calls (in a thread) and asyncio tasks at the same time, each against its own server and token."""
    server, async_server = MockServer(lifetime=1.0), MockServer(lifetime=1.0)

    def sync_calls() -> int:
        with server.client() as client:
            api = ScanApi(client)
            deadline = time.monotonic() + 3.5
            calls = 0
            while time.monotonic() < deadline:
                api.scan("http://x/a.png")
                calls += 1
                time.sleep(0.01)
        return calls

    async def async_calls() -> None:
        async with async_server.async_client() as client:
            api = AsyncScanApi(client)
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline:
                await asyncio.gather(*(api.scan("http://x/a.png") for _ in range(5)))
                await asyncio.sleep(0.01)

    calls, _ = await asyncio.gather(asyncio.to_thread(sync_calls), async_calls())

    assert server.api_401 == 0, "a token was used after its lifetime"
    assert server.max_age_used <= 0.75 + 0.05, "refreshed a quarter of the lifetime before expiry"
    # lifetime 1 s, refreshed at 0.625..0.75 s: 4 to 6 fetches in 3.5 s, not one per call
    assert 4 <= server.token_requests <= 7, server.token_requests
    assert calls > 50
    assert async_server.api_401 == 0
    assert async_server.max_age_used <= 0.75 + 0.05
    assert 3 <= async_server.token_requests <= 6


def test_a_401_gets_one_new_token_and_one_retry() -> None:
    server = MockServer(api_failures=[401])
    with server.client() as client:
        image = GenerateApi(client).generate(EncodeBarcodeType.QR, "hi")
    assert image == PNG
    assert server.token_requests == 2
    assert server.api_requests == 2
    assert server.seen_tokens[0] != server.seen_tokens[1]


def test_a_persistent_401_raises_after_one_refetch() -> None:
    server = MockServer(reject_all=True)
    with server.client() as client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan("http://x/a.png")
    assert caught.value.status == 401
    assert caught.value.error == "Unauthorized"
    assert server.token_requests == 2
    assert server.api_requests == 2


async def test_a_persistent_401_raises_after_one_refetch_async() -> None:
    server = MockServer(reject_all=True)
    async with server.async_client() as client:
        with pytest.raises(ApiException) as caught:
            await AsyncGenerateApi(client).generate("QR", "x")
    assert caught.value.status == 401
    assert (server.token_requests, server.api_requests) == (2, 2)


def test_many_concurrent_401s_share_one_refetch() -> None:
    server = MockServer()
    with server.client() as client:
        api = ScanApi(client)
        api.scan("http://x/a.png")  # token 1 cached
        server.reject_before = 2  # the server now rejects token 1 (say, its key was revoked)
        results = run_threads(16, lambda i: api.scan("http://x/a.png"))
    assert all(not isinstance(r, Exception) for r in results), results
    assert server.token_requests == 2


def test_a_rejected_token_is_replaced_once_whoever_asks() -> None:
    cache = TokenCache()
    made: list[Token] = []

    def fetch() -> Token:
        made.append(Token.from_lifetime(f"t{len(made)}", 3600, time.monotonic()))
        return made[-1]

    first = cache.get_sync(fetch)
    second = cache.get_sync(fetch, stale=first.value)
    assert second.value != first.value
    # A caller whose request with the first token came back 401 later: gets the second, no new fetch.
    assert cache.get_sync(fetch, stale=first.value) is second
    assert cache.get_sync(fetch) is second
    assert len(made) == 2 == cache.fetches


def test_token_deadlines_scale_with_the_lifetime() -> None:
    now = time.monotonic()
    short = Token.from_lifetime("SECRET-TOKEN", 4, now)
    assert now + 2.5 <= short.refresh_at <= short.usable_until == now + 3
    long = Token.from_lifetime("b", 3600, now)
    assert long.usable_until == now + 3600 - 300
    assert now + 3600 - 450 <= long.refresh_at <= long.usable_until
    assert "SECRET-TOKEN" not in repr(short)


def test_external_mode_sends_the_token_and_never_fetches() -> None:
    server = MockServer()
    config = Configuration(access_token="external-ok", host=server.host, token_url=server.token_url)
    with ApiClient(config, transport=httpx.MockTransport(server.handle)) as client:
        ScanApi(client).scan("http://x/a.png")
        assert server.seen_tokens == ["external-ok"]
    assert server.token_requests == 0


def test_external_mode_401_raises_at_once() -> None:
    server = MockServer()
    config = Configuration(
        access_token="expired-token", host=server.host, token_url=server.token_url, client_id="x", client_secret="y"
    )
    with ApiClient(config, transport=httpx.MockTransport(server.handle)) as client, pytest.raises(ApiException) as e:
        ScanApi(client).scan("http://x/a.png")
    assert e.value.status == 401
    assert server.token_requests == 0
    assert server.api_requests == 1


def test_token_endpoint_503_twice_then_success() -> None:
    server = MockServer(token_failures=[503, 503])
    with server.client() as client:
        result = ScanApi(client).scan("http://x/a.png")
    assert result.barcodes is not None
    assert server.token_requests == 3


@pytest.mark.parametrize(
    ("failures", "status", "token_requests", "api_requests"),
    [({"token_failures": [500] * 10}, 500, 3, 0), ({"api_failures": [503] * 10}, 503, 1, 3)],
    ids=["token-endpoint", "api"],
)
def test_gives_up_after_the_retries(
    failures: dict[str, list[int]], status: int, token_requests: int, api_requests: int
) -> None:
    server = MockServer(**failures)  # type: ignore[arg-type]
    with server.client(max_retries=2) as client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan("http://x/a.png")
    assert caught.value.status == status
    assert server.token_requests == token_requests
    assert server.api_requests == api_requests


def test_wrong_secret_fails_fast_with_invalid_client() -> None:
    server = MockServer()
    with server.client(client_secret="wrong") as client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan("http://x/a.png")
    assert caught.value.status == 401
    assert caught.value.error == "invalid_client"
    assert "invalid_client" in str(caught.value)
    assert server.token_requests == 1, "a wrong secret is not retried"
    assert server.api_requests == 0


def test_wrong_secret_never_borrows_the_right_secrets_token() -> None:
    server = MockServer()
    with server.client() as good:
        ScanApi(good).scan("http://x/a.png")
    with server.client(client_secret="wrong") as bad, pytest.raises(ApiException):
        ScanApi(bad).scan("http://x/a.png")


def test_concurrent_callers_all_see_the_token_error() -> None:
    server = MockServer(token_delay=0.2)
    with server.client(client_secret="wrong") as client:
        results = run_threads(10, lambda i: ScanApi(client).scan("http://x/a.png"))
    assert all(isinstance(r, ApiException) and r.error == "invalid_client" for r in results)
    assert server.token_requests == 1


def test_connection_errors_on_the_token_endpoint_are_retried() -> None:
    server = MockServer()
    failures = [httpx.ConnectError("refused"), httpx.ConnectError("refused")]

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token" and failures:
            raise failures.pop(0)
        return server.handle(request)

    with ApiClient(server.config(), transport=httpx.MockTransport(flaky)) as client:
        ScanApi(client).scan("http://x/a.png")
    assert server.token_requests == 1 and not failures


def test_api_429_honours_retry_after_and_503_is_retried() -> None:
    server = MockServer(api_failures=[429, 503], retry_after="0.2")
    with server.client() as client:
        started = time.monotonic()
        ScanApi(client).scan("http://x/a.png")
        elapsed = time.monotonic() - started
    assert server.api_requests == 3
    assert elapsed >= 0.35  # two Retry-After waits of 0.2 s


def test_a_retry_after_longer_than_the_most_the_client_waits_is_raised_at_once() -> None:
    server = MockServer(api_failures=[429], retry_after="3600")
    with server.client(retry_after_max=0.1) as client:
        started = time.monotonic()
        with pytest.raises(ApiException) as refused:
            ScanApi(client).scan("http://x/a.png")
    assert refused.value.status == 429 and server.api_requests == 1
    assert time.monotonic() - started < 2


def test_api_connection_errors_are_retried_then_reported() -> None:
    server = MockServer()
    attempts = []

    def down(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            return server.handle(request)
        attempts.append(1)
        raise httpx.ConnectError("connection refused")

    client = ApiClient(server.config(max_retries=2), transport=httpx.MockTransport(down))
    with client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan("http://x/a.png")
    assert caught.value.status == 0
    assert "ConnectError" in str(caught.value.reason)
    assert len(attempts) == 3


def test_access_token_property_uses_the_shared_cache() -> None:
    server = MockServer()
    config = server.config()
    with server.client() as client:
        ScanApi(client).scan("http://x/a.png")
    # The property shares the cache with the client: no new fetch.
    assert config.access_token == server.seen_tokens[0]
    assert server.token_requests == 1
    assert cache_for(config.token_endpoint()).fetches == 1


def test_debug_logs_hold_no_secret_and_no_token(caplog: pytest.LogCaptureFixture) -> None:
    server = MockServer(api_failures=[401])
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore
    with server.client() as client:
        client.configuration.debug = True
        GenerateApi(client).generate("QR", "hello")
        ScanApi(client).scan("http://x/a.png")
    with server.client(client_secret="wrong-" + server.secret) as bad, pytest.raises(ApiException) as caught:
        ScanApi(bad).scan("http://x/a.png")
    logging.getLogger("barcode_cloud").setLevel(logging.NOTSET)
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "token fetched" in text and "401" in text, "DEBUG logging was on"
    secrets = [server.secret, *server.issued]
    for secret in secrets:
        assert secret not in text
        assert secret not in repr(server.config())
        assert secret not in str(caught.value) and secret not in repr(caught.value)


async def test_a_cancelled_fetch_lets_a_waiting_caller_fetch() -> None:
    cache = TokenCache()
    started = asyncio.Event()

    async def never() -> Token:
        started.set()
        await asyncio.sleep(30)
        raise AssertionError("not reached")

    async def quick() -> Token:
        return Token.from_lifetime("second", 3600, time.monotonic())

    leader = asyncio.create_task(cache.get_async(never))
    await started.wait()
    waiter = asyncio.create_task(cache.get_async(quick))
    await asyncio.sleep(0.01)
    leader.cancel()
    token = await asyncio.wait_for(waiter, 5)
    assert token.value == "second"
    assert cache.fetches == 2


def test_the_retry_after_a_401_resends_the_whole_multipart_body() -> None:
    server = MockServer(api_failures=[401])
    bodies: list[bytes] = []

    def record(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/connect/token":
            bodies.append(request.read())
        return server.handle(request)

    image = b"\x89PNG" + bytes(range(256)) * 64
    with ApiClient(server.config(), transport=httpx.MockTransport(record)) as client:
        assert RecognizeApi(client).recognize_multipart("QR", image).barcodes
    assert len(bodies) == 2
    assert bodies[0] == bodies[1] and image in bodies[1]


def test_sync_code_on_the_loop_thread_does_not_wait_for_that_loops_fetch() -> None:
    """A sync call made from async code blocks the event loop; if a task of that loop is fetching the token,
    waiting for it would never end. The sync caller fetches on its own instead."""
    server = MockServer(token_delay=0.3)

    async def scenario() -> None:
        async with server.async_client() as client:
            task = asyncio.create_task(AsyncScanApi(client).scan("http://x/a.png"))
            await asyncio.sleep(0.05)  # the task now leads the fetch, awaiting the token endpoint
            with server.client() as sync_client:
                ScanApi(sync_client).scan("http://x/a.png")  # blocks this loop's thread
            await task

    thread = threading.Thread(target=asyncio.run, args=(scenario(),), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "deadlock: the sync call waits for a fetch its own thread must run"
    assert server.api_requests == 2
    assert server.token_requests == 2


def test_an_error_that_is_not_the_endpoints_answer_lets_a_waiter_fetch() -> None:
    cache = TokenCache()
    started, release = threading.Event(), threading.Event()

    def broken() -> Token:
        started.set()
        release.wait(5)
        raise RuntimeError("the leader's client was closed")

    leader_errors: list[Exception] = []

    def lead() -> None:
        try:
            cache.get_sync(broken)
        except RuntimeError as exc:
            leader_errors.append(exc)

    leader = threading.Thread(target=lead)
    leader.start()
    started.wait(5)
    waiter_result: list[Token] = []
    waiter = threading.Thread(
        target=lambda: waiter_result.append(cache.get_sync(lambda: Token.from_lifetime("ok", 60, time.monotonic())))
    )
    waiter.start()
    time.sleep(0.05)
    release.set()
    leader.join(5)
    waiter.join(5)
    assert [t.value for t in waiter_result] == ["ok"]
    assert len(leader_errors) == 1
    assert cache.fetches == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_keeps_the_token_but_not_the_parents_fetch_in_flight() -> None:
    cache = TokenCache()
    first = cache.get_sync(lambda: Token.from_lifetime("first", 3600, time.monotonic()))
    started, release = threading.Event(), threading.Event()

    def slow() -> Token:
        started.set()
        release.wait(5)
        return Token.from_lifetime("parent", 3600, time.monotonic())

    refresher = threading.Thread(target=cache.get_sync, args=(slow, first.value))  # a 401: a new token, slowly
    refresher.start()
    started.wait(5)
    pid = os.fork()
    if pid == 0:  # the child: only this thread; the parent's fetch will never finish here
        signal.alarm(5)
        try:
            token = cache.get_sync(lambda: Token.from_lifetime("child", 3600, time.monotonic()))
            os._exit(0 if token.value == "child" else 1)
        except BaseException:
            os._exit(2)
    release.set()
    refresher.join(5)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child waited for the parent's fetch"
    assert cache.get_sync(slow).value == "parent"


def test_a_fetch_whose_event_loop_stopped_is_taken_over_after_the_patience() -> None:
    cache = TokenCache()
    loop = asyncio.new_event_loop()

    async def never_resumed() -> Token:
        await asyncio.sleep(3600)
        raise AssertionError("not reached")

    async def start_a_fetch() -> asyncio.Task[Token]:
        task = asyncio.create_task(cache.get_async(never_resumed))
        await asyncio.sleep(0.01)  # the task leads the fetch; then the loop stops with it suspended
        return task

    task = loop.run_until_complete(start_a_fetch())
    try:
        other_thread: list[Token] = []
        waiter = threading.Thread(
            target=lambda: other_thread.append(
                cache.get_sync(lambda: Token.from_lifetime("fresh", 60, time.monotonic()), patience=0.2)
            )
        )
        started = time.monotonic()
        waiter.start()
        waiter.join(5)
        assert [t.value for t in other_thread] == ["fresh"]
        assert 0.2 <= time.monotonic() - started < 2
        assert cache.fetches == 2
    finally:
        task.cancel()
        loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
        loop.close()
    assert cache.get_sync(lambda: Token.from_lifetime("unused", 60, time.monotonic())).value == "fresh"


async def test_an_async_waiter_takes_over_a_stuck_fetch_after_the_patience() -> None:
    cache = TokenCache()
    started, release = threading.Event(), threading.Event()

    def stuck() -> Token:
        started.set()
        release.wait(5)
        return Token.from_lifetime("late", 60, time.monotonic())

    async def quick() -> Token:
        return Token.from_lifetime("fresh", 60, time.monotonic())

    leader = threading.Thread(target=cache.get_sync, args=(stuck,))
    leader.start()
    await asyncio.to_thread(started.wait, 5)
    token = await cache.get_async(quick, patience=0.2)
    release.set()
    leader.join(5)
    assert token.value == "fresh"
    assert cache.fetches == 2
    assert (await cache.get_async(quick)).value == "fresh", "the late token of the stuck fetch did not win"


def test_asposes_logger_file_receives_the_debug_records_and_no_secret(tmp_path: Path) -> None:
    server = MockServer()
    config = server.config()
    config.logger_format = "%(levelname)s %(name)s %(message)s"
    config.logger_file = str(tmp_path / "sdk.log")
    config.debug = True
    try:
        with ApiClient(config, transport=httpx.MockTransport(server.handle)) as client:
            ScanApi(client).scan("http://x/a.png")
    finally:
        config.debug = False
        config.logger_file = None
    text = (tmp_path / "sdk.log").read_text()
    assert "DEBUG barcode_cloud.tokens token fetched" in text
    assert "GET /barcode/scan -> 200" in text
    assert server.secret not in text
    assert all(token not in text for token in server.issued)
