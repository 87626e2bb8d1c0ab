"""A rogue on the LAN advertises the hall: pinned kiosks and counters send it nothing and reach the real one.

Everything is on loopback: zeroconf on 127.0.0.1 only, the real dispatcher (`fairq serve --tls`'s
certificate, pinned), and two rogues carrying the hall's id: one advertising plain `http`, one `https`
with its own certificate and its own `fp`. Each rogue records every connection, request and header.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from devtools.live import LiveDispatcher, free_port
from dispatcher.tls import ensure_certificate, fingerprint
from kiosk.app import DEFAULTS as KIOSK_DEFAULTS
from kiosk.app import build as build_kiosk
from qtclient import Backoff, DeviceConfig
from tests.qtclient.test_link import advertised_on_loopback, call

PIN = "246810"


class Rogue:
    """A server that answers like a dispatcher (every path 200, /health "active") and records everything.

    ``connections`` counts TCP connections (before any TLS handshake); ``requests`` what was sent in them.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.port = free_port()
        self.connections = 0
        self.requests: list[dict] = []
        rogue = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                rogue.requests.append({"line": self.requestline, "headers": headers, "body": body.decode("latin-1")})
                data = {"status": "ok", "role": "active", "name": "kiosk-1", "id": 1, "counter": 1}
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args) -> None:
                pass

        self.pin = None
        ctx = None
        if directory is not None:  # https with a certificate of its own
            cert, key = ensure_certificate(directory, ["127.0.0.1"])
            self.pin = fingerprint(cert)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)

        class Server(ThreadingHTTPServer):
            def get_request(self):
                sock, addr = self.socket.accept()
                rogue.connections += 1  # every TCP connection, before any TLS handshake
                if ctx is not None:
                    sock = ctx.wrap_socket(sock, server_side=True)  # a refused handshake raises: nothing read
                return sock, addr

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Rogue:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def tokens_seen(self) -> list[str]:
        return [r["headers"]["authorization"] for r in self.requests if r["headers"].get("authorization")]


@pytest.fixture
def real(tmp_path):
    """The hall's real dispatcher, TLS with its pinned certificate; an officer with a 6-digit PIN."""
    with LiveDispatcher(tmp_path / "real", tls=True) as live:
        live.add_officer("1001", "张三", PIN)
        yield live


@pytest.fixture
def rogues(tmp_path):
    with Rogue() as plain, Rogue(tmp_path / "rogue-tls") as tls:
        yield plain, tls


