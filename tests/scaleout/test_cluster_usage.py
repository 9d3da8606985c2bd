"""Usage counts and quotas on the three-host cluster: every answer a client got through nginx is counted once in
the database (and by ``barcode-cloud usage --json``), a host stopped with SIGTERM mid-run included; a quota
holds exactly across the hosts (the counters shared in Redis), and through a Redis restart."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from barcode_cloud_server.identity.usage_report import by_operation, since_days
from barcode_cloud_server.settings import normalize_database_url
from barcode_cloud_server.storage.db import Database
from tests.support.cluster import Cluster
from tests.support.utc_day import clear_of_the_day_end

THREADS = 4
QR_BODY = {"barcodeType": "QR", "encodeData": {"data": "usage"}}


def _status_class(status: int) -> str:
    return "429" if status == 429 else f"{status // 100}xx"


def _stored(cluster: Cluster, client_id: str) -> dict[str, dict[str, Any]]:
    db = Database(normalize_database_url(cluster.database_url))
    try:
        # Yesterday and today (UTC): a run that crosses midnight is still all there.
        return {op: c.as_dict() for op, c in by_operation(db, since_days(2), [client_id]).get(client_id, {}).items()}
    finally:
        db.dispose()


def _expected(tally: Counter[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for (operation, status_class), n in sorted(tally.items()):
        entry = out.setdefault(operation, {"requests": 0, "by_status": {}})
        entry["requests"] += n
        entry["by_status"][status_class] = n
    return out


def _until_stored(cluster: Cluster, client_id: str, expected: dict[str, dict[str, Any]]) -> None:
    # A host adds its counts to the database at every flush and reads quotas right after; a change is in
    # everywhere once every host has flushed since.
    deadline = time.monotonic() + cluster.usage_flush_seconds + 2
    while _stored(cluster, client_id) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _stored(cluster, client_id) == expected


class Traffic:
    """Threads calling through nginx as one application until stopped (at most 60 s or 2,000 rounds each),
    tallying every answer by operation and status class."""

    def __init__(self, cluster: Cluster, creds: dict[str, str], png: bytes) -> None:
        self.url = cluster.proxy_url
        self.creds = creds
        self.png = png
        self.tally: Counter[tuple[str, str]] = Counter()
        self.proxy_answers: list[str] = []  # nginx's own (502/504: answers no host gave) and transport errors
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def _note(self, operation: str, response: httpx.Response) -> httpx.Response:
        with self._lock:
            if "x-request-id" not in response.headers:
                self.proxy_answers.append(f"{operation} {response.status_code}")
            else:
                self.tally[(operation, _status_class(response.status_code))] += 1
        return response

    def _round(self, http: httpx.Client) -> None:
        form = {"grant_type": "client_credentials", **self.creds}
        granted = self._note("token", http.post("/connect/token", data=form))
        if granted.status_code != 200:
            return
        token = granted.json()["access_token"]
        self._note("token", http.post("/connect/token", data={**form, "client_secret": "wrong"}))
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(3):
            self._note("generate", http.get("/v4.0/barcode/generate/QR", params={"data": "u"}, headers=auth))
        self._note("generate", http.get("/v4.0/barcode/generate/NoSuchType", params={"data": "u"}, headers=auth))
        self._note("generate-body", http.post("/v4.0/barcode/generate-body", json=QR_BODY, headers=auth))
        files = {"file": ("qr.png", self.png, "image/png")}
        recognized = http.post(
            "/v4.0/barcode/recognize-multipart", data={"barcodeType": "QR"}, files=files, headers=auth
        )
        self._note("recognize-multipart", recognized)

    def _run(self) -> None:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=self.url, timeout=30) as http:
            for _ in range(2000):
                if self._stop.is_set() or time.monotonic() > deadline:
                    return
                try:
                    self._round(http)
                except httpx.HTTPError as exc:  # nginx always answers: none expected
                    self.proxy_answers.append(repr(exc))

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [threading.Thread(target=self._run) for _ in range(THREADS)]
        for t in threads:
            t.start()
        try:
            yield
        finally:
            self._stop.set()
            for t in threads:
                t.join(timeout=70)


def _png(cluster: Cluster, creds: dict[str, str]) -> bytes:
    form = {"grant_type": "client_credentials", **creds}
    token = httpx.post(cluster.proxy_url + "/connect/token", data=form).json()["access_token"]
    return httpx.get(
        cluster.proxy_url + "/v4.0/barcode/generate/QR",
        params={"data": "usage"},
        headers={"Authorization": f"Bearer {token}"},
    ).content


def test_every_answer_through_three_hosts_is_counted_once_a_sigterm_mid_run_included(cluster: Cluster) -> None:
    setup = cluster.create_client("usage-setup")
    creds = cluster.create_client("usage-counted")
    traffic = Traffic(cluster, creds, _png(cluster, setup))
    host = cluster.hosts[0]
    with traffic.running():
        time.sleep(1.0)
        # Its counts since its last flush are only in its memory: the graceful stop writes them.
        assert cluster.stop_host(host, signal.SIGTERM) in (0, -signal.SIGTERM)
        time.sleep(0.5)  # the other two carry on
    cluster.start_host(host)  # back for the next tests, while the counts are checked
    try:
        _check_counted(cluster, creds, traffic)
    finally:
        cluster.wait_ready(host)


def _check_counted(cluster: Cluster, creds: dict[str, str], traffic: Traffic) -> None:
    assert traffic.proxy_answers == []
    tally = traffic.tally
    # Every kind of answer, the wrong secret's 401s and then its 429s (locked out) included.
    kinds = {"token": {"2xx", "4xx", "429"}, "generate": {"2xx", "4xx"}, "generate-body": {"2xx"}}
    assert {op: {c for o, c in tally if o == op} for op in kinds} == kinds, tally
    assert tally[("generate", "2xx")] > 30 and tally[("recognize-multipart", "2xx")] > 5, tally
    expected = _expected(tally)
    _until_stored(cluster, creds["client_id"], expected)
    report = json.loads(cluster.cli("usage", creds["client_id"], "--json", host=cluster.hosts[2]).stdout)
    (app,) = report["applications"]
    assert app["operations"] == expected and app["requests"] == sum(tally.values())


def _generate_all(cluster: Cluster, token: str, calls: int, url: str | None = None) -> Counter[int]:
    """``calls`` generations at once (THREADS at a time) through nginx, or at ``url``; the statuses."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    left = [calls]

    def run() -> None:
        with httpx.Client(base_url=url or cluster.proxy_url, timeout=30) as http:
            while True:
                with lock:
                    if left[0] == 0:
                        return
                    left[0] -= 1
                response = http.get(
                    "/v4.0/barcode/generate/QR", params={"data": "q"}, headers={"Authorization": f"Bearer {token}"}
                )
                if response.status_code == 429:
                    assert int(response.headers["retry-after"]) > 0
                    assert "daily request quota" in response.json()["error"]["message"]
                with lock:
                    statuses[response.status_code] += 1

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


