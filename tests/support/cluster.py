"""Several server hosts on one machine: each ``barcode-cloud serve`` in its own network namespace, joined by veth
pairs to a bridge, behind nginx (deploy/nginx.conf, in a namespace of its own) and sharing a throwaway PostgreSQL
and Redis that listen on the bridge's address. The servers and the migrate job run the commands of
deploy/compose.yaml. Every address is one made here; everything is removed on exit, whatever happened.

Needs root, iproute2, nginx, PostgreSQL's server binaries and redis-server (``missing()`` says which is absent).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from barcode_cloud_server.identity.clients import ClientStore
from barcode_cloud_server.settings import field_info, normalize_database_url
from barcode_cloud_server.storage.db import Database
from tests.support.servers import START_SECONDS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVER_PORT = 8080
PROXY_PORT = 80
KEY_ENCRYPTION_KEY = "cluster-test-key-encryption-key-0123456789"  # a throwaway cluster's


def missing() -> str | None:
    """Why the cluster cannot run here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "nginx", "redis-server", "unshare", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if _pg_bin() is None:
        return "PostgreSQL's server binaries are not installed"
    return None


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return found[-1].parent if found else None


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=30)


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return compose


def compose_service(name: str) -> dict[str, Any]:
    return dict(_compose()["services"][name])


def _python_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "barcode_cloud_server.cli", *args]


