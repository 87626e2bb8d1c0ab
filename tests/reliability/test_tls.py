"""`fairq serve --tls`: a certificate made on first start and kept; clients pin its fingerprint (config or TXT `fp`)."""

from __future__ import annotations

import hashlib
import json
import socket
import ssl
import threading

import httpx
import pytest
from websockets.sync.client import connect
from zeroconf import IPVersion, ServiceBrowser, ServiceListener, Zeroconf

from devtools.procs import Enrolment
from dispatcher.tls import fingerprint
from protocol.discovery import SERVICE_TYPE, TXT_FINGERPRINT, TXT_SCHEME


def pinned_context() -> ssl.SSLContext:
    """No CA and no host name: the fingerprint check after the handshake is the whole trust decision."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def peer_fingerprint(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with pinned_context().wrap_socket(raw) as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


class Found(ServiceListener):
    def __init__(self) -> None:
        self.info = None
        self.event = threading.Event()

    def add_service(self, zc, type_, name) -> None:
        self.info = zc.get_service_info(type_, name, timeout=3000)
        self.event.set()

    def update_service(self, zc, type_, name) -> None:
        pass

    def remove_service(self, zc, type_, name) -> None:
        pass


def test_tls_certificate_is_made_once_and_pinned(tmp_path, spawn):
    data = tmp_path / "d"
    server = spawn(data_dir=data, args=["--tls"], zeroconf=True)
    cert = data / "tls" / "cert.pem"
    pin = fingerprint(cert)
    assert (data / "tls" / "key.pem").stat().st_mode & 0o077 == 0  # the key is private
    assert peer_fingerprint(server.port) == pin

    # plain HTTP is not served on the TLS port
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{server.port}/api/v1/health", timeout=3)
    # a client that trusts exactly this certificate (its pinned copy) verifies it normally
    trusted = ssl.create_default_context(cafile=str(cert))
    assert httpx.get(f"{server.api}/health", verify=trusted, timeout=5).json()["status"] == "ok"
    # any other certificate is refused by that client
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.api}/health", verify=ssl.create_default_context(), timeout=5)

    # the zeroconf TXT record carries the scheme and the pin
    zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    try:
        found = Found()
        ServiceBrowser(zc, SERVICE_TYPE, found)
        assert found.event.wait(15), "no advert seen"
        assert found.info.properties[TXT_SCHEME.encode()] == b"https"
        assert found.info.properties[TXT_FINGERPRINT.encode()].decode() == pin
    finally:
        zc.close()

    # the event stream over wss, with the pin checked
    e = Enrolment(server.settings())
    screen = e.device("display", "screen")
    e.close()
    with connect(
        f"wss://127.0.0.1:{server.port}/api/v1/stream",
        additional_headers={"Authorization": f"Bearer {screen}"},
        ssl=pinned_context(),
    ) as ws:
        tls = ws.socket
        assert hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest() == pin
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"

    # a restart keeps the certificate, so pinned clients keep working
    server.stop()
    again = spawn(data_dir=data, args=["--tls"], port=server.port)
    assert peer_fingerprint(again.port) == pin