def test_a_daily_quota_holds_exactly_across_three_hosts_and_through_a_redis_restart(cluster: Cluster) -> None:
    clear_of_the_day_end()
    creds = cluster.create_client("usage-limited")
    cluster.clients().set_quota(creds["client_id"], 40, None)
    form = {"grant_type": "client_credentials", **creds}
    token = httpx.post(cluster.proxy_url + "/connect/token", data=form).json()["access_token"]
    grants = {"token": {"requests": 1, "by_status": {"2xx": 1}}}
    # 15 through nginx, then 12 while Redis is down (each host counts alone: 4 each, far from the quota).
    assert _generate_all(cluster, token, 15) == {200: 15}
    cluster.stop_redis()
    try:
        for host in cluster.hosts:
            assert _generate_all(cluster, token, 4, url=host.url) == {200: 4}
    finally:
        cluster.start_redis()
    # Redis came back empty: its counters start again from the stored counts once every host has flushed them and
    # read them back (at its next flush). Then the three hosts together let through exactly what is left.
    _until_stored(cluster, creds["client_id"], {"generate": {"requests": 27, "by_status": {"2xx": 27}}, **grants})
    time.sleep(cluster.usage_flush_seconds + 0.5)
    assert _generate_all(cluster, token, 30) == {200: 40 - 27, 429: 30 - 13}
