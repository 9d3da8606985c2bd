"""Faults on the three-host cluster, each short: PostgreSQL or Redis restarted, a host killed, a host's network cut.
Calls through nginx with the SDK keep working or get 503 + Retry-After, never a 500, and nothing needs a restart.
The long form, under load, is bench/bench_cluster.py."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

import barcode_cloud
from barcode_cloud_server.identity import ratelimit
from tests.support.cluster import Cluster

QR = "/v4.0/barcode/generate/QR?data=faults"


def _grant(url: str, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(url + "/connect/token", data=form, timeout=10)


def _sdk(cluster: Cluster, creds: dict[str, str]) -> barcode_cloud.GenerateApi:
    config = barcode_cloud.Configuration(
        client_id=creds["client_id"], client_secret=creds["client_secret"], host=cluster.proxy_url + "/v4.0"
    )
    return barcode_cloud.GenerateApi(barcode_cloud.ApiClient(config))


@contextmanager
def _traffic(cluster: Cluster, creds: dict[str, str], threads: int = 4) -> Iterator[list[str]]:
    """SDK clients generating through nginx until the block ends; yields the failures seen (none expected)."""
    failures: list[str] = []
    stop = threading.Event()
    calls = [0]

    def run() -> None:
        api = _sdk(cluster, creds)
        deadline = time.monotonic() + 60  # bounded even if the block never ends
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                api.generate(barcode_cloud.EncodeBarcodeType.QR, "faults")
                calls[0] += 1
            except Exception as exc:
                failures.append(repr(exc))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    try:
        yield failures
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=70)
    assert calls[0] > 0


def _processes_alive(cluster: Cluster) -> None:
    assert [h.process.poll() if h.process else "none" for h in cluster.hosts] == [None, None, None]


def _until(check: Callable[[], bool], seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s")


def test_postgres_restart_gives_503_with_retry_after_then_recovers(cluster: Cluster) -> None:
    creds = cluster.create_client("faults")
    token = _grant(cluster.proxy_url, creds["client_id"], creds["client_secret"]).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert [httpx.get(h.url + QR, headers=auth).status_code for h in cluster.hosts] == [200] * 3  # all know it now
    cluster.stop_postgres()
    try:
        for host in cluster.hosts:
            ready = httpx.get(host.url + "/readyz", timeout=10)
            assert ready.status_code == 503 and ready.json()["database"] is False
            granted = _grant(host.url, creds["client_id"], creds["client_secret"])
            assert granted.status_code == 503, granted.text
            assert granted.json()["error"] == "temporarily_unavailable"
            assert granted.headers["retry-after"] == "2"
            # A live token of a client the hosts know needs no database (one they do not know yet gets a 503).
            assert httpx.get(host.url + QR, headers=auth, timeout=10).status_code == 200
    finally:
        cluster.start_postgres()
    _until(lambda: all(httpx.get(h.url + "/readyz", timeout=5).status_code == 200 for h in cluster.hosts), 20)
    assert [_grant(h.url, creds["client_id"], creds["client_secret"]).status_code for h in cluster.hosts] == [200] * 3
    _processes_alive(cluster)


def test_redis_restart_keeps_tokens_flowing_and_limits_come_back(cluster: Cluster) -> None:
    creds = cluster.create_client("faults")
    cluster.stop_redis()
    try:
        # Limits count in each process meanwhile (ratelimit.FailureLimiter): grants and refusals as usual.
        for host in cluster.hosts:
            assert _grant(host.url, creds["client_id"], creds["client_secret"]).status_code == 200
            assert _grant(host.url, creds["client_id"], "wrong").status_code == 401
    finally:
        cluster.start_redis()
        back = time.monotonic()
    other = cluster.create_client("faults")
    time.sleep(max(0.0, ratelimit.RETRY_SECONDS - (time.monotonic() - back)))  # each process asks Redis again
    statuses = [_grant(cluster.hosts[i % 3].url, other["client_id"], "wrong").status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]  # shared again: ten in all, not ten per host
    _processes_alive(cluster)


def test_a_host_cut_off_the_network_costs_no_call(cluster: Cluster) -> None:
    creds = cluster.create_client("faults")
    victim = cluster.hosts[2]
    with _traffic(cluster, creds) as failures:
        time.sleep(0.5)
        cluster.set_link(victim, up=False)
        try:
            time.sleep(2.5)
        finally:
            cluster.set_link(victim, up=True)
        time.sleep(0.5)
    assert failures == []
    _until(lambda: httpx.get(victim.url + "/readyz", timeout=2).status_code == 200, 10)
    _processes_alive(cluster)


def test_a_host_restarted_with_sigterm_costs_no_call(cluster: Cluster) -> None:
    # One host here; bench/bench_cluster.py restarts every host in turn under load.
    creds = cluster.create_client("faults")
    host = cluster.hosts[0]
    with _traffic(cluster, creds) as failures:
        # uvicorn drains, then ends itself with the signal it got
        assert cluster.stop_host(host, signal.SIGTERM) in (0, -signal.SIGTERM)
        cluster.start_host(host)
        cluster.wait_ready(host)
    assert failures == []


def test_a_host_killed_under_traffic_costs_no_call(cluster: Cluster) -> None:
    creds = cluster.create_client("faults")
    victim = cluster.hosts[1]
    with _traffic(cluster, creds) as failures:
        time.sleep(0.5)
        cluster.stop_host(victim, signal.SIGKILL)
        time.sleep(1.5)
    assert failures == []
    # Last here: the victim stays down, which the others never noticed.
    assert [h.process.poll() is None for h in cluster.hosts if h.process] == [True, False, True]
