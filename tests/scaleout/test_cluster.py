"""Three hosts, each in its own network namespace, behind nginx on one PostgreSQL and one Redis: a token from one
works on all; a change made through one host reaches every host within 5 s; failure counts add up."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import httpx

from tests.support.cluster import Cluster, Host

PROPAGATION_SECONDS = 5.0
GENERATE = "/v4.0/barcode/generate/QR?data=cluster"


def _grant(url: str, client_id: str, secret: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(url + "/connect/token", data=form, timeout=10)


def _token(url: str, creds: dict[str, str]) -> str:
    response = _grant(url, creds["client_id"], creds["client_secret"])
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _generate(url: str, token: str) -> int:
    return httpx.get(url + GENERATE, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code


def _until_every_host(cluster: Cluster, holds: Callable[[Host], bool]) -> float:
    """Seconds until ``holds`` is true of every host (each checked until it is), at most PROPAGATION_SECONDS + 1."""
    start = time.monotonic()
    pending = list(cluster.hosts)
    while pending and time.monotonic() - start < PROPAGATION_SECONDS + 1:
        pending = [host for host in pending if not holds(host)]
        time.sleep(0.05)
    assert not pending, f"not on {[h.name for h in pending]} after {PROPAGATION_SECONDS + 1} s"
    return time.monotonic() - start


def test_a_token_from_one_host_works_on_every_host_and_through_the_proxy(cluster: Cluster) -> None:
    creds = cluster.create_client("everywhere")
    token = _token(cluster.hosts[1].url, creds)
    assert [_generate(h.url, token) for h in cluster.hosts] == [200, 200, 200]
    assert _generate(cluster.proxy_url, token) == 200
    # One issuer (the proxy's origin) and one key set everywhere.
    discovery = [httpx.get(h.url + "/.well-known/openid-configuration").json() for h in cluster.hosts]
    assert {d["issuer"] for d in discovery} == {cluster.proxy_url}
    jwks = [httpx.get(h.url + "/.well-known/jwks.json").json() for h in cluster.hosts]
    assert jwks[0] == jwks[1] == jwks[2]


def test_the_proxy_spreads_requests_over_the_hosts(cluster: Cluster) -> None:
    token = _token(cluster.proxy_url, cluster.create_client("spread"))
    ids = {
        httpx.get(cluster.proxy_url + GENERATE, headers={"Authorization": f"Bearer {token}"}).headers["x-request-id"]
        for _ in range(12)
    }
    assert len(ids) == 12
    served = [h.name for h in cluster.hosts if any(i in h.logs() for i in ids)]
    assert served == [h.name for h in cluster.hosts]


def test_a_client_disabled_through_one_host_is_refused_by_all_within_5_s(cluster: Cluster) -> None:
    creds = cluster.create_client("to-disable")
    token = _token(cluster.hosts[0].url, creds)
    assert [_generate(h.url, token) for h in cluster.hosts] == [200, 200, 200]
    cluster.cli("clients", "disable", creds["client_id"], host=cluster.hosts[2])
    took = _until_every_host(cluster, lambda h: _generate(h.url, token) == 401)
    assert took < PROPAGATION_SECONDS
    assert [_grant(h.url, creds["client_id"], creds["client_secret"]).status_code for h in cluster.hosts] == [401] * 3


def test_a_secret_rotated_through_one_host_is_honoured_by_all_within_5_s(cluster: Cluster) -> None:
    creds = cluster.create_client("to-rotate")
    old_token = _token(cluster.hosts[0].url, creds)
    rotated = json.loads(
        cluster.cli(
            "clients", "rotate-secret", creds["client_id"], "--overlap", "0", "--json", host=cluster.hosts[1]
        ).stdout
    )
    # The secret is checked against the database: the old one fails and the new one works at once, everywhere.
    assert [_grant(h.url, creds["client_id"], creds["client_secret"]).status_code for h in cluster.hosts] == [401] * 3
    new_tokens = [_token(h.url, rotated) for h in cluster.hosts]
    took = _until_every_host(cluster, lambda h: _generate(h.url, old_token) == 401)
    assert took < PROPAGATION_SECONDS
    assert [_generate(h.url, t) for h, t in zip(cluster.hosts, reversed(new_tokens), strict=True)] == [200] * 3


def _kid(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def test_a_key_revoked_through_one_host_is_honoured_by_all_within_5_s(cluster: Cluster) -> None:
    creds = cluster.create_client("key-revocation")
    old_token = _token(cluster.hosts[0].url, creds)
    kid = _kid(old_token)
    cluster.cli("keys", "revoke", kid, host=cluster.hosts[1])
    took = _until_every_host(cluster, lambda h: _generate(h.url, old_token) == 401)
    assert took < PROPAGATION_SECONDS
    _until_every_host(
        cluster, lambda h: kid not in {k["kid"] for k in httpx.get(h.url + "/.well-known/jwks.json").json()["keys"]}
    )
    # The new key signs on every host, and each host's tokens work on the others.
    tokens = [_token(h.url, creds) for h in cluster.hosts]
    assert {_kid(t) for t in tokens} != {kid}
    _until_every_host(cluster, lambda h: all(_generate(h.url, t) == 200 for t in tokens))


def test_failure_counts_add_up_across_hosts(cluster: Cluster) -> None:
    # Ten failures with one wrong secret, wherever they land, lock that secret out on every host (Redis): the
    # hosts do not get ten each.
    creds = cluster.create_client("failures")
    statuses = [_grant(cluster.hosts[i % 3].url, creds["client_id"], "wrong").status_code for i in range(10)]
    assert statuses == [401] * 10
    locked = [_grant(h.url, creds["client_id"], "wrong") for h in cluster.hosts]
    assert [r.status_code for r in locked] == [429] * 3
    assert all(int(r.headers["retry-after"]) > 0 for r in locked)
    # The right secret is not locked out by someone else's failures.
    assert _grant(cluster.hosts[2].url, creds["client_id"], creds["client_secret"]).status_code == 200