def test_pinned_kiosk_and_counter_send_nothing_to_rogues_and_reach_the_real_dispatcher(
    qtbot, real, rogues, tmp_path, caplog
):
    from counter_client.app import build as build_counter

    plain, tls = rogues
    hall_id = f"hall-rogue-{real.port}"  # other tests' adverts on this machine's loopback are not ours
    assert tls.pin != real.pin
    kiosk_token = real.add_device("kiosk", "kiosk-1")
    counter_token = real.add_device("counter", "pc-1", counter=1)
    common = {"url": "discover", "hall_id": hall_id, "tls_pin": real.pin}
    caplog.set_level(logging.INFO, logger="fairq.qtclient")
    with (
        advertised_on_loopback(plain.port, hall_id, name="rogue-http"),
        advertised_on_loopback(tls.port, hall_id, fingerprint=tls.pin, name="rogue-https"),
    ):
        printer = tmp_path / "printer"
        printer.mkdir()
        kiosk_values = {**KIOSK_DEFAULTS, **common, "token": kiosk_token, "printer": f"sim://{printer}"}
        kiosk = build_kiosk(DeviceConfig(tmp_path / "kiosk.toml", kiosk_values), interfaces=["127.0.0.1"])
        kiosk.link.backoff = Backoff(0.05, cap=0.5)
        counter = build_counter(
            DeviceConfig(tmp_path / "counter.toml", {**common, "token": counter_token}),
            link_options={"backoff": Backoff(0.05, cap=0.5), "refresh_ms": 50},
            interfaces=["127.0.0.1"],
        )
        qtbot.addWidget(kiosk.window)
        qtbot.addWidget(counter.window)
        try:
            kiosk.controller.start()
            counter.start()
            # both see the rogues first and refuse them: the https one fails its handshake, the http one is ignored
            qtbot.waitUntil(lambda: tls.connections >= 2, timeout=20000)
            qtbot.wait(500)
            assert not kiosk.link.is_up and not counter.link.is_up
            with advertised_on_loopback(real.port, hall_id, fingerprint=real.pin, name="real"):
                qtbot.waitUntil(lambda: kiosk.link.is_up and counter.link.is_up, timeout=30000)
                assert kiosk.link.url == real.url and counter.link.url == real.url
                assert kiosk.link.device["name"] == "kiosk-1" and counter.session.number == 1
                qtbot.waitUntil(counter.session.can_login, timeout=10000)
                assert counter.session.login("1001", PIN)
                qtbot.waitUntil(lambda: counter.session.logged_in, timeout=10000)
                issued = call(qtbot, lambda cb: kiosk.link.issue_ticket("C", idempotency_key="r1", callback=cb))
                assert issued.ok and issued.data["label"] == "C001"
        finally:
            kiosk.stop()
            counter.stop()
    assert real.service.hall.counters[1].staff_id == "1001"  # the PIN went to the real dispatcher
    for rogue in (plain, tls):
        assert rogue.requests == [], f"the rogue got requests: {rogue.requests}"
        assert rogue.tokens_seen() == []
    assert plain.connections == 0  # not even a GET /health over plain http
    messages = [r.getMessage() for r in caplog.records]
    assert any("ignoring the plain-http advert" in m for m in messages)
    assert any("does not match the pinned fingerprint" in m for m in messages)


def test_the_rogue_would_get_the_token_of_an_unpinned_link(qtbot, rogues, make_link):
    """The control: the rogue is attractive and records what it is sent, so the test above means something."""
    from qtclient.discovery import DiscoveryBrowser

    plain, _ = rogues
    hall_id = f"hall-unpinned-{plain.port}"
    browser = DiscoveryBrowser(interfaces=["127.0.0.1"], hall_id=hall_id)
    link = make_link(None, "secret-token", discovery=browser)
    with advertised_on_loopback(plain.port, hall_id, name="rogue-http"):
        link.start()
        qtbot.waitUntil(lambda: bool(plain.tokens_seen()), timeout=20000)
    assert plain.tokens_seen()[0] == "Bearer secret-token"


def test_enrolling_by_discovery_with_a_pinned_code_skips_the_rogues(qtbot, real, rogues):
    """The rogues were discovered last; the enrolment screen tries them first and sends them nothing."""
    from PySide6.QtWidgets import QWidget

    from protocol.enrolment import Enrolment, enrolment_code
    from qtclient.enrol import EnrolmentView

    plain, tls = rogues
    token = real.add_device("kiosk", "kiosk-1")
    window = QWidget()  # the screen inside a window, as the counter client shows it
    qtbot.addWidget(window)
    view = EnrolmentView(role="kiosk", parent=window)
    for url in (real.url, f"https://127.0.0.1:{tls.port}", f"http://127.0.0.1:{plain.port}"):
        view.discovered_url = url  # as the apps do on every advert
    view.token_edit.setText(enrolment_code(Enrolment(token=token, hall_id="hall-1", pin=real.pin)))
    with qtbot.waitSignal(view.enrolled, timeout=20000) as enrolled:
        view.submit()
    assert enrolled.args[0] == "discover" and enrolled.args[2]["name"] == "kiosk-1"
    assert view.pinning() == {"tls_pin": real.pin, "hall_id": "hall-1"}
    assert tls.connections >= 1 and tls.requests == [] and plain.connections == 0
