"""StdlibTransport over TLS: the certificate is verified (system store or ``ssl_ca_cert``), or not on request."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from barcode_cloud import ApiClient, ApiException, Configuration, ScanApi
from tests.support.mock_server import RESULT


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        import json

        body = json.dumps(RESULT).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)  # quick shutdown
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/v4.0", cert
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("case", ["api", "api-on-httpx-transport", "token-endpoint"])
def test_an_unknown_certificate_is_refused(tls_server: tuple[str, Path], case: str) -> None:
    host, _ = tls_server
    credentials = {"client_id": "id", "client_secret": "s"} if case == "token-endpoint" else {"access_token": "t"}
    # A retry would first wait at least 4 s (half of the 8 s backoff, the jitter's least): far more than a refused
    # handshake takes, however loaded the machine.
    config = Configuration(host=host, backoff_factor=8.0, backoff_max=8.0, **credentials)
    started = time.monotonic()
    client = ApiClient(config, transport=httpx.HTTPTransport() if case == "api-on-httpx-transport" else None)
    with client, pytest.raises(ApiException) as caught:
        ScanApi(client).scan("http://x")
    assert time.monotonic() - started < 4.0, "a certificate error is not retried"
    assert caught.value.status == 0
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value.reason)


def test_a_given_ca_certificate_is_trusted(tls_server: tuple[str, Path]) -> None:
    host, cert = tls_server
    with ApiClient(Configuration(access_token="t", host=host, ssl_ca_cert=str(cert))) as client:
        for _ in range(3):
            assert ScanApi(client).scan("http://x").barcodes


def test_verification_can_be_turned_off(tls_server: tuple[str, Path]) -> None:
    host, _ = tls_server
    with ApiClient(Configuration(access_token="t", host=host, verify_ssl=False)) as client:
        assert ScanApi(client).scan("http://x").barcodes