@dataclass
class Host:
    name: str
    namespace: str
    address: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.address}:{SERVER_PORT}"

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Cluster:
    prefix: str
    folder: Path
    subnet: str  # "10.213.N": the bridge is .1, the proxy .2, hosts .11 onwards
    usage_flush_seconds: float = field_info("usage_flush_seconds").default
    hosts: list[Host] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    pg_process: subprocess.Popen[bytes] | None = None
    redis_process: subprocess.Popen[bytes] | None = None
    proxy_process: subprocess.Popen[bytes] | None = None
    _database: Database | None = None
    _store: ClientStore | None = None

    @property
    def bridge_address(self) -> str:
        return f"{self.subnet}.1"

    @property
    def proxy_url(self) -> str:
        return f"http://{self.subnet}.2:{PROXY_PORT}"

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@{self.bridge_address}:5432/barcode"

    def cli(self, *args: str, host: Host | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``barcode-cloud ARGS`` on a host (the first by default): administration through one of them."""
        where = host or self.hosts[0]
        return subprocess.run(
            ["ip", "netns", "exec", where.namespace, *_python_cli(*args)],
            capture_output=True,
            text=True,
            check=check,
            timeout=START_SECONDS,
            env={**os.environ, **self.env},
        )

    def clients(self) -> ClientStore:
        """The cluster's clients, straight in its database: for a test's setup, in milliseconds where the
        administration command (``cli``) starts a Python process."""
        if self._store is None:
            self._database = Database(normalize_database_url(self.database_url))
            self._store = ClientStore(self._database)
        return self._store

    def close_database(self) -> None:
        if self._database is not None:
            self._database.dispose()

    def create_client(self, name: str) -> dict[str, str]:
        """A new client's id and secret (as ``clients create --json`` prints them)."""
        created = self.clients().create(name)
        return {"client_id": created.client_id, "client_secret": created.client_secret}

    # Servers

    def start_host(self, host: Host) -> None:
        service = compose_service(host.name)
        with host.log_path.open("ab") as log:
            host.process = subprocess.Popen(
                ["ip", "netns", "exec", host.namespace, *_python_cli(*service["command"])],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={
                    **os.environ,
                    **self.env,
                    "BARCODE_CLOUD_DATA_DIR": str(self.folder / host.name),
                    "FORWARDED_ALLOW_IPS": f"{self.subnet}.2",
                },
            )

    def wait_ready(self, host: Host, timeout: float = START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert host.process is not None
            if host.process.poll() is not None:
                raise RuntimeError(f"{host.name} exited with {host.process.returncode}:\n{host.logs()}")
            with suppress(httpx.HTTPError):
                if httpx.get(host.url + "/readyz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{host.name} did not become ready:\n{host.logs()}")

    def stop_host(self, host: Host, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Stop a host's server; its exit status."""
        assert host.process is not None
        if host.process.poll() is None:
            host.process.send_signal(sig)
        try:
            return host.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            host.process.kill()
            return host.process.wait()

    def set_link(self, host: Host, up: bool) -> None:
        """Cut or restore a host's network (its veth on the bridge side)."""
        _run("ip", "link", "set", f"{self.prefix}v{host.name[-1]}", "up" if up else "down")

    # Shared services

    def start_postgres(self) -> None:
        pg_bin = _pg_bin()
        assert pg_bin is not None
        data = self.folder / "pg"
        with (self.folder / "postgres.log").open("ab") as log:
            # As postgres itself (not under runuser, which would not pass the stop signal on).
            self.pg_process = subprocess.Popen(
                [
                    str(pg_bin / "postgres"),
                    "-D",
                    str(data),
                    "-c",
                    f"listen_addresses={self.bridge_address}",
                    "-c",
                    f"unix_socket_directories={self.folder}",
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=300",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                user="postgres",
                group="postgres",
            )
        self._wait_port(self.bridge_address, 5432, "PostgreSQL")

    def stop_postgres(self) -> None:
        if self.pg_process is not None and self.pg_process.poll() is None:
            self.pg_process.send_signal(signal.SIGINT)  # fast shutdown: open connections are cut
            self.pg_process.wait(timeout=30)

    def start_redis(self) -> None:
        # Protected mode refuses every address but loopback; this one listens on the bridge alone.
        with (self.folder / "redis.log").open("ab") as log:
            self.redis_process = subprocess.Popen(
                [
                    "redis-server",
                    "--bind",
                    self.bridge_address,
                    "--port",
                    "6379",
                    "--protected-mode",
                    "no",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_port(self.bridge_address, 6379, "Redis")

    def stop_redis(self) -> None:
        if self.redis_process is not None and self.redis_process.poll() is None:
            self.redis_process.terminate()
            self.redis_process.wait(timeout=30)

    def _wait_port(self, address: str, port: int, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(OSError), socket.create_connection((address, port), timeout=1):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{what} did not start on {address}:{port}")

    # The proxy

    def start_proxy(self) -> None:
        # nginx resolves server-1.. once at start, from /etc/hosts: a private mount namespace sees one made here.
        hosts_file = self.folder / "hosts"
        # With fewer hosts than compose.yaml's three, the names left over point at the hosts there are.
        names = [service for service in _compose()["services"] if service.startswith("server-")]
        hosts_file.write_text("".join(f"{self.hosts[i % len(self.hosts)].address} {n}\n" for i, n in enumerate(names)))
        directives = f"daemon off; pid {self.folder}/nginx.pid; error_log {self.folder}/nginx.log warn;"
        nginx = f"nginx -c {DEPLOY / 'nginx.conf'} -p {self.folder}/ -g '{directives}'"
        with (self.folder / "nginx.log").open("ab") as log:
            self.proxy_process = subprocess.Popen(
                [
                    "unshare",
                    "--mount",
                    "--propagation",
                    "private",
                    "sh",
                    "-c",
                    f"mount --bind {hosts_file} /etc/hosts && exec ip netns exec {self.prefix}px {nginx}",
                ],
                stderr=log,
            )
        self._wait_port(f"{self.subnet}.2", PROXY_PORT, "nginx")


def _free_subnet() -> str:
    used = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True, check=True).stdout
    for _ in range(50):
        subnet = f"10.213.{secrets.randbelow(250) + 1}"
        if f" {subnet}." not in used:
            return subnet
    raise RuntimeError("no free 10.213.N.0/24 subnet")


def _add_namespace(cluster: Cluster, name: str, address: str, veth: str) -> None:
    namespace = f"{cluster.prefix}{name}"
    _run("ip", "netns", "add", namespace)
    _run("ip", "link", "add", veth, "type", "veth", "peer", "name", f"{veth}p")
    _run("ip", "link", "set", f"{veth}p", "netns", namespace)
    _run("ip", "link", "set", veth, "master", f"{cluster.prefix}br")
    _run("ip", "link", "set", veth, "up")
    _run("ip", "-n", namespace, "link", "set", f"{veth}p", "name", "eth0")
    _run("ip", "-n", namespace, "addr", "add", f"{address}/24", "dev", "eth0")
    _run("ip", "-n", namespace, "link", "set", "eth0", "up")
    _run("ip", "-n", namespace, "link", "set", "lo", "up")


def _init_postgres(cluster: Cluster) -> None:
    pg_bin = _pg_bin()
    assert pg_bin is not None
    data = cluster.folder / "pg"
    _run("runuser", "-u", "postgres", "--", str(pg_bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    # Trust from the bridge's subnet only: a throwaway cluster that no other address can reach.
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {cluster.subnet}.0/24 trust\n")


def _kill(process: subprocess.Popen[Any] | None, sig: int = signal.SIGKILL) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def running_cluster(
    hosts: int = 3, *, token_lifetime: int = 3600, usage_flush_seconds: float | None = None
) -> Iterator[Cluster]:
    """A cluster of ``hosts`` servers (at most 3, as in compose.yaml), ready behind nginx; each adds its usage
    counts to the database every ``usage_flush_seconds`` (the servers' default when None)."""
    reason = missing()
    pg_bin = _pg_bin()
    if reason or pg_bin is None:
        raise RuntimeError(reason)
    prefix = "bcs" + secrets.token_hex(3)
    folder = Path(tempfile.mkdtemp(prefix=prefix + "-"))
    folder.chmod(0o755)
    shutil.chown(folder, "postgres")  # PostgreSQL runs as postgres and keeps its data and socket here
    cluster = Cluster(prefix, folder, _free_subnet())
    if usage_flush_seconds is not None:
        cluster.usage_flush_seconds = usage_flush_seconds
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, folder, True)
        cleanup.callback(cluster.close_database)  # after the servers and PostgreSQL are stopped: nothing waits
        _run("ip", "link", "add", f"{prefix}br", "type", "bridge")
        cleanup.callback(subprocess.run, ["ip", "link", "del", f"{prefix}br"], capture_output=True)
        _run("ip", "addr", "add", f"{cluster.bridge_address}/24", "dev", f"{prefix}br")
        _run("ip", "link", "set", f"{prefix}br", "up")
        names = ["px"] + [f"h{i + 1}" for i in range(hosts)]
        for name in names:
            # Namespaces go last (after the processes in them); deleting one deletes its end of the veth too.
            cleanup.callback(subprocess.run, ["ip", "netns", "del", f"{prefix}{name}"], capture_output=True)
        _add_namespace(cluster, "px", f"{cluster.subnet}.2", f"{prefix}vx")
        for i in range(hosts):
            address = f"{cluster.subnet}.{11 + i}"
            _add_namespace(cluster, f"h{i + 1}", address, f"{prefix}v{i + 1}")
            cluster.hosts.append(Host(f"server-{i + 1}", f"{prefix}h{i + 1}", address, folder / f"server-{i + 1}.log"))

        _init_postgres(cluster)
        cleanup.callback(lambda: _kill(cluster.pg_process))
        cluster.start_postgres()
        _run("runuser", "-u", "postgres", "--", str(pg_bin / "createdb"), "-h", str(folder), "barcode")
        cleanup.callback(lambda: _kill(cluster.redis_process))
        cluster.start_redis()

        cluster.env = {
            "BARCODE_CLOUD_DATABASE_URL": cluster.database_url,
            "BARCODE_CLOUD_REDIS_URL": f"redis://{cluster.bridge_address}:6379/0",
            "BARCODE_CLOUD_KEY_ENCRYPTION_KEY": KEY_ENCRYPTION_KEY,
            "BARCODE_CLOUD_ISSUER": cluster.proxy_url,
            "BARCODE_CLOUD_TOKEN_LIFETIME": str(token_lifetime),
            "BARCODE_CLOUD_DATA_DIR": str(folder / "data"),
            "BARCODE_CLOUD_USAGE_FLUSH_SECONDS": str(cluster.usage_flush_seconds),
        }
        cluster.cli(*compose_service("migrate")["command"])
        for host in cluster.hosts:
            cleanup.callback(lambda h=host: _kill(h.process))  # type: ignore[misc]
            cluster.start_host(host)
        for host in cluster.hosts:
            cluster.wait_ready(host)
        # SIGTERM: nginx's master stops its workers (a SIGKILL would leave them running).
        cleanup.callback(lambda: _kill(cluster.proxy_process, signal.SIGTERM))
        cluster.start_proxy()
        yield cluster
